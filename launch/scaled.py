"""The scaled topology on this machine: ``python -m launch serve-scaled`` (``make serve-scaled``).

```
 clients ── HAProxy :5005 ──round robin──┬─ Rasa replica :5006 ─┐   tracker: PostgreSQL
                                         └─ Rasa replica :5007 ─┤   locks:   Redis
            HAProxy :5055 ◄──────────────────────────────────────┘   PIN request: Redis
                 └──round robin──┬─ action server :5056 ─┐
                                 └─ action server :5057 ─┴─► merchant :8088 ─► PostgreSQL
```

Every piece of conversation state is outside the processes: conversations in
PostgreSQL (`orderly_tracker`), a turn's lock in Redis (Rasa's `RedisLockStore`), the
pending PIN request in Redis with a TTL, orders in the merchant's PostgreSQL database
(`orderly_merchant`, schema by Alembic). So any replica can take any turn; HAProxy
keeps no sticky sessions. The same topology as Kubernetes manifests is in deploy/k8s.
"""

from __future__ import annotations

import csv
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from launch.settings import LaunchSettings
from launch.stack import (
    MODEL,
    ROOT,
    STARTUP_TIMEOUT_SECONDS,
    Service,
    Stack,
    StackConfig,
    refuse_ports_in_use,
)

ENDPOINTS = ROOT / "endpoints.scaled.yml"
HAPROXY_CHECK_INTERVAL_MS = 1000
HAPROXY_TIMEOUT_SERVER_SECONDS = 120
LB_HEALTH_PATH = "/lb-health"
HAPROXY_BUFFER_BYTES = 1 << 20


@dataclass(frozen=True)
class ScaledConfig(StackConfig):
    """Ports and engines of the scaled topology.

    `rasa_port` and `actions_port` (from StackConfig) are the load balancer's, so
    `rasa_url` is what clients use; the replicas listen on their own ports.
    """

    rasa_replica_ports: tuple[int, ...] = (5006, 5007)
    actions_replica_ports: tuple[int, ...] = (5056, 5057)
    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    postgres_user: str = "postgres"
    postgres_password: str = ""
    tracker_database: str = "orderly_tracker"
    merchant_database: str = "orderly_merchant"
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 0
    redis_password: str = ""
    haproxy: str = field(default_factory=lambda: shutil.which("haproxy") or "/usr/sbin/haproxy")

    @property
    def redis_url(self) -> str:
        password = f":{quote(self.redis_password, safe='')}@" if self.redis_password else ""
        return f"redis://{password}{self.redis_host}:{self.redis_port}/{self.redis_db}"

    def postgres_url(self, database: str) -> str:
        password = f":{self.postgres_password}" if self.postgres_password else ""
        return (
            f"postgresql://{self.postgres_user}{password}@{self.postgres_host}:"
            f"{self.postgres_port}/{database}"
        )

    def replica_url(self, port: int) -> str:
        return f"http://{self.host}:{port}"


@dataclass
class ScaledService(Service):
    """A service with its own environment on top of the stack's."""

    env: dict[str, str] = field(default_factory=dict)


