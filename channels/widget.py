"""``WidgetInput``: serves the web chat widget's static files from the Rasa server itself.

Registered in ``credentials.yml`` as ``channels.widget.WidgetInput``, so a user who
runs the assistant also serves the widget and needs no separate web server:

- ``GET /webhooks/widget/orderly-widget.js`` and the other files of ``clients/widget/``
  (one ``<script type="module">`` tag embeds the widget; see ``clients/widget/README.md``);
- ``GET /webhooks/widget/demo``: the demo page;
- ``POST /webhooks/widget/demo-session`` (sandbox only, when the ``demo_sign_in``
  setting is on): signs a demo customer in at the merchant platform's
  ``/identity/sign-in`` and returns ``{"token", "expires_in", "customer_id"}``, so the
  demo page works without a login form. Send back the ``customer_id`` you got to stay
  the same customer (same cart and orders) after a reload or when the token expires.
  A demo customer's password is derived from the server's secret and the id, so only
  this route can sign it in; the id is random (128 bits) and is all a page keeps.
  Off in a deployment: there the embedding page signs its customer in and passes
  the token (``data-token``).

The widget talks to the assistant over the voice channel's websocket
(``/webhooks/voice/ws``), so this channel never receives messages itself. Only the
files found in the widget folder at start-up are served: a request can never name a
path outside it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.identity import IdentitySettings
from channels.settings import rasa_settings

logger = logging.getLogger(__name__)

WIDGET_DIR = Path(__file__).resolve().parent.parent / "clients" / "widget"
DEMO_PAGE = "demo.html"
# JavaScript must be served as such: browsers refuse modules and AudioWorklets otherwise.
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
}
# Revalidate on every load, so a page never mixes files of two widget versions.
CACHE_CONTROL = "no-cache"
DEMO_CUSTOMER = re.compile(r"^demo-[0-9a-f]{32}$")
SIGN_IN_TIMEOUT_SECONDS = 5.0


class WidgetInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        folder = Path(credentials.get("folder") or WIDGET_DIR)
        if not (folder / DEMO_PAGE).is_file():
            raise RasaException(f"The widget folder {folder} has no {DEMO_PAGE}.")
        demo_sign_in = credentials.get("demo_sign_in", False)
        if not isinstance(demo_sign_in, bool):
            raise RasaException("The widget setting demo_sign_in must be true or false.")
        return cls(folder, demo_sign_in=demo_sign_in)

    def __init__(
        self,
        folder: Path = WIDGET_DIR,
        demo_sign_in: bool = False,
        merchant_url: str | None = None,
        demo_secret: str | None = None,
    ) -> None:
        self.files = widget_files(folder)
        self.demo_sign_in = demo_sign_in
        self.merchant_url = (merchant_url or rasa_settings().merchant_url).rstrip("/")
        secret = demo_secret or IdentitySettings.from_env().secret or secrets.token_hex(32)
        self._demo_key = hashlib.sha256(b"orderly-demo-password:" + secret.encode()).digest()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        widget = Blueprint("widget_files", __name__)

        @widget.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "files": sorted(self.files)})

        @widget.route("/demo", methods=["GET"])
        async def demo(_: Request) -> HTTPResponse:
            return await self._serve(DEMO_PAGE)

        @widget.route("/demo-session", methods=["POST"])
        async def demo_session(request: Request) -> HTTPResponse:
            if not self.demo_sign_in:
                return _error("not_found", "Demo sign-in is off on this server.", 404)
            try:
                body = request.json
            except Exception:  # sanic's InvalidUsage for a body that is not JSON
                body = None
            wanted = body.get("customer_id") if isinstance(body, dict) else None
            return await self._sign_in_demo(wanted if isinstance(wanted, str) else None)

        @widget.route("/<name:str>", methods=["GET"])
        async def static_file(request: Request, name: str) -> HTTPResponse:
            if not name:  # ``/webhooks/widget/`` with its trailing slash
                return await health(request)
            return await self._serve(name)

        return widget

    async def _sign_in_demo(self, wanted: str | None) -> HTTPResponse:
        """Sign in the demo customer ``wanted`` (if it is one), else a new one."""
        candidates = [wanted] if wanted and DEMO_CUSTOMER.match(wanted) else []
        candidates.append(f"demo-{secrets.token_hex(16)}")
        async with httpx.AsyncClient(timeout=SIGN_IN_TIMEOUT_SECONDS) as client:
            for customer_id in candidates:
                password = hmac.new(self._demo_key, customer_id.encode(), "sha256").hexdigest()
                try:
                    answer = await client.post(
                        f"{self.merchant_url}/identity/sign-in",
                        json={"customer_id": customer_id, "password": password},
                    )
                except httpx.HTTPError as error:
                    logger.warning("demo sign-in: merchant unreachable: %s", type(error).__name__)
                    break
                if answer.status_code == 401:
                    continue  # made with another server secret: start a new demo customer
                if not answer.is_success:
                    logger.warning("demo sign-in refused: HTTP %s", answer.status_code)
                    break
                try:
                    token, expires_in = answer.json()["token"], answer.json().get("expires_in")
                except (ValueError, KeyError, TypeError, AttributeError):
                    logger.warning("demo sign-in: the merchant's answer has no token")
                    break
                return response.json(
                    {"token": token, "expires_in": expires_in, "customer_id": customer_id},
                    headers={"Cache-Control": "no-store"},
                )
        return _error("sign_in_unavailable", "The sandbox sign-in is not answering.", 503)

    async def _serve(self, name: str) -> HTTPResponse:
        path = self.files.get(name)
        if path is None:
            known = ", ".join(sorted(self.files))
            return response.json(
                {"error": {"code": "not_found", "message": f"No widget file {name!r}; {known}."}},
                status=404,
            )
        return await response.file(
            path,
            mime_type=CONTENT_TYPES[path.suffix],
            # Cross-origin embedding needs CORS headers: Rasa adds them for the
            # origins given to ``rasa run --cors`` (``make serve``: ORDERLY_CORS_ORIGINS).
            headers={"Cache-Control": CACHE_CONTROL},
        )


def _error(code: str, message: str, status: int) -> HTTPResponse:
    return response.json({"error": {"code": code, "message": message}}, status=status)


def widget_files(folder: Path) -> Mapping[str, Path]:
    """The servable files of ``folder`` by name (no subfolders, known types only)."""
    return {
        path.name: path
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix in CONTENT_TYPES
    }
