"""Starting the systems the text load benchmark compares, each on free ports.

The stock `rasa init` bot is trained once in a temporary folder and cached under
`var/bench/stock-bot`; Orderly runs as `make serve` does (one replica) or as
`make serve-scaled` does (two replicas behind HAProxy, on PostgreSQL and Redis, in
databases of its own that each run starts empty).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from benchmarks.load_conversations import Greetings, PaidOrders, Workload
from launch.scaled import ScaledConfig, ScaledStack, scaled_config
from launch.settings import LaunchSettings
from launch.stack import ROOT, STARTUP_TIMEOUT_SECONDS, Stack, StackConfig

STOCK_DIR = ROOT / "var" / "bench" / "stock-bot"
BENCH_DATABASES = ("orderly_bench_tracker", "orderly_bench_merchant")
SYSTEMS = ("stock", "orderly-1", "orderly-2")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def stock_model() -> Path:
    """A `rasa init` bot, trained once and cached under var/bench/stock-bot."""
    models = sorted((STOCK_DIR / "models").glob("*.tar.gz"))
    if models:
        return models[-1]
    print("Training the stock `rasa init` bot once (about a minute)...", flush=True)
    with tempfile.TemporaryDirectory(prefix="rasa-init-") as folder:
        subprocess.run(
            [rasa_executable(), "init", "--no-prompt", "--init-dir", folder],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            cwd=folder,
            timeout=1800,
        )
        if STOCK_DIR.exists():
            shutil.rmtree(STOCK_DIR)
        shutil.copytree(folder, STOCK_DIR)
    return sorted((STOCK_DIR / "models").glob("*.tar.gz"))[-1]


@contextmanager
def stock_bot(log_dir: Path) -> Iterator[str]:
    model = stock_model()
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / "stock-rasa.log", "ab") as log:
        process = subprocess.Popen(
            [rasa_executable(), "run", "--model", str(model), "--port", str(port),
             "--interface", "127.0.0.1", "--credentials", "credentials.yml",
             "--endpoints", "endpoints.yml"],
            cwd=STOCK_DIR, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{url}/webhooks/rest/", process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the process serving {url} exited")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in time")


# The load generator signs hundreds of customers up from one address: let it past the
# merchant's per-address throttle (each check still costs its hash).
ONE_ADDRESS_FOR_EVERYONE = {"ORDERLY_PASSWORD_CHECKS_PER_CLIENT": "100000/minute"}
ONE_ADDRESS_FOR_EVERYONE["ORDERLY_PASSWORD_CHECKS_TOTAL"] = "100000/minute"


def orderly_config(data_dir: Path, env: dict[str, str]) -> StackConfig:
    env = {**ONE_ADDRESS_FOR_EVERYONE, **env}
    return StackConfig(
        data_dir=data_dir,
        merchant_port=free_port(),
        actions_port=free_port(),
        rasa_port=free_port(),
        wyoming_port=free_port(),
        env=env,
    )


def scaled_bench_config(data_dir: Path, env: dict[str, str]) -> ScaledConfig:
    env = {**ONE_ADDRESS_FOR_EVERYONE, **env}
    machine = scaled_config(LaunchSettings.from_env())
    return ScaledConfig(
        data_dir=data_dir,
        merchant_port=free_port(),
        actions_port=free_port(),
        rasa_port=free_port(),
        wyoming_port=free_port(),
        rasa_replica_ports=(free_port(), free_port()),
        actions_replica_ports=(free_port(), free_port()),
        postgres_host=machine.postgres_host,
        postgres_port=machine.postgres_port,
        postgres_user=machine.postgres_user,
        postgres_password=machine.postgres_password,
        redis_host=machine.redis_host,
        redis_port=machine.redis_port,
        tracker_database=BENCH_DATABASES[0],
        merchant_database=BENCH_DATABASES[1],
        env=env,
    )


def drop_bench_databases(config: ScaledConfig) -> None:
    """Start the scaled run from empty databases."""
    import psycopg2

    connection = psycopg2.connect(config.postgres_url("postgres"))
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for name in BENCH_DATABASES:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def start_systems(
    names: list[str], folder: Path, env: dict[str, str], running: ExitStack
) -> dict[str, Workload]:
    """Start every system (they stay up, idle between their turns)."""
    targets: dict[str, Workload] = {}
    for name in names:
        print(f"Starting {name}...", flush=True)
        if name == "stock":
            url = running.enter_context(stock_bot(folder / "stock" / "logs"))
            targets[name] = Greetings(url)
        elif name == "orderly-1":
            stack = running.enter_context(Stack(orderly_config(folder / name, env)))
            c = stack.config
            targets[name] = PaidOrders(c.rasa_url, c.merchant_url)
        else:
            config = scaled_bench_config(folder / name, env)
            drop_bench_databases(config)
            scaled = running.enter_context(ScaledStack(config))
            c = scaled.config
            targets[name] = PaidOrders(c.rasa_url, c.merchant_url)
    return targets
