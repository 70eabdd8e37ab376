"""``WidgetInput``: serves the web chat widget's static files from the Rasa server itself.

Registered in ``credentials.yml`` as ``channels.widget.WidgetInput``, so a user who
runs the assistant also serves the widget and needs no separate web server:

- ``GET /webhooks/widget/orderly-widget.js`` and the other files of ``clients/widget/``
  (one ``<script type="module">`` tag embeds the widget; see ``clients/widget/README.md``);
- ``GET /webhooks/widget/demo``: the demo page;
- ``POST /webhooks/widget/demo-session`` (sandbox only: ``ORDERLY_DEMO_SIGN_IN=1``, which
  ``make run``/``make serve`` set and the container image does not): signs a demo customer
  in at the merchant platform and returns ``{"token", "expires_in", "customer_id"}``, so
  the demo page works without a login form. Send back the ``customer_id`` you got to stay
  the same customer (same cart and orders) after a reload or when the token expires. A
  new demo customer is signed up with a password derived from the server's secret and
  the id, and gets the PIN ``ORDERLY_DEMO_PIN``, or a random one; then the answer also
  carries ``password`` and ``pin``, once, for the page to show. Throttled per browser
  address and in total (``ORDERLY_DEMO_SESSIONS_*``);
- ``PUT /webhooks/widget/pin``: the widget's settings panel sets the customer's PIN
  through here (the same origin as the widget); the merchant's ``PUT /identity/pin``
  checks the token and the password.

The widget talks to the assistant over the voice channel's websocket
(``/webhooks/voice/ws``), so this channel never receives messages itself. Only the
files found in the widget folder at start-up are served: a request can never name a
path outside it.
"""

from __future__ import annotations

import base64
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
from channels.settings import RasaSettings, rasa_settings
from contracts.rate_limits import RateLimit

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
DEMO_PIN_DIGITS = 6
DEMO_PASSWORD_CHARS = 16
MAX_PIN_BODY_BYTES = 1024


class WidgetInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        if "demo_sign_in" in credentials:
            raise RasaException(
                "The widget's demo_sign_in moved to the environment: ORDERLY_DEMO_SIGN_IN=1 "
                "(make run and make serve set it); remove it from credentials.yml."
            )
        folder = Path(credentials.get("folder") or WIDGET_DIR)
        if not (folder / DEMO_PAGE).is_file():
            raise RasaException(f"The widget folder {folder} has no {DEMO_PAGE}.")
        return cls(folder)

    def __init__(
        self,
        folder: Path = WIDGET_DIR,
        settings: RasaSettings | None = None,
        identity: IdentitySettings | None = None,
    ) -> None:
        settings = settings or rasa_settings()
        identity = identity or IdentitySettings.from_env()
        self.files = widget_files(folder)
        self.settings = settings
        self.merchant_url = settings.merchant_url
        secret = identity.secret or secrets.token_hex(32)
        self._demo_key = hashlib.sha256(b"orderly-demo-password:" + secret.encode()).digest()
        self._demo_per_client = RateLimit(settings.demo_sessions_per_client)
        self._demo_total = RateLimit(settings.demo_sessions_total)

    @property
    def demo_sign_in(self) -> bool:
        return self.settings.demo_sign_in

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
            client = _client_address(request)
            for limit, key in ((self._demo_per_client, client), (self._demo_total, "all")):
                if not limit.hit(key):
                    wait = limit.retry_after_s(key)
                    return _error(
                        "too_many_requests",
                        f"Too many demo sessions; try again in {wait} seconds.",
                        429,
                        headers={"Retry-After": str(wait)},
                    )
            try:
                body = request.json
            except Exception:  # sanic's InvalidUsage for a body that is not JSON
                body = None
            wanted = body.get("customer_id") if isinstance(body, dict) else None
            return await self._sign_in_demo(wanted if isinstance(wanted, str) else None, client)

        @widget.route("/pin", methods=["PUT"])
        async def set_pin(request: Request) -> HTTPResponse:
            return await self._forward_pin(request)

        @widget.route("/<name:str>", methods=["GET"])
        async def static_file(request: Request, name: str) -> HTTPResponse:
            if not name:  # ``/webhooks/widget/`` with its trailing slash
                return await health(request)
            return await self._serve(name)

        return widget

    async def _sign_in_demo(self, wanted: str | None, client: str) -> HTTPResponse:
        """Sign in the demo customer ``wanted`` (if it is one), else sign up a new one.

        A new one gets ``ORDERLY_DEMO_PIN``, or a random PIN that this answer carries
        once (with the password the widget's settings ask for) and nothing keeps.
        """
        forwarded = {"X-Forwarded-For": client}
        async with httpx.AsyncClient(
            base_url=self.merchant_url, timeout=SIGN_IN_TIMEOUT_SECONDS, headers=forwarded
        ) as merchant:
            try:
                if wanted and DEMO_CUSTOMER.match(wanted):
                    answer = await merchant.post(
                        "/identity/sign-in",
                        json={"customer_id": wanted, "password": self._demo_password(wanted)},
                    )
                    if answer.status_code != 401:  # 401: another server secret; start anew
                        return _session(answer, wanted)
                customer_id = f"demo-{secrets.token_hex(16)}"
                password = self._demo_password(customer_id)
                answer = await merchant.post(
                    "/identity/sign-up", json={"customer_id": customer_id, "password": password}
                )
                if not answer.is_success:
                    return _session(answer, customer_id)
                pin = (
                    self.settings.demo_pin
                    or f"{secrets.randbelow(10**DEMO_PIN_DIGITS):0{DEMO_PIN_DIGITS}d}"
                )
                token = str(answer.json().get("token", ""))
                chosen = await merchant.put(
                    "/identity/pin",
                    json={"password": password, "pin": pin},
                    headers={"Authorization": f"Bearer {token}"},
                )
            except (httpx.HTTPError, ValueError) as error:
                logger.warning("demo sign-in: merchant unreachable: %s", type(error).__name__)
                return _unavailable()
        if not chosen.is_success:
            logger.warning("demo sign-in: setting the PIN refused: HTTP %s", chosen.status_code)
            return _unavailable()
        shown = {"password": password}
        if self.settings.demo_pin is None:
            shown["pin"] = pin
        return _session(answer, customer_id, shown)

    async def _forward_pin(self, request: Request) -> HTTPResponse:
        """The widget's settings panel sets the PIN here (same origin as the widget); the
        request goes on unchanged to the merchant, which checks the token and password."""
        if len(request.body or b"") > MAX_PIN_BODY_BYTES:
            return _error("too_large", "The request is too large.", 413)
        headers = {
            "Content-Type": "application/json",
            "X-Forwarded-For": _client_address(request),
            "Authorization": request.headers.get("authorization", ""),
        }
        try:
            async with httpx.AsyncClient(timeout=SIGN_IN_TIMEOUT_SECONDS) as merchant:
                answer = await merchant.put(
                    f"{self.merchant_url}/identity/pin", content=request.body, headers=headers
                )
        except httpx.HTTPError as error:
            logger.warning("PIN change: merchant unreachable: %s", type(error).__name__)
            return _unavailable()
        forwarded = {k: v for k, v in answer.headers.items() if k.lower() == "retry-after"}
        return response.raw(
            answer.content,
            status=answer.status_code,
            content_type="application/json",
            headers={**forwarded, "Cache-Control": "no-store"},
        )

    def _demo_password(self, customer_id: str) -> str:
        """Only this server can derive it; short enough to type into the settings panel."""
        digest = hmac.new(self._demo_key, customer_id.encode(), "sha256").digest()
        return base64.b32encode(digest).decode()[:DEMO_PASSWORD_CHARS].lower()

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


def _error(
    code: str, message: str, status: int, headers: dict[str, str] | None = None
) -> HTTPResponse:
    return response.json(
        {"error": {"code": code, "message": message}}, status=status, headers=headers
    )


def _unavailable() -> HTTPResponse:
    return _error("sign_in_unavailable", "The sandbox sign-in is not answering.", 503)


def _session(
    answer: httpx.Response, customer_id: str, shown: dict[str, str] | None = None
) -> HTTPResponse:
    """The merchant's answer to a demo sign-in or sign-up, as the demo page gets it."""
    try:
        body = answer.json()
        token, expires_in = str(body["token"]), body.get("expires_in")
    except (ValueError, KeyError, TypeError, AttributeError):
        error = _merchant_error(answer)
        logger.warning("demo sign-in refused: HTTP %s", answer.status_code)
        if answer.status_code == 429:
            return _error(
                "too_many_requests",
                str(error.get("message", "Too many sign-ins; try again soon.")),
                429,
                headers={"Retry-After": answer.headers.get("retry-after", "60")},
            )
        return _unavailable()
    return response.json(
        {"token": token, "expires_in": expires_in, "customer_id": customer_id, **(shown or {})},
        headers={"Cache-Control": "no-store"},
    )


def _merchant_error(answer: httpx.Response) -> dict[str, Any]:
    try:
        error = answer.json().get("error")
    except (ValueError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}


def _client_address(request: Request) -> str:
    """The browser's address (a proxy's ``X-Forwarded-For`` when Sanic is told to trust it)."""
    return request.remote_addr or request.ip or "unknown"


def widget_files(folder: Path) -> Mapping[str, Path]:
    """The servable files of ``folder`` by name (no subfolders, known types only)."""
    return {
        path.name: path
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix in CONTENT_TYPES
    }
