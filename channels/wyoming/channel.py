"""``WyomingInput``: Home Assistant's voice pipelines talk to the assistant over Wyoming.

Registered in ``credentials.yml`` as ``channels.wyoming.WyomingInput``. The Rasa server
serves the Wyoming port itself (``ORDERLY_WYOMING_HOST``/``ORDERLY_WYOMING_PORT``, default
127.0.0.1:10500) next to its HTTP routes, so transcripts reach the same dialogue, tracker
and PIN gate as every channel, in one process. The port is bound before Rasa answers, and
one in use stops Rasa with a message naming it. ``GET /webhooks/wyoming/`` reports where it
listens. The events are in :mod:`channels.wyoming.service`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wyoming.server import AsyncTcpServer

from channels.pin_policy import PinGate
from channels.voice.settings import VoiceSettings
from channels.wyoming.devices import DeviceLinks
from channels.wyoming.service import CHANNEL, Recognition, WyomingService
from channels.wyoming.settings import WyomingSettings
from contracts.settings import SettingsError

logger = logging.getLogger(__name__)


class WyomingInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        try:
            settings = WyomingSettings.from_env(None, **dict(credentials or {}))
            voice = VoiceSettings.from_env() if settings.asr else None
        except SettingsError as error:
            raise RasaException(f"Invalid Wyoming channel settings: {error}") from error
        return cls(settings, voice)

    def __init__(
        self,
        settings: WyomingSettings | None = None,
        voice: VoiceSettings | None = None,
        gate: PinGate | None = None,
        recognition: Recognition | None = None,
    ) -> None:
        self.settings = settings or WyomingSettings()
        self.gate = gate or PinGate(takes_pin=False)
        self.links = DeviceLinks(self.settings.devices_file)
        if recognition is None and voice is not None and self.settings.asr:
            recognition = Recognition(voice, self.settings.follow_up_s)
        self.recognition = recognition
        self.server: AsyncTcpServer | None = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        wyoming = Blueprint("wyoming_webhook", __name__)
        service = WyomingService(
            self.settings, on_new_message, self.gate, self.links, self.recognition
        )

        @wyoming.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            listening = self.server is not None
            where = f"tcp://{self.settings.host}:{self.settings.port}" if listening else None
            return response.json({"status": "ok", "listening": where})

        @wyoming.listener("before_server_start")
        async def start(_app: Any, _loop: Any) -> None:
            await self.start(service)

        @wyoming.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            await self.stop()

        return wyoming

    async def start(self, service: WyomingService) -> None:
        """Listen for Wyoming clients (unless turned off); a port in use is a clear error."""
        if not self.settings.enabled:
            logger.info("Wyoming is off (ORDERLY_WYOMING_ENABLED)")
            return
        host, port = self.settings.host, self.settings.port
        server = AsyncTcpServer(host, port)
        try:
            await server.start(service.connection)
        except OSError as error:
            raise RasaException(
                f"Wyoming cannot listen on {host}:{port} ({error.strerror}): another program "
                "uses the port. Set ORDERLY_WYOMING_PORT to a free one."
            ) from error
        self.server = server
        logger.info("Wyoming listening on tcp://%s:%s", host, port)

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()
            self.server = None
        if self.recognition is not None:
            self.recognition.close()
