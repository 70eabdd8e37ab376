"""The action server's HTTP app: rasa-sdk's webhook, our actions, and ``/lexicon``.

rasa-sdk's own ``create_app`` instantiates every ``Action`` subclass it can find
without arguments; ours hold a merchant backend, so the app registers ready-built
instances (actions/registry.py) in an ``ActionExecutor`` and serves the same routes.

Only the Rasa server may run actions: ``/webhook`` and ``/actions`` need the shared
secret ``ORDERLY_ACTION_TOKEN``, which Rasa sends as ``?token=...`` (the
``action_endpoint.token`` of endpoints.yml; ``Authorization: Bearer`` works too).
``/health`` and ``/lexicon`` (every merchant's public menu and names, fetched by the NLU)
stay open; ``/metrics``
(Prometheus) needs ``ORDERLY_METRICS_TOKEN`` as a bearer token when that is set. No
browser talks to this server, so it sends no CORS headers.

Each action call runs under the turn id Rasa sends (``X-Orderly-Turn``), which goes on to the
merchant and into every log line, and is timed and logged once (``action``).

Conversations from ``rasa shell`` (input channel ``cmdline``) are refused: that
channel bypasses the channels' PIN policy, so a PIN typed there would reach the
tracker. ``make shell`` is the terminal client that goes through it.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
import zlib
from typing import Any

import structlog
from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.lexicon import build_lexicon
from actions.lexicon_cache import LexiconCache
from actions.merchants.backend import MerchantBackend, MerchantError
from actions.registry import build_actions
from actions.settings import Settings
from actions.telemetry import ACTION_SECONDS, UNKNOWN_ACTION, ActionOutcome
from contracts.telemetry import ERRORS, TURN_HEADER, metrics_reply, turn

logger = logging.getLogger(__name__)
log = structlog.get_logger(__name__)

# Input channels that do not screen the payment PIN (see the channels' PIN policy).
UNSCREENED_CHANNELS = frozenset({"cmdline"})
UNSCREENED_REPLY = (
    "This assistant takes payments, and `rasa shell` bypasses its PIN guard. "
    "Chat with `make shell` (or `make run`) instead."
)
UNAUTHORIZED = {
    "error": {
        "code": "unauthorized",
        "message": "Only the Rasa server may call this: send the action token.",
    }
}


def token_accepted(request: Request, expected: str) -> bool:
    """Whether the request carries the action token (query ``token`` or a bearer header)."""
    offered = request.args.get("token") or ""
    authorization = request.headers.get("authorization", "")
    if not offered and authorization.lower().startswith("bearer "):
        offered = authorization[7:].strip()
    return bool(offered) and hmac.compare_digest(offered.encode(), expected.encode())


def create_app(
    backend: MerchantBackend, settings: Settings, name: str = "orderly_actions"
) -> Sanic:
    """The app; with an empty ``settings.action_token`` every action call is refused."""
    executor = ActionExecutor()
    for action in build_actions(backend, settings).values():
        executor.register_action(action)
    app = Sanic(name, configure_logging=False)

    def authorised(request: Request) -> bool:
        return bool(settings.action_token) and token_accepted(request, settings.action_token)

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        if not authorised(request):
            return response.json(UNAUTHORIZED, 401)
        try:
            body = request.body
            if request.headers.get("Content-Encoding") == "deflate":
                body = zlib.decompress(body)
            action_call: Any = json.loads(body)
        except (ValueError, zlib.error):
            action_call = None
        if not isinstance(action_call, dict):
            return response.json({"error": "Invalid body request"}, 400)
        tracker = action_call.get("tracker")
        channel = tracker.get("latest_input_channel") if isinstance(tracker, dict) else None
        if channel in UNSCREENED_CHANNELS:
            return response.json({"events": [], "responses": [{"text": UNSCREENED_REPLY}]})
        utils.check_version_compatibility(action_call.get("version"))
        name = action_call.get("next_action")
        action = name if isinstance(name, str) and name in executor.actions else UNKNOWN_ACTION
        with turn(request.headers.get(TURN_HEADER)):
            return await run_action(action_call, action)

    async def run_action(action_call: dict[str, Any], action: str) -> HTTPResponse:
        started = time.monotonic()
        outcome: ActionOutcome = "failed"
        try:
            result = await executor.run(action_call)
            outcome = "done"
            return response.json(result)
        except ActionExecutionRejection as error:
            outcome = "rejected"
            return response.json({"error": error.message, "action_name": error.action_name}, 400)
        except ActionNotFoundException as error:
            logger.error(error)
            return response.json({"error": error.message, "action_name": error.action_name}, 404)
        finally:
            seconds = time.monotonic() - started
            ACTION_SECONDS.labels(action, outcome).observe(seconds)
            if outcome == "failed":
                ERRORS.labels("action").inc()
            log.info("action", action=action, outcome=outcome, seconds=round(seconds, 3))

    @app.get("/actions")
    async def actions(request: Request) -> HTTPResponse:
        if not authorised(request):
            return response.json(UNAUTHORIZED, 401)
        return response.json([{"name": name} for name in executor.actions])

    @app.get("/metrics")
    async def metrics(request: Request) -> HTTPResponse:
        status, body, content_type = metrics_reply(
            request.headers.get("authorization"), settings.metrics_token
        )
        return response.raw(body, status=status, content_type=content_type)

    lexicons = LexiconCache(
        lambda: build_lexicon(backend, settings.merchant_id), settings.lexicon_cache_seconds
    )

    async def warm_lexicon() -> None:
        try:
            await lexicons.body()
        except MerchantError as error:  # the NLU's first request will try again
            logger.info("The lexicon could not be built at start: %s", error)

    @app.after_server_start
    async def build_lexicon_early(app: Sanic, _: Any) -> None:
        # With 1,100 merchants the first build takes a while: start it now, not when the
        # NLU's first message asks (and gives up waiting).
        app.add_task(warm_lexicon())

    @app.get("/lexicon")
    async def lexicon(request: Request) -> HTTPResponse:
        try:
            served = await lexicons.body()
        except MerchantError as error:
            return response.json(
                {"error": {"code": "merchant_unavailable", "message": str(error)}}, 503
            )
        headers = {"ETag": served.etag}
        if request.headers.get("if-none-match") == served.etag:
            return response.empty(status=304, headers=headers)  # the client's copy is current
        return response.raw(served.body, headers=headers, content_type="application/json")

    return app
