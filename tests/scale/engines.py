"""Private PostgreSQL and Redis servers for the fault tests.

The tests restart the database mid-conversation, which must not disturb the machine's
own PostgreSQL (other programs use it), so they run a throwaway cluster made with the
installed server binaries (`initdb`, `pg_ctl`) in a temporary folder on a free port.
PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2

READY_TIMEOUT_SECONDS = 30.0
POSTGRES_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


def postgres_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for folder in reversed(POSTGRES_BINARIES):
        if (folder / name).exists():
            return str(folder / name)
    return None


def missing_engines() -> str | None:
    """Why the private servers cannot run here, or None."""
    for name in ("initdb", "pg_ctl"):
        if postgres_binary(name) is None:
            return f"PostgreSQL server binaries ({name}) are not installed"
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL as postgres"
    return None


@dataclass
class PrivatePostgres:
    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _run(self, *argv: str) -> None:
        command = list(argv)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def create(self) -> PrivatePostgres:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        initdb = postgres_binary("initdb")
        assert initdb is not None
        self._run(initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        return self.start()

    def start(self) -> PrivatePostgres:
        pg_ctl = postgres_binary("pg_ctl")
        assert pg_ctl is not None
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        log = str(self.folder / "postgres.log")
        self._run(pg_ctl, "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        self.wait_ready()
        return self

    def stop(self) -> None:
        pg_ctl = postgres_binary("pg_ctl")
        assert pg_ctl is not None
        self._run(pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while True:
            try:
                psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres").close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


@dataclass
class PrivateRedis:
    folder: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> PrivateRedis:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while True:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=1).ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
