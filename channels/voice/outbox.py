"""The one writer of a connection's socket.

Stages send concurrently; the lock keeps each ``reply_audio`` announcement and its
binary frame together. Once the client is gone, sending quietly does nothing, so
stages never need to care whether the connection is still there.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.voice.protocol import ServerMessage, serialise

logger = logging.getLogger(__name__)


class Outbox:
    def __init__(self, socket: Any) -> None:
        self._socket = socket
        self._lock = asyncio.Lock()
        self.closed = False

    async def send(self, message: ServerMessage, audio: bytes | None = None) -> bool:
        """Send ``message`` (and the binary ``audio`` it announces); False once closed."""
        if self.closed:
            return False
        async with self._lock:
            try:
                await self._socket.send(serialise(message))
                if audio is not None:
                    await self._socket.send(audio)
            except Exception as error:  # the socket library's closed/connection errors
                logger.debug("voice client gone: %s", type(error).__name__)
                self.closed = True
                return False
        return True
