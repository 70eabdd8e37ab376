"""Runs the action server: rasa-sdk's app plus the ``/lexicon`` route for the NLU.

``python -m actions`` (host ``ORDERLY_ACTIONS_HOST``, port ``ORDERLY_ACTIONS_PORT``).
"""

from __future__ import annotations

import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.lexicon import build_lexicon
from actions.merchants import configured_backend
from actions.merchants.backend import MerchantError
from actions.settings import Settings

DEFAULT_PORT = 5055


def main() -> None:
    logging.basicConfig(level=os.environ.get("ORDERLY_LOG_LEVEL", "INFO"))
    app = create_app("actions")

    @app.get("/lexicon")
    async def lexicon(_: Request) -> HTTPResponse:
        try:
            body = await build_lexicon(configured_backend(), Settings.from_env().merchant_id)
        except MerchantError as error:
            return response.json(
                {"error": {"code": "merchant_unavailable", "message": str(error)}}, 503
            )
        return response.json(body)

    host = os.environ.get("ORDERLY_ACTIONS_HOST", "127.0.0.1")
    port = int(os.environ.get("ORDERLY_ACTIONS_PORT", DEFAULT_PORT))
    app.run(host, port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
