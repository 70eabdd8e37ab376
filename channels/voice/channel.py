"""``VoiceInput``: Rasa's input channel for speech over a websocket.

Registered in ``credentials.yml`` as ``channels.voice.VoiceInput`` and served by the
Rasa server itself at ``/webhooks/voice/ws`` (``GET /webhooks/voice/`` is a health
check). It follows the shape of Rasa's own channels: a ``name``, settings from
``from_credentials`` and a Sanic ``blueprint``. The protocol is in
``docs/voice-protocol.md``; who may connect as whom, and how often at once, is in
``channels.voice.access``: a connection lives as long as its customer token, then
closes with 4401 so the client signs in again and reconnects to the same
conversation.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.identity import Identity, TokenVerifier
from channels.notifications import Inbox, Wording, dialogue_wording, notifier
from channels.pin_policy import PinGate
from channels.settings import rasa_settings
from channels.shared_turns import Device
from channels.voice.access import (
    AccessDenied,
    AccessPolicy,
    ConnectionLimit,
    ConnectionRequest,
)
from channels.voice.conversation import CHANNEL_NAME
from channels.voice.engines import VoiceEngines
from channels.voice.output import Output
from channels.voice.session import VoiceSession
from channels.voice.settings import SettingsError, VoiceSettings
from contracts.voice_protocol import SUBPROTOCOL, ErrorMessage

logger = logging.getLogger(__name__)


class VoiceInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "voice"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        try:
            settings = VoiceSettings.from_sources(credentials)
        except SettingsError as error:
            raise RasaException(
                f"Invalid voice channel settings (credentials.yml, ORDERLY_VOICE_*): {error}"
            ) from error
        return cls(settings)

    def __init__(
        self,
        settings: VoiceSettings | None = None,
        verifier: TokenVerifier | None = None,
        gate: PinGate | None = None,
    ) -> None:
        self.settings = settings or VoiceSettings()
        self.engines = VoiceEngines(self.settings)
        self.gate = gate or PinGate()
        self.access = AccessPolicy(
            verifier or TokenVerifier(),
            self.settings.allowed_origins or rasa_settings().cors_origins,
        )
        self.connections = ConnectionLimit(self.settings.max_connections_per_customer)
        self._warm_up_task: asyncio.Task[None] | None = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        voice = Blueprint("voice_webhook", __name__)

        @voice.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "engines_ready": self.engines.ready})

        @voice.websocket("/ws", subprotocols=[SUBPROTOCOL])
        async def stream(request: Request, socket: Any) -> None:
            # The connection's one writer, refusals included; it ends with the block.
            async with Output(socket) as output:
                try:
                    identity = await self.access.identify(_connection_request(request))
                    self.connections.acquire(identity.customer_id)
                except AccessDenied as denied:
                    await _refuse(output, denied)
                    return
                try:
                    wording = dialogue_wording(request.app)
                    await self._converse(socket, output, identity, on_new_message, wording)
                finally:
                    self.connections.release(identity.customer_id)

        @voice.listener("after_server_start")
        async def warm_up(_app: Any, _loop: Any) -> None:
            self._warm_up_task = asyncio.create_task(self._warm_up())

        return voice

    async def _converse(
        self,
        socket: Any,
        output: Output,
        identity: Identity,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        wording: Wording | None,
    ) -> None:
        """The conversation, for as long as the token lives, told the customer's news and
        shown the turns they take on their other devices (and showing its own there)."""
        async with notifier().connected(identity, wording) as inbox:
            session = VoiceSession(
                socket,
                output,
                identity,
                self.engines,
                self.gate,
                on_new_message,
                reply_lead_s=self.settings.reply_lead_s,
                device=Device(identity.customer_id, inbox.device, CHANNEL_NAME, notifier()),
            )
            telling = asyncio.create_task(_tell(session, inbox))
            try:
                lifetime_s = identity.expires_at - time.time()
                await asyncio.wait_for(session.run(), timeout=lifetime_s)
            except asyncio.TimeoutError:
                expired = AccessDenied("token_expired", "The token has expired; sign in again.")
                await _refuse(output, expired)
            finally:
                telling.cancel()

    async def _warm_up(self) -> None:
        try:
            await self.engines.warm_up()
        except Exception as error:
            # Not fatal: text still works, and each utterance reports the cause.
            logger.error("voice engines could not be loaded: %s", error)


async def _tell(session: VoiceSession, inbox: Inbox) -> None:
    """Pass each notification of the customer, and each turn they took on another device,
    to this connection's pipeline."""
    while True:
        unasked = await inbox.get()
        if unasked.messages:
            await session.tell([json.loads(m.json(exclude_none=True)) for m in unasked.messages])
        for turn in unasked.turns:
            await session.show(turn)


async def _refuse(output: Output, denied: AccessDenied) -> None:
    """One ``error`` saying why, then the close code (a client gone already is no matter)."""
    error = ErrorMessage(code=denied.code, message=denied.message)
    await output.close(denied.close_code, denied.close_reason, error)


def _connection_request(request: Request) -> ConnectionRequest:
    return ConnectionRequest(
        headers={key.lower(): value for key, value in request.headers.items()},
        query={key: request.args.get(key) for key in request.args},
    )
