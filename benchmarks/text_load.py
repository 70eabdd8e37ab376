"""Text load benchmark: Orderly (one replica, and the scaled topology) against stock Rasa.

``python -m benchmarks.text_load`` (``make bench-text``). Concurrent customers each
place full paid orders over the REST channel: "two hash browns and a medium
americano", "that's all", "yes", every reply checked (the cart, the readback, the
payment). Side by side in the same run, a stock ``rasa init`` bot (trained once in a
temporary folder and cached under ``var/bench/``) answers greetings from as many
concurrent visitors, three turns each. All systems are started first; then they take
turns under load in short rotating slices (``--rounds``), so background load on a shared
machine falls on all of them alike, and only one is under load at a time.

It prints, per system and concurrency, p50/p95 per turn, turns/s, errors and double
charges, the ratios to the stock bot, and whether the targets are met: at 8 concurrent
customers, Orderly's p50 at most 2x the stock bot's and its throughput at least 0.7x.
Results are also written to ``results/text_load.json``.

All traffic goes to services this program starts on 127.0.0.1; every load phase runs
for a fixed time and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.scaled import ScaledConfig, ScaledStack, default_config
from bot.stack import MODEL, ROOT, STARTUP_TIMEOUT_SECONDS, Stack, StackConfig

MORNING = "2026-11-24T08:00:00+08:00"  # breakfast is served, every store is open
STOCK_DIR = ROOT / "var" / "bench" / "stock-bot"
RESULTS = ROOT / "results" / "text_load.json"
ORDER_TURNS = ("two hash browns and a medium americano", "that's all", "yes")
ORDER_TOTAL = 2 * 700 + 1200
FOLLOW_UP_ANSWER = "medium"
MAX_FOLLOW_UPS = 2
GREETINGS = ("hello", "hi there", "good morning")
TURN_TIMEOUT_SECONDS = 60.0
TARGET_CONCURRENCY = 8
TARGET_P50_RATIO = 2.0
TARGET_THROUGHPUT_RATIO = 0.7
WARM_UP_SECONDS = 3.0
BENCH_DATABASES = ("orderly_bench_tracker", "orderly_bench_merchant")


@dataclass
class Phase:
    """One system under one concurrency for a fixed time."""

    system: str
    concurrency: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    conversations: int = 0
    errors: int = 0
    double_charges: int = 0
    error_samples: list[str] = field(default_factory=list)

    @property
    def turns(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(q) - 1]

    @property
    def turns_per_second(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    def error(self, text: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 3:
            self.error_samples.append(text[:300])


class TurnFailed(Exception):
    """A reply that was not what the conversation needed (the message says why)."""


# --- the conversations ---------------------------------------------------------------


async def say(
    client: httpx.AsyncClient, url: str, sender: str, text: str, phase: Phase, token: str | None
) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    response = await client.post(
        f"{url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        headers=headers,
        timeout=TURN_TIMEOUT_SECONDS,
    )
    phase.latencies_ms.append((time.perf_counter() - started) * 1000)
    if response.status_code != 200:
        raise TurnFailed(f"HTTP {response.status_code} to {text!r}")
    replies: list[dict[str, Any]] = response.json()
    return replies


def custom(replies: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    for message in replies:
        payload = (message.get("custom") or {}).get(key)
        if isinstance(payload, dict):
            return payload
    return None


def button_payload(replies: list[dict[str, Any]], title: str) -> str | None:
    for message in replies:
        for button in message.get("buttons") or []:
            if str(button.get("title", "")).lower() == title.lower():
                return str(button["payload"])
    return None


def texts(replies: list[dict[str, Any]]) -> str:
    return " ".join(str(m.get("text", "")) for m in replies)


async def sign_in(client: httpx.AsyncClient, merchant_url: str, sender: str) -> str | None:
    """A customer token when the platform has identity (C4), else None (plain sender)."""
    response = await client.post(
        f"{merchant_url}/identity/sign-in",
        json={"customer_id": sender, "password": "bench-password"},
        timeout=TURN_TIMEOUT_SECONDS,
    )
    if response.status_code in (404, 405):
        return None
    response.raise_for_status()
    return str(response.json()["token"])


Conversation = Callable[[httpx.AsyncClient, Phase], Awaitable["PaidOrder | None"]]


@dataclass(frozen=True)
class PaidOrder:
    order_id: str
    token: str | None  # the customer's, to read the payments back (None before identity)


def place_order(rasa_url: str, merchant_url: str) -> Conversation:
    async def conversation(client: httpx.AsyncClient, phase: Phase) -> PaidOrder | None:
        """One full paid order."""
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        token = await sign_in(client, merchant_url, sender)
        replies = await say(client, rasa_url, sender, ORDER_TURNS[0], phase, token)
        for _ in range(MAX_FOLLOW_UPS):
            cart = custom(replies, "cart")
            if cart is not None and cart.get("total") == ORDER_TOTAL:
                break
            # The assistant asked for what it did not take from the sentence (a size):
            # press the button of that name, or say it.
            answer = button_payload(replies, FOLLOW_UP_ANSWER) or FOLLOW_UP_ANSWER
            replies = await say(client, rasa_url, sender, answer, phase, token)
        cart = custom(replies, "cart")
        if cart is None or cart.get("total") != ORDER_TOTAL:
            raise TurnFailed(f"no cart of ¥26.00: {texts(replies)}")
        replies = await say(client, rasa_url, sender, ORDER_TURNS[1], phase, token)
        readback = custom(replies, "readback")
        if readback is None:
            raise TurnFailed(f"no readback: {texts(replies)}")
        replies = await say(client, rasa_url, sender, ORDER_TURNS[2], phase, token)
        if "Paid ¥26.00" not in texts(replies):
            raise TurnFailed(f"not paid: {texts(replies)}")
        return PaidOrder(str(readback["order_id"]), token)

    return conversation


def greet(rasa_url: str) -> Conversation:
    async def conversation(client: httpx.AsyncClient, phase: Phase) -> PaidOrder | None:
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        for text in GREETINGS:
            replies = await say(client, rasa_url, sender, text, phase, None)
            if not texts(replies).strip():
                raise TurnFailed(f"no answer to {text!r}")
        return None

    return conversation


async def run_phase(
    phase: Phase,
    conversation: Conversation,
    seconds: float,
    merchant_url: str | None,
) -> None:
    """`phase.concurrency` customers start conversations until `seconds` have passed."""
    orders: list[PaidOrder] = []
    limits = httpx.Limits(max_connections=phase.concurrency * 2)
    async with httpx.AsyncClient(limits=limits) as client:
        deadline = time.monotonic() + seconds

        async def customer() -> None:
            while time.monotonic() < deadline:
                try:
                    order = await conversation(client, phase)
                except (TurnFailed, httpx.HTTPError) as error:
                    phase.error(f"{type(error).__name__}: {error}")
                    continue
                phase.conversations += 1
                if order is not None:
                    orders.append(order)

        started = time.monotonic()
        await asyncio.gather(*(customer() for _ in range(phase.concurrency)))
        phase.seconds += time.monotonic() - started
        if merchant_url is not None:
            phase.double_charges = await count_double_charges(client, merchant_url, orders, phase)


async def count_double_charges(
    client: httpx.AsyncClient, merchant_url: str, orders: list[PaidOrder], phase: Phase
) -> int:
    """Orders with more than one captured payment, read back from the merchant."""
    doubles = 0
    for order in orders:
        headers = {"Authorization": f"Bearer {order.token}"} if order.token else {}
        response = await client.get(
            f"{merchant_url}/payments",
            params={"order_id": order.order_id},
            headers=headers,
            timeout=TURN_TIMEOUT_SECONDS,
        )
        if response.status_code != 200:
            phase.error(f"payments of order {order.order_id}: HTTP {response.status_code}")
            continue
        captured = [p for p in response.json()["payments"] if p.get("status") == "captured"]
        doubles += len(captured) > 1
    return doubles


# --- the systems -----------------------------------------------------------------------


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


def orderly_config(data_dir: Path, env: dict[str, str]) -> StackConfig:
    return StackConfig(
        data_dir=data_dir,
        merchant_port=free_port(),
        actions_port=free_port(),
        rasa_port=free_port(),
        env=env,
    )


def scaled_config(data_dir: Path, env: dict[str, str]) -> ScaledConfig:
    machine = default_config()
    return ScaledConfig(
        data_dir=data_dir,
        merchant_port=free_port(),
        actions_port=free_port(),
        rasa_port=free_port(),
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


# --- the report ------------------------------------------------------------------------


def report(phases: list[Phase]) -> list[str]:
    stock = {p.concurrency: p for p in phases if p.system == "stock"}
    lines = [
        f"{'system':<12} {'conc':>4} {'turns':>6} {'p50 ms':>8} {'p95 ms':>8} {'turns/s':>8} "
        f"{'errors':>6} {'double':>6} {'p50 x':>6} {'tput x':>6}"
    ]
    for p in phases:
        base = stock.get(p.concurrency)
        p50_ratio = p.percentile(50) / base.percentile(50) if base and base.turns else None
        tput_ratio = (
            p.turns_per_second / base.turns_per_second if base and base.turns_per_second else None
        )
        lines.append(
            f"{p.system:<12} {p.concurrency:>4} {p.turns:>6} {p.percentile(50):>8.0f} "
            f"{p.percentile(95):>8.0f} {p.turns_per_second:>8.1f} {p.errors:>6} "
            f"{p.double_charges:>6} {_ratio(p50_ratio):>6} {_ratio(tput_ratio):>6}"
        )
    lines.append("")
    base = stock.get(TARGET_CONCURRENCY)
    for p in phases:
        if p.system == "stock" or p.concurrency != TARGET_CONCURRENCY or base is None:
            continue
        p50_ok = p.percentile(50) <= TARGET_P50_RATIO * base.percentile(50)
        tput_ok = p.turns_per_second >= TARGET_THROUGHPUT_RATIO * base.turns_per_second
        clean = p.errors == 0 and p.double_charges == 0
        lines.append(
            f"targets at {TARGET_CONCURRENCY} customers, {p.system}: "
            f"p50 <= {TARGET_P50_RATIO}x stock {'MET' if p50_ok else 'NOT met'}; "
            f"throughput >= {TARGET_THROUGHPUT_RATIO}x stock {'MET' if tput_ok else 'NOT met'}; "
            f"no errors or double charges {'MET' if clean else 'NOT met'}"
        )
    for p in phases:
        for sample in p.error_samples:
            lines.append(f"error sample ({p.system}, {p.concurrency}): {sample}")
    return lines


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


# --- main ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.text_load", description=__doc__)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, TARGET_CONCURRENCY])
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="load time per system and concurrency"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="slices the load time is cut into, the systems taking turns (fair under "
        "background load that changes over time)",
    )
    parser.add_argument(
        "--systems",
        nargs="+",
        default=["stock", "orderly-1", "orderly-2"],
        choices=["stock", "orderly-1", "orderly-2"],
        help="orderly-1: one replica (make serve); orderly-2: the scaled topology",
    )
    args = parser.parse_args()
    if not MODEL.exists():
        print(f"No trained model at {MODEL}: run `make model` first.", file=sys.stderr)
        return 1
    env = {"ORDERLY_NOW": MORNING, **_passed_through()}
    phases: dict[tuple[str, int], Phase] = {}
    with tempfile.TemporaryDirectory(prefix="orderly-bench-") as folder, ExitStack() as running:
        targets = start_systems(args.systems, Path(folder), env, running)
        for name, (conversation, _) in targets.items():
            warm_up(name, conversation)
        for n in args.concurrency:
            for round_number in range(args.rounds):
                # The systems take turns, in a rotating order, so a change in the
                # machine's background load falls on all of them alike.
                names = list(targets)
                shift = round_number % len(names)
                for name in names[shift:] + names[:shift]:
                    conversation, merchant_url = targets[name]
                    phase = phases.setdefault((name, n), Phase(name, n))
                    asyncio.run(
                        run_phase(phase, conversation, args.seconds / args.rounds, merchant_url)
                    )
            for name in targets:
                phase = phases[(name, n)]
                print(
                    f"  {name} x{n}: {phase.turns} turns, p50 {phase.percentile(50):.0f} ms, "
                    f"{phase.turns_per_second:.1f} turns/s, {phase.errors} errors",
                    flush=True,
                )
    ordered = sorted(phases.values(), key=lambda p: (args.systems.index(p.system), p.concurrency))
    print()
    for line in report(ordered):
        print(line)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            [
                {
                    **{k: v for k, v in asdict(p).items() if k != "latencies_ms"},
                    "p50_ms": p.percentile(50),
                    "p95_ms": p.percentile(95),
                    "turns": p.turns,
                    "turns_per_second": p.turns_per_second,
                }
                for p in ordered
            ],
            indent=2,
        )
    )
    failed = any(p.errors or p.double_charges for p in ordered)
    return 1 if failed else 0


def start_systems(
    names: list[str], folder: Path, env: dict[str, str], running: ExitStack
) -> dict[str, tuple[Conversation, str | None]]:
    """Start every system (they stay up, idle between their turns)."""
    targets: dict[str, tuple[Conversation, str | None]] = {}
    for name in names:
        print(f"Starting {name}...", flush=True)
        if name == "stock":
            url = running.enter_context(stock_bot(folder / "stock" / "logs"))
            targets[name] = (greet(url), None)
        elif name == "orderly-1":
            stack = running.enter_context(Stack(orderly_config(folder / name, env)))
            c = stack.config
            targets[name] = (place_order(c.rasa_url, c.merchant_url), c.merchant_url)
        else:
            config = scaled_config(folder / name, env)
            drop_bench_databases(config)
            scaled = running.enter_context(ScaledStack(config))
            c = scaled.config
            targets[name] = (place_order(c.rasa_url, c.merchant_url), c.merchant_url)
    return targets


def warm_up(name: str, conversation: Conversation) -> None:
    """One untimed conversation per system: first calls load models and fill caches."""
    scratch = Phase(name, 1)
    asyncio.run(run_phase(scratch, conversation, WARM_UP_SECONDS, None))
    if scratch.errors:
        print(f"  {name}: warm-up errors: {scratch.error_samples}", flush=True)


def _passed_through() -> dict[str, str]:
    """Settings a caller may set for the Orderly services (e.g. the menu cache)."""
    return {k: v for k, v in os.environ.items() if k.startswith("ORDERLY_")}


if __name__ == "__main__":
    sys.exit(main())
