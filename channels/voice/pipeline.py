"""The frames that flow through a voice connection, and the stage they flow through.

A connection is a chain of stages, each doing one thing in its own task::

    socket -> Listener -> Transcriber -> Conversation -> Speaker -> Output -> socket
            (endpointing) (Whisper)     (Rasa, PIN guard) (TTS)    (the one writer)

Stages only pass frames on; none writes to the socket. The last stage, the
:class:`~channels.voice.output.Output`, turns frames into protocol messages: it alone
owns the connection's outbox, ends every turn and drops queued audio on an
interruption (the shape of Pipecat's output transport).

Ordinary frames queue at each stage, so a slow recognition never stops the socket
from being read. Urgent frames (:class:`Interruption`, :class:`Notice`) skip the
queues and pass every stage at once, and each stage decides what they mean for it
(the Speaker stops speaking; the Output drops the reply's queued audio). A few
frames travel upstream, against the flow (:class:`ExpectedAnswer`, from the
Conversation to the Transcriber and the Listener; :class:`AnswerComplete`, from the
Transcriber to the Listener; :class:`ClientGone`, from the Output). They are
handled on arrival and never queue, so a stage blocked on its downstream
neighbour's full queue can never wait on itself.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from contracts.bot_messages import SharedTurn
from contracts.heard_answer import HeardAnswer
from contracts.location import ClientLocation
from contracts.voice_protocol import ErrorMessage, Hello, Started
from speech.endpointing import UtteranceEnded
from speech.pcm import Samples
from speech.synthesis import SpeechAudio

logger = logging.getLogger(__name__)

QUEUE_LIMIT = 256

# --- downstream: from the socket towards the customer's ears --------------------------


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
class CustomerAt:
    """Where the customer is now: the turns after it carry it to the dialogue."""

    location: ClientLocation


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
    """A turn without words (no speech, or nothing recognised): it ends as ``no_speech``."""

    turn: int
    end_reason: str


@dataclass(frozen=True)
class UserTurn:
    turn: int
    text: str
    end_reason: str  # "text" for typed turns
    # An answer recovered from poor audio, with its confidence (channels.voice.answers).
    heard: HeardAnswer | None = None

    @property
    def spoken(self) -> bool:
        return self.end_reason != "text"


@dataclass(frozen=True)
class Transcribed:
    """What the customer said or typed, as they may see it (a PIN only masked)."""

    turn: int
    text: str
    end_reason: str
    masked: bool


@dataclass(frozen=True)
class BotReply:
    """The assistant's messages for a turn; the Speaker speaks them."""

    turn: int
    messages: list[dict[str, Any]] = field(default_factory=list)
    # The turn failed before or in the dialogue (a TurnError said why): it ends as an error.
    failed: bool = False
    # A turn the assistant started itself: a notification (channels/notifications.py).
    news: bool = False
    # A turn the customer took on another of their devices (channels/shared_turns.py).
    elsewhere: SharedTurn | None = None


@dataclass(frozen=True)
class News:
    """What the dialogue said about a change of the customer's orders, to be told on this
    connection; the Listener makes it a turn of its own (a ``BotReply`` with ``news``)."""

    messages: list[dict[str, Any]]


@dataclass(frozen=True)
class Elsewhere:
    """A turn the customer took on another of their devices, to be shown (and spoken) on
    this connection; the Listener makes it a turn of its own (a ``BotReply`` with
    ``elsewhere``)."""

    turn: SharedTurn


@dataclass(frozen=True)
class AudioOut:
    """One piece of a reply's audio, speaking ``sentence``."""

    turn: int
    sequence: int
    sentence: str
    audio: SpeechAudio


@dataclass(frozen=True)
class ReplyDone:
    """The Speaker is done with the turn's reply (all spoken, cut short, or unspeakable)."""

    turn: int


@dataclass(frozen=True)
class TurnError:
    """Something went wrong with ``turn``; the turn still ends, as an error.

    ``final``: nothing more will come about the turn (it never reached the Speaker).
    """

    turn: int
    code: str
    message: str
    final: bool = False


