"""The one writer of a connection's socket.

The output stage (``channels.voice.output``) puts typed messages on the connection's
outbox and never touches the socket; one writer task serialises them and sends them
in order, so a ``reply_audio`` announcement and its binary frame always leave
together. Once the client is gone, putting quietly does nothing and returns False,
and ``wait_closed`` returns, so the session can end.

Memory is bounded: the queue holds at most ``limit_bytes`` (audio bytes plus a flat
cost per message) and ``put`` waits for room. That is back-pressure all the way
back to the socket reader, the same as the pipeline's own bounded queues: a slow
reader slows its own conversation and nobody else's. A client that takes nothing
at all for ``stall_timeout_s`` is treated as gone: its queue is dropped, waiting
stages are released and the connection is failed (close code 1008).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from contracts.voice_protocol import ReplyAudio, ServerMessage, serialise

logger = logging.getLogger(__name__)

# About 6 s of 22 kHz reply audio. The Speaker paces audio to ~1 s ahead of real
# time, so a client that keeps reading never comes near it.
QUEUE_LIMIT_BYTES = 256 * 1024
# What a message without audio counts for: its JSON is small, but never free.
MESSAGE_COST_BYTES = 1024
# Read module-wide at construction, so a test can shorten it.
STALL_TIMEOUT_S = 30.0
CLOSE_NOT_READING = 1008


@dataclass(frozen=True)
class _Outgoing:
    message: ServerMessage
    audio: bytes | None

    @property
    def cost(self) -> int:
        return MESSAGE_COST_BYTES + len(self.audio or b"")


class Outbox:
    """Use as ``async with Outbox(socket) as outbox:``; the writer lives inside the block."""

    def __init__(self, socket: Any, limit_bytes: int = QUEUE_LIMIT_BYTES) -> None:
        self._socket = socket
        self._limit_bytes = limit_bytes
        self._stall_timeout_s = STALL_TIMEOUT_S
        self._queue: deque[_Outgoing] = deque()
        # Queued plus the one being sent: the writer's item still holds memory.
        self._held_bytes = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._writer: asyncio.Task[None] | None = None
        self._finishing = False
        self._close_with: tuple[int, str] | None = None
        self.closed = False

    async def __aenter__(self) -> Outbox:
        self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.finish()

    def start(self) -> None:
        if self._writer is None:
            self._writer = asyncio.create_task(self._write(), name="voice-outbox-writer")

    @property
    def held_bytes(self) -> int:
        """What the outbox holds now (queued and in flight), by the measure of its limit."""
        return self._held_bytes

    async def put(self, message: ServerMessage, audio: bytes | None = None) -> bool:
        """Queue ``message`` (and the binary ``audio`` it announces); False once closed.

        Waits while the outbox is full. An item bigger than the whole limit still
        goes through when the outbox is empty, so nothing can wait forever.
        """
        item = _Outgoing(message, audio)
        while self._open and self._held_bytes and self._held_bytes + item.cost > self._limit_bytes:
            await self._changed()
        if not self._open:
            return False
        self._queue.append(item)
        self._held_bytes += item.cost
        self._wake()
        return True

    def drop_audio(self) -> int:
        """Forget every queued reply audio frame (an interruption); how many were dropped.

        The frame being sent, if any, still goes out whole with its announcement.
        """
        dropped = [item for item in self._queue if isinstance(item.message, ReplyAudio)]
        if dropped:
            self._queue = deque(i for i in self._queue if not isinstance(i.message, ReplyAudio))
            self._held_bytes -= sum(item.cost for item in dropped)
            logger.debug("dropped %d queued audio frames", len(dropped))
            self._wake()
        return len(dropped)

    async def wait_closed(self) -> None:
        """Return once nothing more can be sent: the client left, stopped reading, or finish."""
        while not self.closed:
            await self._changed()

    async def finish(self, close_code: int | None = None, reason: str = "") -> None:
        """Send what is queued, then close the socket with ``close_code`` (if given).

        Ends the writer and waits for it. Nothing can be put any more. Idempotent.
        """
        if not self._finishing and close_code is not None:
            self._close_with = (close_code, reason)
        self._finishing = True
        self._wake()
        writer = self._writer
        if writer is None or writer.done():
            self._gone()
            return
        try:
            # wait() rather than await: our own cancellation must not be confused
            # with the client going away inside the writer.
            await asyncio.wait({writer})
        finally:
            if not writer.done():
                writer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await writer

    @property
    def _open(self) -> bool:
        return not self.closed and not self._finishing

    async def _write(self) -> None:
        while not self.closed:
            if not self._queue:
                if self._finishing:
                    break
                await self._changed()
                continue
            item = self._queue.popleft()
            try:
                await self._send_within_stall_timeout(item)
            finally:
                self._held_bytes = max(0, self._held_bytes - item.cost)
                self._wake()
        if self._close_with is not None and not self.closed:
            code, reason = self._close_with
            try:
                await asyncio.wait_for(
                    self._socket.close(code=code, reason=reason), self._stall_timeout_s
                )
            except (Exception, asyncio.CancelledError) as error:
                logger.debug("could not close a voice socket: %s", type(error).__name__)
        self._gone()

    async def _send_within_stall_timeout(self, item: _Outgoing) -> None:
        sending = asyncio.create_task(self._send(item))
        # Its error is read below, or not at all once abandoned: never "never retrieved".
        sending.add_done_callback(_read_outcome)
        try:
            done, _ = await asyncio.wait({sending}, timeout=self._stall_timeout_s)
        except asyncio.CancelledError:
            sending.cancel()  # the writer itself is being stopped
            raise
        if not done:
            sending.cancel()
            logger.info(
                "a voice client read nothing for %g s: disconnecting", self._stall_timeout_s
            )
            self._gone()
            self._abandon_socket()
        elif sending.cancelled():
            # Sanic raises CancelledError from send() once its transport is closing.
            logger.debug("voice client gone (transport closing)")
            self._gone()
        elif sending.exception() is not None:  # the socket library's closed/connection errors
            logger.debug("voice client gone: %s", type(sending.exception()).__name__)
            self._gone()

    async def _send(self, item: _Outgoing) -> None:
        await self._socket.send(serialise(item.message))
        if item.audio is not None:
            await self._socket.send(item.audio)

    def _abandon_socket(self) -> None:
        """Close without waiting on buffers the client never empties."""
        fail_connection = getattr(self._socket, "fail_connection", None)
        if callable(fail_connection):  # Sanic's websocket: sends the close frame, then aborts
            fail_connection(CLOSE_NOT_READING, "client_not_reading")

    def _gone(self) -> None:
        self.closed = True
        self._queue.clear()
        self._held_bytes = 0
        self._wake()

    async def _changed(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        await waiter

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)


def _read_outcome(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()
