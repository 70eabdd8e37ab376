"""The action server's metrics: how long each action takes, and how it ended.

Names are defined here once; ``GET /metrics`` (actions/server.py) serves them with the ones
every service shares (contracts/telemetry.py). The action label is always a registered
action's name, never what a request says, so no caller can grow the series without bound.
"""

from __future__ import annotations

from typing import Literal

from prometheus_client import Histogram

from contracts.telemetry import LATENCY_BUCKETS

ActionOutcome = Literal["done", "rejected", "failed"]
UNKNOWN_ACTION = "unknown"

ACTION_SECONDS = Histogram(
    "orderly_action_seconds",
    "Action calls from Rasa, by action and outcome (done, rejected: the action refused the "
    "call, failed: it raised)",
    ["action", "outcome"],
    buckets=LATENCY_BUCKETS,
)
