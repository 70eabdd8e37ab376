"""Rasa's REST channel, for signed-in customers only, with the payment-PIN policy.

It keeps the stock channel's name and routes (``POST /webhooks/rest/webhook`` with
``{"message": ...}``), so Rasa REST clients work once they send a token, but:

- the customer is the one the ``Authorization: Bearer <token>`` names (its ``sub``,
  checked by :mod:`channels.identity`); no token or a bad one is a 401 JSON error, a
  body ``sender`` naming someone else is a 403, so nobody can talk as another customer;
- a malformed request gets a 400 JSON error that names the problem instead of a 500;
- messages longer than ``max_message_chars`` and ``metadata`` larger than
  ``max_metadata_bytes`` are refused; only the ``metadata_keys`` the assistant reads
  are passed on (and so stored in the tracker), the rest is dropped;
- one customer sends at most ``ORDERLY_REST_MESSAGES_PER_CUSTOMER`` messages (429 with
  ``Retry-After`` beyond), so nobody takes the assistant for themselves;
- every message passes the PIN policy (:mod:`channels.pin_policy`): a PIN goes to
  the merchant, never to Rasa, and PIN-length numbers reach Rasa masked.

``GET /webhooks/rest/notifications?wait=25`` is the REST clients' share of the one
notification path (:mod:`channels.notifications`): a long poll, with the same token, that
answers ``{"messages": [...]}`` with what the dialogue said about a change the store made
to the customer's orders, as soon as there is one, or empty after ``wait`` seconds (at most
``ORDERLY_REST_NOTIFICATION_WAIT_SECONDS``). A client polls again at once; while it waits
it counts as connected, and a change made between two polls waits for the next one.

The same poll answers ``{"turns": [...]}`` with the turns the customer takes on their other
devices (the voice client, the widget: :mod:`channels.shared_turns`), and every turn taken
here is shown there. A client names itself with ``X-Orderly-Device`` (8 to 64 letters,
digits, ``-`` or ``_``, the same on its messages and its polls) so that its own turns are
not handed back to it; the shell does. A turn taken between two polls is not kept for the
next one: unlike the store's changes, it is on the record in the conversation already.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.identity import Identity, TokenRejected, TokenVerifier, bearer_token
from channels.notifications import Notifier, dialogue_wording, notifier
from channels.pin_policy import PinGate, ScreenKind
from channels.settings import RasaSettings, rasa_settings
from channels.shared_turns import Device
from channels.telemetry import Turn, observed_turn
from contracts.bot_messages import DEVICE_HEADER, DEVICE_PATTERN, Notifications
from contracts.location import METADATA_KEY as LOCATION_KEY
from contracts.rate_limits import RateLimit
from contracts.telemetry import RATE_LIMIT_REFUSALS

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
MAX_METADATA_BYTES = 1024
# What the dialogue may read from a client's metadata; everything else is dropped.
# `location` is contracts.location.ClientLocation (the shell's --near).
METADATA_KEYS = ("modality", LOCATION_KEY)


class RequestError(ValueError):
    """A client sent a request this channel cannot take; the message says why."""

    def __init__(self, message: str, code: str = "bad_request", status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class SecureRestInput(InputChannel):
    """The REST channel, hardened: see the module docstring."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            max_message_chars=int(credentials.get("max_message_chars", MAX_MESSAGE_CHARS)),
            max_metadata_bytes=int(credentials.get("max_metadata_bytes", MAX_METADATA_BYTES)),
            metadata_keys=list(credentials.get("metadata_keys", METADATA_KEYS)),
        )

    def __init__(
        self,
        max_message_chars: int = MAX_MESSAGE_CHARS,
        max_metadata_bytes: int = MAX_METADATA_BYTES,
        metadata_keys: Sequence[str] = METADATA_KEYS,
        verifier: TokenVerifier | None = None,
        gate: PinGate | None = None,
        settings: RasaSettings | None = None,
        notices: Notifier | None = None,
    ) -> None:
        settings = settings or rasa_settings()
        self.max_message_chars = max_message_chars
        self.max_metadata_bytes = max_metadata_bytes
        self.metadata_keys = tuple(metadata_keys)
        self.verifier = verifier or TokenVerifier()
        self.gate = gate or PinGate(settings=settings)
        self.messages_per_customer = RateLimit(settings.rest_messages_per_customer)
        self.longest_wait = settings.rest_notification_wait_seconds
        self.notices = notices or notifier()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("secure_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/notifications", methods=["GET"])
        async def notifications(request: Request) -> HTTPResponse:
            identity = await self._identify(request)
            if isinstance(identity, HTTPResponse):
                return identity
            try:
                wait = float(request.args.get("wait", self.longest_wait))
            except ValueError:
                wait = math.nan
            if not 0 <= wait < math.inf:
                return _error("bad_request", "'wait' must be a number of seconds.", 400)
            wait = min(wait, self.longest_wait)
            try:
                device = _device(request)
            except RequestError as error:
                return _error(error.code, str(error), error.status)
            said: Notifications = Notifications()
            wording = dialogue_wording(request.app)
            async with self.notices.connected(identity, wording, device) as inbox:
                try:
                    said = await asyncio.wait_for(inbox.get(), wait)
                except asyncio.TimeoutError:
                    pass
            return response.json(json.loads(said.json(exclude_none=True)))

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            identity = await self._identify(request)
            if isinstance(identity, HTTPResponse):
                return identity
            sender_id = identity.customer_id
            if not self.messages_per_customer.hit(sender_id):
                RATE_LIMIT_REFUSALS.labels("rest messages per customer").inc()
                wait = self.messages_per_customer.retry_after_s(sender_id)
                return _error(
                    "too_many_messages",
                    f"Too many messages; try again in {wait} seconds.",
                    429,
                    headers={"Retry-After": str(wait)},
                )
            try:
                text, metadata = self._parse(request, identity)
                device = Device(
                    sender_id, _device(request) or _new_device(), self.name(), self.notices
                )
            except RequestError as error:
                return _error(error.code, str(error), error.status)
            async with observed_turn(self.name()) as turn:
                return await self._take_turn(identity, text, metadata, on_new_message, turn, device)

        return webhook

    async def _identify(self, request: Request) -> Identity | HTTPResponse:
        """The customer the bearer token names, or the 401 to answer."""
        try:
            return await self.verifier.verify_async(
                bearer_token(request.headers.get("authorization"))
            )
        except TokenRejected as rejected:
            return _error(
                rejected.code,
                rejected.message,
                401,
                headers={"WWW-Authenticate": f'Bearer error="{_oauth_error(rejected.code)}"'},
            )

    async def _take_turn(
        self,
        identity: Identity,
        text: str,
        metadata: dict[str, Any] | None,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        turn: Turn,
        device: Device,
    ) -> HTTPResponse:
        sender_id = identity.customer_id
        screened = await self.gate.incoming(sender_id, text, identity.token)
        if screened.kind is ScreenKind.REASK:
            turn.outcome = "reasked"
            await device.took(screened, list(screened.reply))
            return response.json(list(screened.reply))
        assert screened.text_for_rasa is not None
        collector = CollectingOutputChannel()
        try:
            await on_new_message(
                UserMessage(
                    screened.text_for_rasa,
                    collector,
                    sender_id,
                    input_channel=self.name(),
                    metadata=metadata,
                )
            )
        except Exception:
            # The reply may be partial, but the conversation and its tracker are intact.
            logger.exception("the assistant failed on a message from %s", sender_id)
            turn.outcome = "failed"
        replies = await self.gate.outgoing(sender_id, collector.messages)
        await device.took(screened, replies)
        return response.json(replies)

    def _parse(self, request: Request, identity: Identity) -> tuple[str, dict[str, Any] | None]:
        try:
            body = request.json
        except Exception as error:  # sanic raises its own InvalidUsage for bad JSON
            raise RequestError("The body is not valid JSON.") from error
        if not isinstance(body, dict):
            raise RequestError('Send a JSON object like {"message": "hi"}.')
        sender_id, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
        if sender_id is not None and sender_id != identity.customer_id:
            raise RequestError(
                "'sender' names another customer than your token; leave it out.",
                code="sender_mismatch",
                status=403,
            )
        if not isinstance(text, str) or not text.strip():
            raise RequestError("'message' must be a non-empty string.")
        if len(text) > self.max_message_chars:
            raise RequestError(f"'message' is longer than {self.max_message_chars} characters.")
        return text, self._metadata(metadata)

    def _metadata(self, metadata: Any) -> dict[str, Any] | None:
        """The part of ``metadata`` the dialogue reads; Rasa stores it with the message."""
        if metadata is None:
            return None
        if not isinstance(metadata, dict):
            raise RequestError("'metadata' must be a JSON object when given.")
        size = len(json.dumps(metadata, ensure_ascii=False).encode())
        if size > self.max_metadata_bytes:
            raise RequestError(
                f"'metadata' is {size} bytes; at most {self.max_metadata_bytes} are accepted.",
                code="metadata_too_large",
            )
        kept = {key: metadata[key] for key in self.metadata_keys if key in metadata}
        return kept or None


def _device(request: Request) -> str | None:
    """The name the client gave itself (``X-Orderly-Device``), if it gave one."""
    name = request.headers.get(DEVICE_HEADER)
    if name is None:
        return None
    if not re.fullmatch(DEVICE_PATTERN, name):
        raise RequestError("'X-Orderly-Device' must be 8 to 64 letters, digits, '-' or '_'.")
    return name


def _new_device() -> str:
    """A client that names no device: each turn is its own, and its polls see them all."""
    return uuid.uuid4().hex


def _error(
    code: str, message: str, status: int, headers: dict[str, str] | None = None
) -> HTTPResponse:
    return response.json({"error": {"code": code, "message": message}}, status, headers=headers)


def _oauth_error(code: str) -> str:
    """RFC 6750's error name, so generic OAuth clients know to refresh."""
    return "invalid_request" if code == "token_missing" else "invalid_token"
