"""Text load benchmark: Orderly (one replica, and the scaled topology) against stock Rasa.

``python -m benchmarks.text_load`` (``make bench-text``). Concurrent customers each
place full paid orders over the REST channel: "two hash browns and a medium
americano", "that's all", "yes", every reply checked (the cart, the readback, the
payment). Each order is a new customer who signed in before the clock started (a
sign-in is not a dialogue turn; see `SignedInCustomers`). Side by side in the same
run, a stock ``rasa init`` bot (trained once in a temporary folder and cached under
``var/bench/``) answers greetings from as many concurrent visitors, three turns each.
All systems are started first; then they take turns under load in short rotating
slices (``--rounds``), so background load on a shared machine falls on all of them
alike, and only one is under load at a time.

It prints, per system and concurrency, p50/p95 per turn, turns/s, errors, double
charges, customers who had to sign in under load (the signed-in ones ran out), the
ratios to the stock bot, and whether the targets are met: at 8 concurrent customers,
Orderly's p50 at most 2x the stock bot's and its throughput at least 0.7x. Results are
also written to ``results/text_load.json``.

All traffic goes to services this program starts on 127.0.0.1; every load phase runs
for a fixed time and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path

from benchmarks.load_conversations import Phase, Workload, run_phase
from benchmarks.load_systems import SYSTEMS, start_systems
from launch.stack import MODEL, ROOT

MORNING = "2026-11-24T08:00:00+08:00"  # breakfast is served, every store is open
RESULTS = ROOT / "results" / "text_load.json"
TARGET_CONCURRENCY = 8
TARGET_P50_RATIO = 2.0
TARGET_THROUGHPUT_RATIO = 0.7
WARM_UP_SECONDS = 3.0


# --- the report ------------------------------------------------------------------------


def report(phases: list[Phase]) -> list[str]:
    stock = {p.concurrency: p for p in phases if p.system == "stock"}
    lines = [
        f"{'system':<12} {'conc':>4} {'turns':>6} {'p50 ms':>8} {'p95 ms':>8} {'turns/s':>8} "
        f"{'errors':>6} {'double':>6} {'p50 x':>6} {'tput x':>6} {'signins':>7}"
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
            f"{p.double_charges:>6} {_ratio(p50_ratio):>6} {_ratio(tput_ratio):>6} "
            f"{p.signed_in_under_load:>7}"
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
        default=list(SYSTEMS),
        choices=SYSTEMS,
        help="orderly-1: one replica (make serve); orderly-2: the scaled topology",
    )
    args = parser.parse_args()
    if not MODEL.exists():
        print(f"No trained model at {MODEL}: run `make model` first.", file=sys.stderr)
        return 1
    # The services inherit this environment, so a caller's ORDERLY_* settings reach them.
    env = {"ORDERLY_NOW": MORNING}
    phases: dict[tuple[str, int], Phase] = {}
    with tempfile.TemporaryDirectory(prefix="orderly-bench-") as folder, ExitStack() as running:
        targets = start_systems(args.systems, Path(folder), env, running)
        rates = {name: warm_up(name, workload) for name, workload in targets.items()}
        for n in args.concurrency:
            for round_number in range(args.rounds):
                # The systems take turns, in a rotating order, so a change in the
                # machine's background load falls on all of them alike.
                names = list(targets)
                shift = round_number % len(names)
                for name in names[shift:] + names[:shift]:
                    phase = phases.setdefault((name, n), Phase(name, n))
                    seconds = args.seconds / args.rounds
                    # As many customers as this slice may need, from the rate so far.
                    rate = phase.conversations_per_second or n * rates[name]
                    expected = math.ceil(rate * seconds)
                    asyncio.run(run_phase(phase, targets[name], seconds, expected))
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


def warm_up(name: str, workload: Workload) -> float:
    """Untimed conversations per system (first calls load models and fill caches);
    returns their rate, conversations per second for one customer."""
    scratch = Phase(name, 1)
    asyncio.run(run_phase(scratch, workload, WARM_UP_SECONDS, expected_conversations=10))
    if scratch.errors:
        print(f"  {name}: warm-up errors: {scratch.error_samples}", flush=True)
    return scratch.conversations_per_second


if __name__ == "__main__":
    sys.exit(main())
