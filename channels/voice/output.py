"""The last stage: frames become protocol messages on the connection's one outbox.

Every other stage only passes frames on; this one alone owns the
:class:`~channels.voice.outbox.Outbox`, so it is the one place that decides what the
client is told and in what order:

- it ends every turn, exactly once, with one ``turn_end`` as the turn's last message:
  at :class:`NothingHeard` (``no_speech``), at a final :class:`TurnError`
  (``error``), or at :class:`ReplyDone` (``cancelled`` if an interruption cut the
  reply short, ``error`` if anything about the turn failed, else ``answered``);
- on an :class:`Interruption` it drops all reply audio still queued for the client,
  and ignores any audio of the interrupted reply that comes after it;
- a barge-in is announced as ``speech_started``;
- once the client can be sent nothing more, it tells the stages upstream
  (:class:`ClientGone`), so no audio is made for nobody.

It has no queue of its own: frames are handled in the task that pushes them, and
the outbox's bounded queue is the back-pressure that reaches back to the Speaker.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from channels.voice.outbox import Outbox
from channels.voice.pipeline import (
    AudioOut,
    BotReply,
    ClientGone,
    Frame,
    Interruption,
    NothingHeard,
    Notice,
    ReplyDone,
    Stage,
    Transcribed,
    TurnError,
    turn_of,
)
from contracts.voice_protocol import (
    BotMessage,
    ErrorMessage,
    NewsMessage,
    NoSpeech,
    ReplyAudio,
    SharedTurnMessage,
    SpeechStartedMessage,
    TranscriptMessage,
    TurnEnd,
    TurnOutcome,
)

logger = logging.getLogger(__name__)


class Output(Stage):
    """Use as ``async with Output(socket) as output:``; the outbox's writer lives inside."""

    def __init__(self, socket: Any) -> None:
        super().__init__()
        self._outbox = Outbox(socket)
        # Turns end in order (every frame about a turn passes the same queues), so the
        # last turn ended tells which turns are over.
        self._last_ended = 0
        self._failed: set[int] = set()
        self._replying: int | None = None  # the turn whose reply is being spoken
        self._cut_short: int | None = None  # ... and the one an interruption cut short
        self._told_gone = False

    async def __aenter__(self) -> Output:
        self._outbox.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._outbox.finish()

    async def close(self, close_code: int, reason: str, error: ErrorMessage) -> None:
        """Say why, send what is queued and close the socket with ``close_code``."""
        await self._outbox.put(error)
        await self._outbox.finish(close_code=close_code, reason=reason)

    async def gone(self) -> None:
        """Wait until the client can be sent nothing more (it left, or stopped reading)."""
        await self._outbox.wait_closed()

    async def put(self, frame: Frame) -> None:
        turn = turn_of(frame)
        if turn is not None and turn <= self._last_ended:
            logger.debug("%s about turn %d, which is over: dropped", type(frame).__name__, turn)
            return
        if isinstance(frame, Interruption):
            await self._interrupt(frame)
        elif isinstance(frame, Notice):
            await self._outbox.put(frame.message)
        elif isinstance(frame, Transcribed):
            await self._outbox.put(
                TranscriptMessage(
                    turn=frame.turn,
                    text=frame.text,
                    end_reason=frame.end_reason,
                    masked=frame.masked,
                )  # fmt: skip
            )
        elif isinstance(frame, NothingHeard):
            await self._outbox.put(NoSpeech(turn=frame.turn, end_reason=frame.end_reason))
            await self._end(frame.turn, "no_speech")
        elif isinstance(frame, TurnError):
            self._failed.add(frame.turn)
            await self._outbox.put(ErrorMessage(frame.code, frame.message, frame.turn))
            if frame.final:
                await self._end(frame.turn, "error")
        elif isinstance(frame, BotReply):
            self._replying = frame.turn
            if frame.news:
                await self._outbox.put(NewsMessage(turn=frame.turn))
            elif frame.elsewhere is not None:
                taken = frame.elsewhere
                shared = SharedTurnMessage(
                    turn=frame.turn,
                    channel=taken.channel,
                    said=taken.said,
                    masked=taken.masked,
                    pin_asked_there=taken.pin_asked_there,
                )
                await self._outbox.put(shared)
            if frame.failed:
                self._failed.add(frame.turn)
            for message in frame.messages:
                await self._outbox.put(BotMessage(turn=frame.turn, message=message))
        elif isinstance(frame, AudioOut):
            if frame.turn != self._cut_short:
                await self._send_audio(frame)
        elif isinstance(frame, ReplyDone):
            outcome: TurnOutcome = "answered"
            if frame.turn == self._cut_short:
                outcome = "cancelled"
            elif frame.turn in self._failed:
                outcome = "error"
            await self._end(frame.turn, outcome)
        else:
            logger.warning("the output stage got an unexpected %s", type(frame).__name__)
        if self._outbox.closed and not self._told_gone:
            self._told_gone = True
            await self.push_upstream(ClientGone())

    async def _interrupt(self, frame: Interruption) -> None:
        if self._replying is not None:
            logger.debug("reply of turn %d interrupted (%s)", self._replying, frame.reason)
            self._cut_short = self._replying
        # Audio queued for the client would still play after it: it goes, even that of
        # a reply already made in full (its turn_end, queued already, stays).
        self._outbox.drop_audio()
        if frame.reason == "barge_in":
            await self._outbox.put(SpeechStartedMessage())

    async def _send_audio(self, frame: AudioOut) -> None:
        audio = frame.audio
        await self._outbox.put(
            ReplyAudio(
                turn=frame.turn,
                sequence=frame.sequence,
                text=frame.sentence,
                format=audio.format,
                sample_rate=audio.sample_rate,
                channels=audio.channels,
                bytes=len(audio.pcm),
            ),
            audio.pcm,
        )

    async def _end(self, turn: int, outcome: TurnOutcome) -> None:
        await self._outbox.put(TurnEnd(turn=turn, outcome=outcome))
        self._last_ended = turn
        self._failed.discard(turn)
        if self._replying == turn:
            self._replying = None
