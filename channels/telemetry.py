"""The Rasa server's metrics, each turn's id and log line, and ``GET /metrics``.

Every channel runs a customer's message inside :func:`observed_turn`: a new turn id (sent on
to the action server and the merchant, contracts/telemetry.py), one ``turn`` log line with
its outcome and duration, and the turn counted and timed by channel. The voice channel also
times its stages (recognition, dialogue, the first audio of the reply) at their boundaries.

``MetricsInput`` (credentials.yml ``channels.telemetry.MetricsInput``) serves the metrics at
``/metrics`` on Rasa's own port, beside the channels: Rasa mounts it at the root, not under
``/webhooks/``. With ``ORDERLY_METRICS_TOKEN`` set it needs that bearer token.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal

import structlog
from prometheus_client import Counter, Histogram
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.settings import rasa_settings
from contracts.telemetry import ERRORS, LATENCY_BUCKETS, metrics_reply, turn

log = structlog.get_logger(__name__)

TurnOutcome = Literal["answered", "failed", "reasked"]
VoiceStage = Literal["recognition", "dialogue", "first_audio"]

TURNS = Counter(
    "orderly_turns_total",
    "Customer messages taken by a channel, by channel and outcome "
    "(answered, failed, reasked: the PIN guard asked again without Rasa)",
    ["channel", "outcome"],
)
TURN_SECONDS = Histogram(
    "orderly_turn_seconds",
    "From a message reaching its channel to the reply being ready, by channel",
    ["channel"],
    buckets=LATENCY_BUCKETS,
)
VOICE_STAGE_SECONDS = Histogram(
    "orderly_voice_stage_seconds",
    "Voice turns by stage: recognition (utterance end to text), dialogue (text to reply), "
    "first_audio (reply to its first audio sent)",
    ["stage"],
    buckets=LATENCY_BUCKETS,
)


@dataclass
class Turn:
    """What a channel reports about the turn it runs; ``failed`` by default if it raises."""

    id: str
    outcome: TurnOutcome = "answered"


@asynccontextmanager
async def observed_turn(channel: str) -> AsyncIterator[Turn]:
    """One customer turn on ``channel``: its id bound to the logs, counted, timed, logged."""
    started = time.monotonic()
    with turn() as turn_id:
        current = Turn(turn_id)
        try:
            yield current
        except BaseException:
            current.outcome = "failed"
            raise
        finally:
            seconds = time.monotonic() - started
            TURNS.labels(channel, current.outcome).inc()
            TURN_SECONDS.labels(channel).observe(seconds)
            if current.outcome == "failed":
                ERRORS.labels(f"{channel} turn").inc()
            log.info("turn", channel=channel, outcome=current.outcome, seconds=round(seconds, 3))


def observe_voice_stage(stage: VoiceStage, seconds: float) -> None:
    VOICE_STAGE_SECONDS.labels(stage).observe(seconds)


class MetricsInput(InputChannel):
    """Not a conversation channel: it serves the metrics of this Rasa process."""

    @classmethod
    def name(cls) -> str:
        return "metrics"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(rasa_settings().metrics_token)

    def __init__(self, token: str | None = None) -> None:
        self.token = token

    def url_prefix(self) -> str:
        # Rasa joins it to "/webhooks/": an absolute path mounts the blueprint at the root.
        return "/"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        metrics = Blueprint("orderly_metrics", __name__)

        @metrics.route("/metrics", methods=["GET"])
        async def serve(request: Request) -> HTTPResponse:
            status, body, content_type = metrics_reply(
                request.headers.get("authorization"), self.token
            )
            return response.raw(body, status=status, content_type=content_type)

        return metrics
