"""Nearest-open store lookups at 5,000, 50,000 and 500,000 stores: p50, p95 and build time.

    python -m benchmarks.store_lookup                  # 2,000 lookups per size
    python -m benchmarks.store_lookup --sizes 5000 --queries 10000

Stores are spread around the real city centres of merchant/packs/cities.csv as the pack
generator spreads them (merchant/packs/network.py: the same cities, weights and spread),
on Golden Crumb's opening schedules. Each lookup is one `StoreIndex.nearest_open` call
(merchant/store_network.py, what `GET /merchants/{id}/stores?near=&open_at=` runs): a
customer somewhere in a city, at a time of day drawn from 05:00 to 24:00 (some before any
store opens), asking for the 5 nearest open stores. Build time is the index's
construction (its trees) from arrays, not reading the database. The load average is
printed: on a shared machine it moves the figures more than anything else, so each lookup
is also timed in this thread's CPU time (`cpu p50`, `cpu p95`), which leaves out the time
other processes held the CPU.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from datetime import time as clock

import numpy as np

from merchant.packs.network import KM_PER_DEGREE, SPREAD_KM, SPREAD_KM_PER_WEIGHT, cities
from merchant.store_network import StoreIndex

SIZES = (5_000, 50_000, 500_000)
# Golden Crumb's schedules (packs/golden-crumb/pack.yml), as [opens, closes) seconds.
SCHEDULES = (
    (6 * 3600, 22 * 3600),
    (6 * 3600, 23 * 3600),
    (6 * 3600 + 1800, 21 * 3600),
    (7 * 3600, 22 * 3600),
)
LIMIT = 5
GOAL_P95_MS = 2.0


def points(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Places around the city centres, as the pack generator spreads its stores."""
    centres = cities()
    weights = np.array([city.weight for city in centres], dtype=float)
    chosen = rng.choice(len(centres), size=count, p=weights / weights.sum())
    lat0 = np.array([city.lat for city in centres])[chosen]
    lon0 = np.array([city.lon for city in centres])[chosen]
    spread = SPREAD_KM + SPREAD_KM_PER_WEIGHT * weights[chosen]
    north, east = rng.normal(0, 1, count) * spread, rng.normal(0, 1, count) * spread
    lat = lat0 + north / KM_PER_DEGREE
    lon = lon0 + east / (KM_PER_DEGREE * np.cos(np.radians(lat0)))
    return lat, lon


def measure(size: int, queries: int, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    lat, lon = points(rng, size)
    schedule = rng.integers(0, len(SCHEDULES), size)
    opens = np.array([SCHEDULES[s][0] for s in schedule], dtype=np.int32)
    closes = np.array([SCHEDULES[s][1] for s in schedule], dtype=np.int32)
    ids = [f"s{index}" for index in range(size)]
    started = time.perf_counter()
    index = StoreIndex(ids, lat, lon, opens, closes)
    build_ms = (time.perf_counter() - started) * 1000
    where_lat, where_lon = points(rng, queries)
    minutes = rng.integers(5 * 60, 24 * 60, queries)
    at = [clock(int(m) // 60, int(m) % 60) for m in minutes]
    index.nearest_open(float(where_lat[0]), float(where_lon[0]), at[0], LIMIT)  # warm up
    took = np.empty(queries)
    cpu = np.empty(queries)
    answered = 0
    for i in range(queries):
        started, started_cpu = time.perf_counter(), time.thread_time()
        found = index.nearest_open(float(where_lat[i]), float(where_lon[i]), at[i], LIMIT)
        took[i] = time.perf_counter() - started
        cpu[i] = time.thread_time() - started_cpu
        answered += bool(found)
    return {
        "size": size,
        "build_ms": build_ms,
        "p50_ms": float(np.percentile(took, 50) * 1000),
        "p95_ms": float(np.percentile(took, 95) * 1000),
        "cpu_p50_ms": float(np.percentile(cpu, 50) * 1000),
        "cpu_p95_ms": float(np.percentile(cpu, 95) * 1000),
        "answered": answered / queries,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.store_lookup")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=17)
    options = parser.parse_args(argv)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average (1, 5, 15 min): {load} on {os.cpu_count()} CPUs")
    print(
        f"{'stores':>9} {'build ms':>9} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'cpu p50':>8} {'cpu p95':>8} {'answered':>9}"
    )
    rows = [measure(size, options.queries, options.seed) for size in options.sizes]
    for row in rows:
        print(
            f"{row['size']:>9,} {row['build_ms']:>9.1f} {row['p50_ms']:>8.3f} "
            f"{row['p95_ms']:>8.3f} {row['cpu_p50_ms']:>8.3f} {row['cpu_p95_ms']:>8.3f} "
            f"{row['answered']:>9.0%}"
        )
    first, last = rows[0], rows[-1]
    if len(rows) > 1:
        growth = last["p50_ms"] / first["p50_ms"]
        log_growth = math.log(last["size"]) / math.log(first["size"])
        print(
            f"p50 grows {growth:.2f}x from {first['size']:,} to {last['size']:,} stores "
            f"(log n grows {log_growth:.2f}x)"
        )
    small = next((row for row in rows if row["size"] == SIZES[0]), None)
    if small is not None:
        for kind, key in (("wall-clock", "p95_ms"), ("CPU", "cpu_p95_ms")):
            verdict = "met" if small[key] <= GOAL_P95_MS else "MISSED"
            print(f"goal p95 <= {GOAL_P95_MS} ms at {SIZES[0]:,} stores, {kind}: {verdict}")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average after: {load}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
