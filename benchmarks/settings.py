"""The benchmarks' own setting: where the Taskmaster-2 conversations are (benchmarks/taskmaster.py).

The services they talk to are found like every client's (clients/settings.py).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from contracts.settings import OrderlySettings

ROOT = Path(__file__).resolve().parent.parent


class BenchmarkSettings(OrderlySettings):
    taskmaster_data: Path = Field(
        default=ROOT.parent / "shared" / "data" / "taskmaster-4",
        description="the folder of Taskmaster `*.json.gz` files (`--data` overrides)",
    )