class ScaledStack(Stack):
    """Merchant, two action servers, HAProxy, two Rasa replicas; stops what it started."""

    def __init__(self, config: ScaledConfig, progress: Callable[[str], None] | None = None) -> None:
        self.config: ScaledConfig = config
        self.progress = progress
        python = sys.executable
        services: list[Service] = [
            ScaledService(
                "merchant",
                [python, "-m", "merchant"],
                f"{config.merchant_url}/health",
                env={"DATABASE_URL": config.postgres_url(config.merchant_database)},
            )
        ]
        for number, port in enumerate(config.actions_replica_ports, 1):
            services.append(
                ScaledService(
                    f"actions-{number}",
                    [python, "-m", "actions"],
                    f"{config.replica_url(port)}/health",
                    env={"ORDERLY_ACTIONS_PORT": str(port)},
                )
            )
        services.append(
            ScaledService(
                "haproxy",
                [config.haproxy, "-db", "-f", str(self.haproxy_config_file)],
                f"{config.rasa_url}{LB_HEALTH_PATH}",
            )
        )
        for number, port in enumerate(config.rasa_replica_ports, 1):
            services.append(
                ScaledService(
                    f"rasa-{number}",
                    [
                        python, "-m", "launch.rasa_process", "run", "--model", str(MODEL),
                        "--credentials", str(ROOT / "credentials.yml"),
                        "--endpoints", str(ENDPOINTS), "--port", str(port),
                        "--interface", config.host, "--cors", *config.cors_origins,
                    ],
                    f"{config.replica_url(port)}/webhooks/rest/",
                    # One Wyoming port, on the first replica (Home Assistant names one host).
                    env={} if number == 1 else {"ORDERLY_WYOMING_ENABLED": "false"},
                )
            )  # fmt: skip
        self.services = services

    def ports(self) -> dict[str, int]:
        replicas = {
            f"{name} replica {number}": port
            for name, ports in (
                ("Rasa", self.config.rasa_replica_ports),
                ("action server", self.config.actions_replica_ports),
            )
            for number, port in enumerate(ports, 1)
        }
        return {**super().ports(), **replicas}

    @property
    def haproxy_config_file(self) -> Path:
        return self.config.data_dir / "haproxy.cfg"

    def environment(self) -> dict[str, str]:
        c = self.config
        env = super().environment()
        env.setdefault("ORDERLY_ACTION_TOKEN", secrets.token_urlsafe(32))
        return {
            **env,
            "ORDERLY_ACTION_URL": f"{c.actions_url}/webhook",
            "ORDERLY_TRACKER_DB_HOST": c.postgres_host,
            "ORDERLY_TRACKER_DB_PORT": str(c.postgres_port),
            "ORDERLY_TRACKER_DB_NAME": c.tracker_database,
            "ORDERLY_TRACKER_DB_USER": c.postgres_user,
            "ORDERLY_TRACKER_DB_PASSWORD": c.postgres_password,
            "ORDERLY_REDIS_HOST": c.redis_host,
            "ORDERLY_REDIS_PORT": str(c.redis_port),
            "ORDERLY_REDIS_DB": str(c.redis_db),
            "ORDERLY_REDIS_PASSWORD": c.redis_password,
            "ORDERLY_REDIS_URL": c.redis_url,
            **c.env,
        }

    def start(self) -> ScaledStack:
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        refuse_ports_in_use(self.config.host, self.ports())
        self.check_redis()
        self.create_databases()
        self.haproxy_config_file.write_text(haproxy_config(self.config))
        self._environment = self.environment()  # one token for every process
        try:
            rasa = [s for s in self.services if s.name.startswith("rasa-")]
            for service in self.services:
                if service in rasa:
                    continue
                self._launch(service, self._environment)
            # The replicas load the model at the same time; Rasa tolerates two
            # replicas creating the tracker tables at once.
            for service in rasa:
                self._spawn(service, self._environment)
            for service in rasa:
                self._wait_until_healthy(service)
            self.wait_until_balanced()
        except BaseException:
            self.stop()
            raise
        return self

    def kill_service(self, name: str) -> None:
        """`kill -9` one process, as a crash would (fault tests)."""
        process = self._service(name).process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def _launch(self, service: Service, env: dict[str, str]) -> None:
        self._spawn(service, env)
        self._wait_until_healthy(service)

    def _spawn(self, service: Service, env: dict[str, str]) -> None:
        own = service.env if isinstance(service, ScaledService) else {}
        service.log = open(self.config.log_dir / f"{service.name}.log", "ab")
        service.process = subprocess.Popen(
            service.argv,
            cwd=ROOT,
            env={**env, **own},
            stdout=service.log,
            stderr=subprocess.STDOUT,
        )

    def start_service(self, name: str) -> None:
        self._launch(self._service(name), self._environment)
        self.wait_until_balanced()

    def wait_until_balanced(self) -> None:
        """Wait until HAProxy's health checks see every live server up."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        live = {s.name for s in self.services if s.process and s.process.poll() is None}
        while time.monotonic() < deadline:
            up = {
                row["svname"]
                for row in csv.DictReader(
                    self.haproxy_command("show stat").lstrip("# ").splitlines()
                )
                if row["status"] == "UP"
            }
            if not {name for name in live if name.startswith(("rasa-", "actions-"))} - up:
                return
            time.sleep(HAPROXY_CHECK_INTERVAL_MS / 1000 / 4)
        raise RuntimeError("HAProxy did not see every replica up in time")

    def set_server_state(self, backend: str, server: str, state: str) -> None:
        """HAProxy's runtime API: `state` is ready, drain or maint (tests, operators)."""
        self.haproxy_command(f"set server {backend}/{server} state {state}")

    def haproxy_command(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.connect(str(self.config.data_dir / "haproxy.sock"))
            connection.sendall(f"{command}\n".encode())
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def create_databases(self) -> None:
        """Create the tracker and merchant databases when they do not exist yet."""
        import psycopg2

        c = self.config
        try:
            connection = psycopg2.connect(c.postgres_url("postgres"), connect_timeout=5)
        except psycopg2.OperationalError as error:
            raise RuntimeError(
                f"PostgreSQL is not reachable at {c.postgres_host}:{c.postgres_port} "
                f"(ORDERLY_POSTGRES_HOST/PORT/USER/PASSWORD): {str(error).strip()}"
            ) from error
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                for name in (c.tracker_database, c.merchant_database):
                    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                    if cursor.fetchone() is None:
                        cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()

    def check_redis(self) -> None:
        import redis

        c = self.config
        try:
            redis.Redis.from_url(c.redis_url, socket_connect_timeout=5).ping()
        except redis.RedisError as error:
            raise RuntimeError(
                f"Redis is not reachable at {c.redis_host}:{c.redis_port} "
                f"(ORDERLY_REDIS_HOST/PORT): {error}"
            ) from error


def haproxy_config(config: ScaledConfig) -> str:
    """Round robin, no stickiness; a request that cannot connect goes to the other server."""

    def servers(prefix: str, ports: tuple[int, ...], check: str) -> str:
        return "\n".join(
            f"    server {prefix}-{n} {config.host}:{port} check {check}"
            for n, port in enumerate(ports, 1)
        )

    check = f"inter {HAPROXY_CHECK_INTERVAL_MS} fall 2 rise 1"
    return f"""# Written by launch/scaled.py for this run.
global
    maxconn 256
    # Room for a whole action-server request (it carries the tracker), so HAProxy can
    # replay it on the other server (L7 retries need the request buffered).
    tune.bufsize {HAPROXY_BUFFER_BYTES}
    stats socket {config.data_dir / "haproxy.sock"} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client {HAPROXY_TIMEOUT_SERVER_SECONDS}s
    timeout server {HAPROXY_TIMEOUT_SERVER_SECONDS}s
    # A refused connection (a replica just died) is retried on the other server. A Rasa
    # turn is never replayed: the user's message would count twice.
    retries 2
    option redispatch
    option http-server-close

frontend rasa
    bind {config.host}:{config.rasa_port}
    monitor-uri {LB_HEALTH_PATH}
    default_backend rasa_replicas

backend rasa_replicas
    balance roundrobin
    option httpchk GET /webhooks/rest/
{servers("rasa", config.rasa_replica_ports, check)}

frontend actions
    bind {config.host}:{config.actions_port}
    default_backend action_servers

backend action_servers
    balance roundrobin
    option httpchk GET /health
    # An action server that dies mid-request is replayed on the other one: every
    # merchant write carries an idempotency key, so a replay never acts twice.
    option http-buffer-request
    retry-on conn-failure empty-response response-timeout
{servers("actions", config.actions_replica_ports, check)}
"""


def scaled_config(settings: LaunchSettings) -> ScaledConfig:
    """The launcher's ports and this machine's PostgreSQL and Redis, from the settings."""
    return ScaledConfig(
        data_dir=settings.data_dir,
        merchant_port=settings.merchant_port,
        actions_port=settings.actions_port,
        rasa_port=settings.rasa_port,
        allowed_origins=settings.cors_origins,
        postgres_host=settings.postgres_host,
        postgres_port=settings.postgres_port,
        postgres_user=settings.postgres_user,
        postgres_password=settings.postgres_password,
        redis_host=settings.redis_host,
        redis_port=settings.redis_port,
        redis_password=settings.redis_password,
    )