@dataclass(frozen=True)
class Interruption:
    """Urgent. ``barge_in``: the customer started speaking; ``client``: the Stop button."""

    reason: str


@dataclass(frozen=True)
class Notice:
    """Urgent. A message about the connection rather than a turn, sent as it happens."""

    message: Hello | Started | ErrorMessage


# --- upstream: from the dialogue back towards recognition -------------------------------


@dataclass(frozen=True)
class ExpectedAnswer:
    """The kind of answer the assistant's last reply asks for (``custom.expect``), or None;
    the PIN's length when it asks for the PIN. The Transcriber decodes the next utterance
    against it and passes it on to the Listener, which waits less for a short answer."""

    kind: str | None
    pin_digits: int | None = None
    # The stores the reply offered (``custom.stores``), nearest first: recognition is
    # primed with their names, which the menu's short list of stores does not hold.
    stores: tuple[str, ...] = ()
    # The merchant the conversation orders from (``custom.merchant`` of the latest reply
    # that said one; None: the one conversations start with): recognition is primed with,
    # and recovers menu words from, that merchant's own words.
    merchant: str | None = None


@dataclass(frozen=True)
class AnswerComplete:
    """The paused audio is a complete answer to the open question: end the turn sooner."""


@dataclass(frozen=True)
class ClientGone:
    """Nothing more reaches the client (it left, or stopped reading): stop making audio."""


Frame = (
    AudioIn | EndOfSpeech | UserText | CustomerAt | News | Elsewhere | Pause | Resume | Heard
    | NothingHeard | UserTurn | Transcribed | BotReply | AudioOut | ReplyDone | TurnError
    | Interruption | Notice
)  # fmt: skip
UrgentFrame = Interruption | Notice
UpstreamFrame = ExpectedAnswer | AnswerComplete | ClientGone


def turn_of(frame: Frame) -> int | None:
    """The turn a frame is about, if any."""
    turn = getattr(frame, "turn", None)
    return turn if isinstance(turn, int) else None


class Stage:
    """One step of the pipeline: ``process`` handles queued frames, ``interrupt`` urgent ones."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Frame] = asyncio.Queue(QUEUE_LIMIT)
        self._downstream: Stage | None = None
        self._upstream: Stage | None = None

    def link(self, downstream: Stage) -> Stage:
        self._downstream = downstream
        downstream._upstream = self
        return downstream

    async def put(self, frame: Frame) -> None:
        """A frame from upstream: urgent ones act now, the rest wait their turn."""
        if isinstance(frame, (Interruption, Notice)):
            await self.interrupt(frame)
            await self.push(frame)
        else:
            # A full queue blocks the socket reader: TCP back-pressure, bounded memory.
            await self._queue.put(frame)

    async def push(self, frame: Frame) -> None:
        if self._downstream is not None:
            await self._downstream.put(frame)

    async def push_upstream(self, frame: UpstreamFrame) -> None:
        if self._upstream is not None:
            await self._upstream.from_downstream(frame)

    async def from_downstream(self, frame: UpstreamFrame) -> None:
        """An upstream frame, on arrival; a stage it is not for passes it further up."""
        await self.push_upstream(frame)

    async def run(self) -> None:
        while True:
            frame = await self._queue.get()
            try:
                await self.process(frame)
            except asyncio.CancelledError:
                raise
            except Exception:
                # A bug in one frame must not end the conversation, nor leave its turn
                # open: log it and say so, and the Output ends the turn.
                logger.exception("%s failed on %s", type(self).__name__, type(frame).__name__)
                try:
                    await self._report_failure(frame)
                except Exception:
                    logger.exception("%s could not report its failure", type(self).__name__)

    async def process(self, frame: Frame) -> None:
        await self.push(frame)

    async def interrupt(self, frame: UrgentFrame) -> None:
        """React to an urgent frame; the frame then passes downstream by itself."""

    async def _report_failure(self, frame: Frame) -> None:
        turn = turn_of(frame)
        message = "Something went wrong on the server; please say that again."
        if turn is None:
            await self.push(Notice(ErrorMessage("internal_error", message)))
        else:
            await self.push(TurnError(turn, "internal_error", message, final=True))
