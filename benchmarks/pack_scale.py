"""Catalogue scale (issue 17 §5): the assistant with 2 merchant packs and with 1,100.

    python -m benchmarks.pack_scale                   # 2 packs, then 2 + 1,098 synthetic
    python -m benchmarks.pack_scale --turns 60 --taskmaster 0

Both platforms run in one run, one after the other, each a real stack started as the
end-to-end tests start theirs (launch/stack.py, free ports, data in a temporary folder,
`ORDERLY_PACKS_DIR` naming the packs): Golden Crumb and Copper Kettle, then the same two
with 1,098 synthetic brands (merchant/packs/synthetic.py; many sell a Latte, a Cappuccino,
a Matcha Latte). The conversations order from Copper Kettle. For each it prints:

- each service's start-up time (until it answers its health check), and the time until
  the first turn is understood (the NLU's first lexicon load);
- each service's memory (RSS, children included) after the turns;
- per-turn latency p50 and p95: typed turns through the REST channel, each the first
  order of a fresh signed-up conversation (Taskmaster-4 first ordering turns, the same
  turns for both sizes);
- Taskmaster-4 item accuracy for Copper Kettle: online (the carts of those turns) and
  offline (the order parser on the platform's merged lexicon, as the NLU hears it with
  Copper Kettle in use, over every turn).

Goals: p50 with 1,100 packs <= 1.3 x p50 with 2, and item accuracy within 1 point.
The load average and the commit are printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from actions.lexicon import lexicon_of
from actions.lexicon import platform_lexicon as merged_lexicon
from benchmarks.load_systems import orderly_config
from benchmarks.settings import BenchmarkSettings
from benchmarks.taskmaster import score
from benchmarks.taskmaster_carts import AssistantCart, OfflineCart, lexicon_menu
from benchmarks.taskmaster_corpus import Menu, Turn, load_turns
from contracts.lexicon import Lexicon
from launch.stack import ROOT, Stack
from merchant.packs import DEFAULT_PACKS_DIR, load_packs
from merchant.packs.synthetic import generate_packs

MERCHANT_ID = "copper-kettle"
REAL_PACKS = ("copper-kettle", "golden-crumb")
SYNTHETIC = 1098
MORNING = "2026-11-24T09:00:00+08:00"
# How long the NLU may take to load its first lexicon before the run gives up.
FIRST_TURN_TIMEOUT_SECONDS = 900.0
WARM_UP = "a latte please"


@dataclass
class Figures:
    packs: int
    items: int = 0
    startup: dict[str, float] = field(default_factory=dict)
    first_understood: float = 0.0
    rss_mb: dict[str, float] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    online: tuple[int, int] = (0, 0)
    offline: tuple[int, int] = (0, 0)


def packs_folder(root: Path, synthetic: int) -> Path:
    folder = root / f"packs-{len(REAL_PACKS) + synthetic}"
    for pack in REAL_PACKS:
        shutil.copytree(DEFAULT_PACKS_DIR / pack, folder / pack)
    if synthetic:
        generate_packs(folder, synthetic)
    return folder


def platform_lexicon(packs_dir: Path) -> Lexicon:
    """What `GET /lexicon` serves, built offline from the packs by the same code."""
    packs = load_packs(packs_dir)
    own = [lexicon_of(p.id, p.items, p.listed) for p in packs if p.kind == "menu"]
    return merged_lexicon(MERCHANT_ID, packs, own)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        kb = next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")), 0)
        total += int(kb)
        pids += [int(child) for child in children]
    return total / 1024


def measure(packs_dir: Path, root: Path, turns: Sequence[Turn], menu: Menu, packs: int) -> Figures:
    figures = Figures(packs=packs)
    env = {
        "ORDERLY_PACKS_DIR": str(packs_dir),
        "ORDERLY_MERCHANT_ID": MERCHANT_ID,
        "ORDERLY_NOW": MORNING,
    }
    config = orderly_config(root / f"stack-{packs}", env)
    stack = Stack(config)
    config.log_dir.mkdir(parents=True, exist_ok=True)
    try:
        for service in stack.services:
            started = time.monotonic()
            stack.start_service(service.name)
            figures.startup[service.name] = time.monotonic() - started
        cart = AssistantCart(config.rasa_url, config.merchant_url, menu)
        started = time.monotonic()
        while not understood(cart):
            if time.monotonic() - started > FIRST_TURN_TIMEOUT_SECONDS:
                raise SystemExit(f"{packs} packs: '{WARM_UP}' was never understood")
            time.sleep(5.0)
        figures.first_understood = time.monotonic() - started
        right = 0
        for turn in turns:
            lines, seconds = cart.timed_cart(turn.text)
            figures.latencies.append(seconds)
            right += score(turn, lines, menu)[0]
        figures.online = (right, len(turns))
        for service in stack.services:
            assert service.process is not None
            figures.rss_mb[service.name] = rss_mb(service.process.pid)
    finally:
        stack.stop()
    return figures


def understood(cart: AssistantCart) -> bool:
    """Whether the warm-up order lands in the cart (a turn that times out has not)."""
    try:
        return bool(cart.cart(WARM_UP))
    except httpx.HTTPError:
        return False


def offline_accuracy(packs_dir: Path, turns: Sequence[Turn], menu: Menu) -> tuple[int, int]:
    """Items right, parsed as the NLU does with Copper Kettle in use, on the merged lexicon."""
    source = OfflineCart(platform_lexicon(packs_dir), menu, MERCHANT_ID)
    return sum(score(turn, source.cart(turn.text), menu)[0] for turn in turns), len(turns)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(small: Figures, large: Figures) -> list[str]:
    def rate(pair: tuple[int, int]) -> str:
        right, total = pair
        return f"{100 * right / total:.1f}% ({right}/{total})" if total else "-"

    def row(label: str, one: str, other: str) -> str:
        return f"  {label:<34}{one:>18}{other:>18}"

    lines = [row("", f"{small.packs} packs", f"{large.packs} packs")]
    lines.append(row("menu items", str(small.items), str(large.items)))
    for name in small.startup:
        lines.append(
            row(f"start-up: {name}", f"{small.startup[name]:.1f} s", f"{large.startup[name]:.1f} s")
        )
    lines.append(
        row(
            "first turn understood after",
            f"{small.first_understood:.1f} s",
            f"{large.first_understood:.1f} s",
        )
    )
    for name in small.rss_mb:
        lines.append(
            row(
                f"memory (RSS): {name}",
                f"{small.rss_mb[name]:.0f} MB",
                f"{large.rss_mb[name]:.0f} MB",
            )
        )
    for label, share in (("p50", 0.5), ("p95", 0.95)):
        one, other = percentile(small.latencies, share), percentile(large.latencies, share)
        lines.append(
            row(f"per-turn latency {label}", f"{1000 * one:.0f} ms", f"{1000 * other:.0f} ms")
        )
    lines.append(row("turns timed", str(len(small.latencies)), str(len(large.latencies))))
    lines.append(row("Taskmaster-4 items, online", rate(small.online), rate(large.online)))
    lines.append(
        row("Taskmaster-4 items, offline parser", rate(small.offline), rate(large.offline))
    )
    ratio = statistics.median(large.latencies) / statistics.median(small.latencies)
    lines.append(f"  p50 ratio: {ratio:.2f} (goal <= 1.30)")
    return lines


def commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True)
    return found.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument(
        "--data", type=Path, default=BenchmarkSettings.from_env().taskmaster_data
    )
    arguments.add_argument("--turns", type=int, default=100, help="timed online turns per size")
    arguments.add_argument("--synthetic", type=int, default=SYNTHETIC, help="synthetic packs")
    options = arguments.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="orderly-pack-scale-") as folder:
        root = Path(folder)
        small_dir = packs_folder(root, 0)
        started = time.monotonic()
        large_dir = packs_folder(root, options.synthetic)
        print(f"generated {options.synthetic} packs in {time.monotonic() - started:.1f} s")
        own = platform_lexicon(small_dir).of_merchant(MERCHANT_ID)
        assert own is not None
        menu = lexicon_menu(own)
        turns = [turn for turn in load_turns(options.data, menu) if not turn.off_menu]
        if not turns:
            raise SystemExit(f"No Taskmaster-4 turns in {options.data}: pass --data.")
        results = []
        for packs_dir, count in ((small_dir, 2), (large_dir, 2 + options.synthetic)):
            print(f"{count} packs: starting the stack...", file=sys.stderr, flush=True)
            figures = measure(packs_dir, root, turns[: options.turns], menu, count)
            figures.items = sum(len(pack.items) for pack in load_packs(packs_dir))
            figures.offline = offline_accuracy(packs_dir, turns, menu)
            results.append(figures)
    print(f"Catalogue scale, Copper Kettle in use (commit {commit()}):")
    print("\n".join(report(*results)))
    print(f"  load average: {Path('/proc/loadavg').read_text().strip()}; {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
