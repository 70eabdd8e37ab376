"""The merchant platform's metrics and request log, and the turn id it receives.

:class:`Observed` (a plain ASGI middleware, like ``BodyLimit``) runs every request under the
turn id the action server sends (``X-Orderly-Turn``, contracts/telemetry.py), times it by
route template (``/orders/{order_id}``, never the raw path, so no caller can grow the
series), writes one ``request`` log line, and counts 5xx answers as errors and 429s as
rate-limit refusals. Business outcomes are counted where they are decided: orders
(routes/orders.py), payments (routes/payments.py), PIN attempts (routes/accounts.py), by
outcome code only: a PIN never reaches a label or a log line.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.telemetry import (
    ERRORS,
    LATENCY_BUCKETS,
    RATE_LIMIT_REFUSALS,
    TURN_HEADER,
    turn,
)

log = structlog.get_logger(__name__)
UNMATCHED = "unmatched"
_TURN_HEADER = TURN_HEADER.lower().encode()

REQUEST_SECONDS = Histogram(
    "orderly_merchant_request_seconds",
    "Merchant platform requests, by method, route template and status",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
ORDERS = Counter("orderly_orders_total", "Orders by outcome (placed, cancelled)", ["outcome"])
PAYMENTS = Counter(
    "orderly_payments_total",
    "Payment attempts by outcome: captured, or the refusal's code (limit_exceeded, "
    "pin_required...)",
    ["outcome"],
)
PIN_ATTEMPTS = Counter(
    "orderly_pin_attempts_total",
    "PIN verifications by outcome: verified, or the refusal's code (pin_incorrect, "
    "pin_locked...); never the digits",
    ["outcome"],
)


class Observed:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        received = headers.get(_TURN_HEADER, b"").decode("latin-1") or None
        status = 500  # unless the app answers
        started = time.monotonic()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        with turn(received):
            try:
                await self.app(scope, receive, send_status)
            finally:
                self._record(scope, status, time.monotonic() - started)

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float) -> None:
        route: Any = scope.get("route")
        template = getattr(route, "path", UNMATCHED)
        method = str(scope.get("method", ""))
        REQUEST_SECONDS.labels(method, template, str(status)).observe(seconds)
        if status >= 500:
            ERRORS.labels("merchant request").inc()
        elif status == 429:
            RATE_LIMIT_REFUSALS.labels(f"merchant {template}").inc()
        log.info("request", method=method, route=template, status=status, seconds=round(seconds, 3))
