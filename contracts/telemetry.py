"""Watching Orderly run: one JSON log format, a turn id that follows a turn across services,
and what every service's ``GET /metrics`` shares.

**Turn id.** A channel starts a turn (:func:`turn`): a fresh id, bound to the context, so every
log line written while the turn runs carries ``"turn_id"``. Rasa sends it to the action server,
and the action server to the merchant, in the :data:`TURN_HEADER` header; each service binds
the id it receives (:func:`turn` with that id), so ``grep <id> var/logs/*.log`` follows one
turn through all three. The id is for tracing only, never for trust: a malformed one is
replaced, so a caller cannot write arbitrary text into the logs.

**Logs.** :func:`configure_logging` makes every record, from our code, Rasa, Sanic, uvicorn or
a library, one JSON object per line: ``time``, ``level``, ``service``, ``logger``, ``event``
(the message), the turn id when there is one, and the record's own fields.

**Metrics.** Each service defines its own metrics next to its code (``channels/telemetry.py``,
``actions/telemetry.py``, ``merchant/telemetry.py``); the ones every service has are here.
"""

from __future__ import annotations

import hmac
import logging
import re
import sys
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

TURN_HEADER = "X-Orderly-Turn"
TURN_KEY = "turn_id"
_WELL_FORMED_TURN = re.compile(r"[A-Za-z0-9_-]{8,64}")
# Seconds, for every latency histogram: a turn's parts range from milliseconds (a merchant
# read) to seconds (recognition, a slow dialogue turn on a busy machine).
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
# Loggers their libraries detach from the root (propagate off): they get the JSON handler too.
DETACHED_LOGGERS = ("sanic.root", "sanic.error", "sanic.access")

ERRORS = Counter(
    "orderly_errors_total",
    "Failures that cost a caller its answer (a failed turn, action or request), by where",
    ["where"],
)
RATE_LIMIT_REFUSALS = Counter(
    "orderly_rate_limit_refusals_total",
    "Requests refused by a rate or attempt limit (HTTP 429, a locked sign-in), by limit",
    ["limit"],
)


# --- turn ids -------------------------------------------------------------------------------


def turn_id_from(value: str | None) -> str:
    """``value`` if it is a well-formed turn id (from a header), else a new one."""
    if value and _WELL_FORMED_TURN.fullmatch(value):
        return value
    return uuid.uuid4().hex


@contextmanager
def turn(turn_id: str | None = None) -> Iterator[str]:
    """Run a block as one turn: logs inside carry its id (received, or new), calls send it."""
    value = turn_id_from(turn_id)
    with structlog.contextvars.bound_contextvars(**{TURN_KEY: value}):
        yield value


def current_turn() -> str | None:
    value = structlog.contextvars.get_contextvars().get(TURN_KEY)
    return value if isinstance(value, str) else None


def turn_headers() -> dict[str, str]:
    """The header that carries the current turn to the next service (none outside a turn)."""
    value = current_turn()
    return {TURN_HEADER: value} if value else {}


# --- logs -----------------------------------------------------------------------------------


def configure_logging(
    service: str, level: str | int = "INFO", stream: IO[str] | None = None
) -> None:
    """Every log record of this process as one JSON line on ``stream`` (stdout)."""

    def add_service(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
        event.setdefault("service", service)
        return event

    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        add_service,
    ]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level if isinstance(level, int) else level.upper())
    for name in DETACHED_LOGGERS:
        detached = logging.getLogger(name)
        detached.handlers[:] = [handler]
        detached.propagate = False
    # Warnings become log records too (one format), and deprecations of the libraries
    # underneath (TensorFlow, SQLAlchemy 1.4, pkg_resources...) are not ours to act on.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
    logging.captureWarnings(True)


# --- metrics --------------------------------------------------------------------------------


def metrics_reply(authorization: str | None, token: str | None) -> tuple[int, bytes, str]:
    """Status, body and content type of ``GET /metrics``: Prometheus' text format, or 401
    when a ``token`` is configured and ``authorization`` is not ``Bearer <token>``."""
    if token:
        scheme, _, offered = (authorization or "").strip().partition(" ")
        bearer = scheme.lower() == "bearer"
        if not (bearer and hmac.compare_digest(offered.strip().encode(), token.encode())):
            return (
                401,
                b"metrics need Authorization: Bearer <ORDERLY_METRICS_TOKEN>\n",
                "text/plain",
            )
    return 200, generate_latest(), CONTENT_TYPE_LATEST
