"""Rasa's socket.io channel for signed-in customers, so existing Rasa webchat widgets connect.

Registered in ``credentials.yml`` as ``channels.socketio.SecureSocketIOInput`` under Rasa's
own name (``socketio``) and path (``/socket.io``), with Rasa's events: the widget emits
``session_request`` and ``user_uttered`` (``{"message", "customData", "session_id"}``) and
receives ``session_confirm`` and ``bot_uttered``. What differs from the stock channel:

- **Who talks is the customer a verified token names** (:mod:`channels.identity`, the same
  verifier as every channel), never the client's ``session_id``, which is only echoed back.
  The token comes the way Rasa's socket.io clients send it: ``customData.auth_header`` on
  each ``user_uttered`` (``Bearer <token>`` or the bare token), or the socket.io ``auth``
  payload at connect (``{"token": ...}``). A wrong token at connect refuses the connection
  (``connect_error`` says why); a message without a usable token is answered with a
  ``bot_uttered`` that says why and reaches nobody. Each message is checked again, so an
  expired token stops working on an open socket too.
- **The PIN gate** (:mod:`channels.pin_policy`) screens every message, but this channel
  takes no PIN: webchat widgets show and keep what is typed. The dialogue does not ask for
  one here (``socketio`` is not in ``ORDERLY_PIN_CHANNELS``) and says to pay in the Orderly
  widget, shell or voice instead; six digits typed here are masked like anywhere else.
- **Nothing the client adds is stored**: ``customData`` (which carries the token) never
  reaches the tracker, except ``customData.location`` (``contracts/location.py``: where
  the customer is, for "nearest open store"), read as that type and passed on as the
  message's ``metadata["location"]``. Messages longer than ``max_message_chars`` are
  refused.
- Pages from origins outside ``ORDERLY_CORS_ORIGINS`` are refused at connect (a websocket
  is not covered by CORS); clients that send no ``Origin`` pass that check.
- Replies go to the socket that asked; there is no proactive output channel, so nothing
  reaches a client without passing the gate. The one exception is news of the customer's
  orders ("Your order is ready!", :mod:`channels.notifications`), sent as ``bot_uttered``
  to a socket that gave its token at connect, for as long as it stays connected.
- Each turn taken here is shown on the customer's other devices (the widget, the voice
  client, the shell: :mod:`channels.shared_turns`); theirs are not shown here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer
from socketio.exceptions import ConnectionRefusedError

from channels.identity import Identity, TokenRejected, TokenVerifier, bearer_token
from channels.notifications import Inbox, dialogue_wording, notifier
from channels.pin_policy import PinGate, ScreenKind
from channels.settings import rasa_settings
from channels.shared_turns import Device
from contracts.location import location_of

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
# One socket.io packet; a chat message is far smaller.
MAX_PACKET_BYTES = 64 * 1024
TOKEN_KEY = "token"
MAX_SESSION_ID_CHARS = 128
# Rasa's options that this channel replaces with its own rule, and why.
REFUSED_OPTIONS = {
    "jwt_key": "tokens are checked by channels/identity.py (ORDERLY_JWT_SECRET or "
    "ORDERLY_JWKS_URL), as on every channel",
    "jwt_method": "tokens are checked by channels/identity.py",
    "session_persistence": "the sender is always the token's customer, never the session_id",
}


class MessageRefused(ValueError):
    """A ``user_uttered`` this channel does not take; ``message`` says why, to the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class SecureSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with verified customers and the PIN gate: see the module."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        for option, reason in REFUSED_OPTIONS.items():
            if credentials.get(option):
                raise RasaException(f"The socketio channel takes no {option}: {reason}.")
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            namespace=credentials.get("namespace"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            max_message_chars=int(credentials.get("max_message_chars", MAX_MESSAGE_CHARS)),
        )

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        namespace: str | None = None,
        socketio_path: str = "/socket.io",
        max_message_chars: int = MAX_MESSAGE_CHARS,
        allowed_origins: Sequence[str] | None = None,
        verifier: TokenVerifier | None = None,
        gate: PinGate | None = None,
    ) -> None:
        super().__init__(user_message_evt, bot_message_evt, namespace, False, socketio_path)
        self.max_message_chars = max_message_chars
        origins = rasa_settings().cors_origins if allowed_origins is None else allowed_origins
        self.allowed_origins = {origin.rstrip("/") for origin in origins}
        self.verifier = verifier or TokenVerifier()
        self.gate = gate or PinGate(takes_pin=False)
        # Sockets that gave their token at connect: the task passing them the customer's news.
        self._news: dict[str, asyncio.Task[None]] = {}
        self._app: Any = None

    def get_output_channel(self) -> None:
        """No messages outside a turn: they would bypass the gate (see the module)."""
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # CORS headers for the polling transport come from Rasa's --cors, as for every route;
        # the websocket's Origin is checked at connect.
        sio = AsyncServer(
            async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=MAX_PACKET_BYTES
        )
        self.sio = sio
        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        namespace = self.namespace

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @socketio_webhook.listener("after_server_start")
        async def remember_app(app: Any, _loop: Any) -> None:
            self._app = app  # whose Rasa agent words the news (channels/notifications.py)

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict[str, Any], auth: Any) -> None:
            origin = environ.get("HTTP_ORIGIN")
            if self.allowed_origins and origin and origin.rstrip("/") not in self.allowed_origins:
                raise ConnectionRefusedError(
                    f"Pages from {origin} may not use this chat.", {"code": "forbidden_origin"}
                )
            token = auth.get(TOKEN_KEY) if isinstance(auth, dict) else None
            if token is None:
                return  # the token may come with each message instead
            try:
                identity = await self.verifier.verify_async(
                    token if isinstance(token, str) else None
                )
            except TokenRejected as rejected:
                raise ConnectionRefusedError(rejected.message, {"code": rejected.code}) from None
            await sio.save_session(sid, {TOKEN_KEY: token}, namespace=namespace)
            output = GatedSocketIOOutput(sio, self.bot_message_evt, namespace)
            self._news[sid] = asyncio.create_task(self._tell_news(sid, identity, output))

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: str) -> None:
            news = self._news.pop(sid, None)
            if news is not None:
                news.cancel()

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any) -> None:
            # Echoed so widgets can keep their local history; it never names the sender.
            wanted = data.get("session_id") if isinstance(data, dict) else None
            usable = isinstance(wanted, str) and 0 < len(wanted) <= MAX_SESSION_ID_CHARS
            session_id = wanted if usable else uuid.uuid4().hex
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Any) -> None:
            output = GatedSocketIOOutput(sio, self.bot_message_evt, namespace)
            try:
                identity = await self._identify(sid, data)
                text = self._text(data)
            except (TokenRejected, MessageRefused) as refused:
                await output.refuse(sid, refused.code, refused.message)
                return
            await self._converse(identity, text, sid, output, on_new_message, _metadata(data))

        return socketio_webhook

    async def _tell_news(self, sid: str, identity: Identity, output: GatedSocketIOOutput) -> None:
        """Until the socket leaves: the customer's news, as ``bot_uttered`` messages."""
        wording = dialogue_wording(self._app) if self._app is not None else None
        async with notifier().connected(identity, wording) as inbox:
            await _pass_on(inbox, sid, output)

    async def _identify(self, sid: str, data: Any) -> Identity:
        custom = data.get("customData") if isinstance(data, dict) else None
        header = custom.get("auth_header") if isinstance(custom, dict) else None
        token = None
        if isinstance(header, str):
            token = bearer_token(header) or header.strip() or None
        if token is None and self.sio is not None:
            session = await self.sio.get_session(sid, namespace=self.namespace)
            token = session.get(TOKEN_KEY)
        return await self.verifier.verify_async(token)

    def _text(self, data: Any) -> str:
        text = data.get("message") if isinstance(data, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise MessageRefused("bad_request", "Send a message with some text.")
        if len(text) > self.max_message_chars:
            raise MessageRefused(
                "bad_request", f"A message may have at most {self.max_message_chars} characters."
            )
        return text

    async def _converse(
        self,
        identity: Identity,
        text: str,
        sid: str,
        output: GatedSocketIOOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        metadata: dict[str, Any] | None = None,
    ) -> None:
        sender_id = identity.customer_id
        screened = await self.gate.incoming(sender_id, text, identity.token)
        if screened.kind is ScreenKind.REASK:  # only where a PIN is taken; kept for completeness
            await output.send_all(sid, list(screened.reply))
            return
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
        replies = await self.gate.outgoing(sender_id, collector.messages)
        await output.send_all(sid, replies)
        # Shown on the customer's other devices (channels/shared_turns.py); a webchat is
        # shown none of theirs, so the name it goes by there matters to nobody.
        device = Device(sender_id, uuid.uuid4().hex, self.name(), notifier())
        await device.took(screened, replies)


def _metadata(data: Any) -> dict[str, Any] | None:
    """What the dialogue may read of a message's ``customData``: its location, if it is
    one (anything else there, the token first, stays out of the tracker)."""
    custom = data.get("customData") if isinstance(data, dict) else None
    location = location_of(custom)
    return None if location is None else location.metadata()


async def _pass_on(inbox: Inbox, sid: str, output: GatedSocketIOOutput) -> None:
    """The customer's news only: a Rasa webchat has no way to show a turn taken elsewhere
    apart from its own, so the customer's other devices' turns are not passed on."""
    while True:
        messages = (await inbox.get()).messages
        await output.send_all(sid, [json.loads(m.json(exclude_none=True)) for m in messages])


class GatedSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output for replies that already passed the gate, to one socket."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str, namespace: str | None) -> None:
        super().__init__(sio, bot_message_evt)
        self.namespace = namespace

    async def _send_message(self, socket_id: str, response: Any) -> None:
        await self.sio.emit(
            self.bot_message_evt, response, room=socket_id, namespace=self.namespace
        )

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        # Rasa's version spreads the payload into emit()'s arguments; cards are data.
        await self._send_message(recipient_id, {"custom": json_message})

    async def send_all(self, socket_id: str, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            # A copy without the collector's recipient: send_response pops what it sends.
            parts = {key: value for key, value in message.items() if key != "recipient_id"}
            await self.send_response(socket_id, parts)

    async def refuse(self, socket_id: str, code: str, message: str) -> None:
        """Say why a message was not taken, in the widget's own bubble."""
        await self._send_message(socket_id, {"text": message, "error": {"code": code}})
