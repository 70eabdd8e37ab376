"""``VoiceInput``: Rasa's input channel for speech over a websocket.

Registered in ``credentials.yml`` as ``channels.voice.VoiceInput`` and served by the
Rasa server itself at ``/webhooks/voice/ws`` (``GET /webhooks/voice/`` is a health
check). It follows the shape of Rasa's own channels: a ``name``, settings from
``from_credentials`` and a Sanic ``blueprint``. The protocol is in
``docs/voice-protocol.md``; who may connect as whom is in ``channels.voice.access``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.secure_input import SecureInputGuard
from channels.voice.access import AccessDenied, AccessPolicy, ConnectionRequest
from channels.voice.engines import VoiceEngines
from channels.voice.protocol import ErrorMessage, serialise
from channels.voice.session import VoiceSession
from channels.voice.settings import VoiceSettings

logger = logging.getLogger(__name__)

# RFC 6455 "policy violation": the one close code for a refused connection.
CLOSE_POLICY_VIOLATION = 1008


class VoiceInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "voice"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        try:
            settings = VoiceSettings.from_sources(credentials, os.environ)
        except ValidationError as error:
            raise RasaException(
                f"Invalid voice channel settings in credentials.yml: {error}"
            ) from error
        return cls(settings)

    def __init__(self, settings: VoiceSettings | None = None) -> None:
        self.settings = settings or VoiceSettings()
        self.engines = VoiceEngines(self.settings)
        self.guard = SecureInputGuard()
        self.access = AccessPolicy(self.settings.tokens, self.settings.allowed_origins)
        self._warm_up_task: asyncio.Task[None] | None = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        voice = Blueprint("voice_webhook", __name__)

        @voice.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "engines_ready": self.engines.ready})

        @voice.websocket("/ws")
        async def stream(request: Request, socket: Any) -> None:
            try:
                sender_id = self.access.sender_for(_connection_request(request))
            except AccessDenied as denied:
                await socket.send(serialise(ErrorMessage(code=denied.code, message=denied.message)))
                await socket.close(code=CLOSE_POLICY_VIOLATION, reason=denied.code)
                return
            session = VoiceSession(
                socket,
                sender_id,
                self.engines,
                self.guard,
                on_new_message,
                reply_lead_s=self.settings.reply_lead_s,
            )
            await session.run()

        @voice.listener("after_server_start")
        async def warm_up(_app: Any, _loop: Any) -> None:
            self._warm_up_task = asyncio.create_task(self._warm_up())

        return voice

    async def _warm_up(self) -> None:
        try:
            await self.engines.warm_up()
        except Exception as error:
            # Not fatal: text still works, and each utterance reports the cause.
            logger.error("voice engines could not be loaded: %s", error)


def _connection_request(request: Request) -> ConnectionRequest:
    return ConnectionRequest(
        headers={key.lower(): value for key, value in request.headers.items()},
        query={key: request.args.get(key) for key in request.args},
    )
