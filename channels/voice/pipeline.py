"""The frames that flow through a voice connection, and the stage they flow through.

A connection is a chain of stages, each doing one thing in its own task::

    socket -> Listener -> Transcriber -> Conversation -> Speaker -> socket
            (endpointing) (Whisper)     (Rasa, PIN guard) (TTS, paced audio)

Ordinary frames queue at each stage, so a slow recognition never stops the socket
from being read. An :class:`Interruption` (barge-in) is urgent: it skips the queues
and passes every stage at once, and each stage decides what it means for it (the
Speaker cancels the rest of the reply's audio; the others let it pass).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from speech.endpointing import UtteranceEnded
from speech.pcm import Samples

logger = logging.getLogger(__name__)

QUEUE_LIMIT = 256


@dataclass(frozen=True)
class AudioIn:
    samples: Samples  # 16 kHz


@dataclass(frozen=True)
class EndOfSpeech:
    """The client ended the utterance explicitly."""


@dataclass(frozen=True)
class UserText:
    text: str


@dataclass(frozen=True)
class Heard:
    turn: int
    utterance: UtteranceEnded


@dataclass(frozen=True)
class Pause:
    """The speaker paused long enough that recognition may start speculatively."""

    audio: Samples


@dataclass(frozen=True)
class Resume:
    """Speech went on after a :class:`Pause`: discard what was recognised of it."""


@dataclass(frozen=True)
class NothingHeard:
    """The client ended an utterance in which no speech was detected."""

    turn: int
    end_reason: str


@dataclass(frozen=True)
class UserTurn:
    turn: int
    text: str
    end_reason: str  # "text" for typed turns

    @property
    def spoken(self) -> bool:
        return self.end_reason != "text"


@dataclass(frozen=True)
class BotReply:
    turn: int
    messages: list[dict[str, Any]] = field(default_factory=list)
    # The dialogue failed on this turn (the client was told): it ends as an error.
    failed: bool = False


@dataclass(frozen=True)
class Interruption:
    reason: str  # "barge_in" or "client"


Frame = (
    AudioIn | EndOfSpeech | UserText | Pause | Resume | Heard | NothingHeard | UserTurn | BotReply
    | Interruption
)  # fmt: skip


class Stage:
    """One step of the pipeline: ``process`` handles queued frames, ``interrupt`` urgent ones."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Frame] = asyncio.Queue(QUEUE_LIMIT)
        self._downstream: Stage | None = None

    def link(self, downstream: Stage) -> Stage:
        self._downstream = downstream
        return downstream

    async def put(self, frame: Frame) -> None:
        if isinstance(frame, Interruption):
            await self.interrupt(frame)
            await self.push(frame)
        else:
            # A full queue blocks the socket reader: TCP back-pressure, bounded memory.
            await self._queue.put(frame)

    async def push(self, frame: Frame) -> None:
        if self._downstream is not None:
            await self._downstream.put(frame)

    async def run(self) -> None:
        while True:
            frame = await self._queue.get()
            try:
                await self.process(frame)
            except asyncio.CancelledError:
                raise
            except Exception:
                # A bug in one frame must not end the conversation: log and go on.
                logger.exception("%s failed on %s", type(self).__name__, type(frame).__name__)
                await self.failed()

    async def process(self, frame: Frame) -> None:
        await self.push(frame)

    async def interrupt(self, frame: Interruption) -> None:
        """React to an urgent frame; the frame then passes downstream by itself."""

    async def failed(self) -> None:
        """Tell the client something went wrong (stages with a socket override this)."""
