"""The action server's HTTP app: rasa-sdk's webhook, our actions, and ``/lexicon``.

rasa-sdk's own ``create_app`` instantiates every ``Action`` subclass it can find
without arguments; ours hold a merchant backend, so the app registers ready-built
instances (actions/registry.py) in an ``ActionExecutor`` and serves the same routes.
"""

from __future__ import annotations

import hmac
import json
import logging
import zlib
from typing import Any

from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.lexicon import build_lexicon
from actions.merchants.backend import MerchantBackend, MerchantError
from actions.registry import build_actions
from actions.settings import Settings

logger = logging.getLogger(__name__)


def create_app(
    backend: MerchantBackend, settings: Settings, name: str = "orderly_actions"
) -> Sanic:
    executor = ActionExecutor()
    for action in build_actions(backend, settings).values():
        executor.register_action(action)
    app = Sanic(name, configure_logging=False)

    def authorised(request: Request) -> bool:
        """Rasa sends ``action_endpoint.token`` as the ``token`` query parameter."""
        if not settings.action_token:
            return True
        given = request.args.get("token") or ""
        return hmac.compare_digest(given.encode(), settings.action_token.encode())

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        if not authorised(request):
            return response.json(
                {"error": {"code": "unauthorized", "message": "missing or wrong token"}}, 401
            )
        try:
            body = request.body
            if request.headers.get("Content-Encoding") == "deflate":
                body = zlib.decompress(body)
            action_call: Any = json.loads(body)
        except (ValueError, zlib.error):
            action_call = None
        if not isinstance(action_call, dict):
            return response.json({"error": "Invalid body request"}, 400)
        utils.check_version_compatibility(action_call.get("version"))
        try:
            result = await executor.run(action_call)
        except ActionExecutionRejection as error:
            return response.json({"error": error.message, "action_name": error.action_name}, 400)
        except ActionNotFoundException as error:
            logger.error(error)
            return response.json({"error": error.message, "action_name": error.action_name}, 404)
        return response.json(result)

    @app.get("/actions")
    async def actions(_: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    @app.get("/lexicon")
    async def lexicon(_: Request) -> HTTPResponse:
        try:
            body = await build_lexicon(backend, settings.merchant_id)
        except MerchantError as error:
            return response.json(
                {"error": {"code": "merchant_unavailable", "message": str(error)}}, 503
            )
        return response.json(body)

    return app
