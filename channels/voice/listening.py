"""The first two stages: hearing where an utterance ends, and what it said."""

from __future__ import annotations

import asyncio
import logging
import time

from channels.pin_policy import PinGate
from channels.telemetry import observe_voice_stage
from channels.voice.engines import VoiceEngines
from channels.voice.outbox import Outbox
from channels.voice.pipeline import (
    AudioIn,
    EndOfSpeech,
    Frame,
    Heard,
    Interruption,
    NothingHeard,
    Pause,
    Resume,
    Stage,
    UserText,
    UserTurn,
)
from contracts.bot_messages import QuestionKind
from contracts.voice_protocol import (
    ErrorMessage,
    NoSpeech,
    SpeechStartedMessage,
    TurnEnd,
)
from speech.endpointing import (
    Endpointer,
    EndpointEvent,
    SpeechPaused,
    SpeechResumed,
    SpeechStarted,
)
from speech.pcm import Samples
from speech.recognition import RecognitionError, Transcript

logger = logging.getLogger(__name__)


class Listener(Stage):
    """Runs the endpointer over incoming audio; speech starting is a barge-in."""

    def __init__(self, endpointer: Endpointer, outbox: Outbox) -> None:
        super().__init__()
        self._endpointer = endpointer
        self._outbox = outbox
        self._turns = 0

    def _next_turn(self) -> int:
        """Turns are numbered here, where utterances end and texts arrive, in order."""
        self._turns += 1
        return self._turns

    def end_on_silence(self, enabled: bool) -> None:
        """Server endpointing on (default) or off (the client ends each utterance)."""
        self._endpointer.end_on_silence = enabled

    async def process(self, frame: Frame) -> None:
        if isinstance(frame, AudioIn):
            for event in self._endpointer.feed(frame.samples):
                await self._announce(event)
        elif isinstance(frame, EndOfSpeech):
            utterance = self._endpointer.finish()
            if utterance is None:
                await self.push(NothingHeard(turn=self._next_turn(), end_reason="client"))
            else:
                await self.push(Heard(turn=self._next_turn(), utterance=utterance))
        elif isinstance(frame, UserText):
            await self.push(UserTurn(turn=self._next_turn(), text=frame.text, end_reason="text"))
        else:
            await self.push(frame)

    async def _announce(self, event: EndpointEvent) -> None:
        if isinstance(event, SpeechStarted):
            # Interrupt first: the reply's queued audio is dropped, so the announcement
            # is not queued behind audio the client is about to stop anyway.
            await self.put(Interruption(reason="barge_in"))
            await self._outbox.put(SpeechStartedMessage())
            return
        if isinstance(event, SpeechPaused):
            await self.push(Pause(event.audio))
            return
        if isinstance(event, SpeechResumed):
            await self.push(Resume())
            return
        turn = self._next_turn()
        if event.reason == "max_length":
            limit = self._endpointer.settings.max_utterance_s
            await self._outbox.put(
                ErrorMessage(
                    code="utterance_too_long",
                    message=f"Utterances are cut at {limit:g} s; the first {limit:g} s are "
                    f"understood as turn {turn}, the rest as the next turn.",
                )
            )
        await self.push(Heard(turn=turn, utterance=event))

    async def failed(self) -> None:
        await self._outbox.put(ErrorMessage("internal_error", "Audio could not be processed."))


class Transcriber(Stage):
    """Turns utterances into text with the shared recogniser, biased by the open question.

    The bias follows what the assistant last asked this sender (``custom.expect``):
    menu words while ordering, yes/no words at a confirmation, digits at the PIN
    (see ``channels.voice.vocabulary``).
    """

    def __init__(
        self, engines: VoiceEngines, gate: PinGate, sender_id: str, outbox: Outbox
    ) -> None:
        super().__init__()
        self._engines = engines
        self._gate = gate
        self._sender_id = sender_id
        self._outbox = outbox
        # A recognition started speculatively at a pause (speech.endpointing).
        self._guess: asyncio.Task[Transcript] | None = None

    async def process(self, frame: Frame) -> None:
        if isinstance(frame, Pause):
            self._discard_guess()
            self._guess = asyncio.create_task(self._recognise(frame.audio))
            return
        if isinstance(frame, Resume):
            self._discard_guess()
            return
        if isinstance(frame, NothingHeard):
            self._discard_guess()
            await self._end_unheard(frame.turn, frame.end_reason)
            return
        if not isinstance(frame, Heard):
            await self.push(frame)
            return
        utterance = frame.utterance
        guess, self._guess = self._guess, None
        heard = time.monotonic()
        try:
            if guess is not None and utterance.reason == "silence":
                # Silence ran out with no more speech: the guess is the utterance.
                transcript = await guess
            else:
                if guess is not None:
                    guess.cancel()
                transcript = await self._recognise(utterance.audio)
        except RecognitionError as error:
            await self._end_failed(frame.turn, str(error))
            return
        except Exception:
            # Whatever broke, the turn must still end for the client.
            logger.exception("recognition failed")
            await self._end_failed(
                frame.turn, "That utterance could not be recognised; please say it again."
            )
            return
        observe_voice_stage("recognition", time.monotonic() - heard)
        logger.debug(
            "recognised %.1f s of speech in %.2f s",
            transcript.audio_s,
            transcript.processing_s,
        )
        if not transcript.text:
            await self._end_unheard(frame.turn, utterance.reason)
            return
        await self.push(
            UserTurn(turn=frame.turn, text=transcript.text, end_reason=utterance.reason)
        )

    async def _end_unheard(self, turn: int, end_reason: str) -> None:
        """A turn without words ends here: it never reaches the dialogue."""
        await self._outbox.put(NoSpeech(turn=turn, end_reason=end_reason))
        await self._outbox.put(TurnEnd(turn=turn, outcome="no_speech"))

    async def _end_failed(self, turn: int, message: str) -> None:
        await self._outbox.put(ErrorMessage("recognition_failed", message, turn))
        await self._outbox.put(TurnEnd(turn=turn, outcome="error"))

    async def _recognise(self, audio: Samples) -> Transcript:
        expect = self._engines.questions.expected(self._sender_id)
        if await self._gate.expecting(self._sender_id) is not None:
            expect = QuestionKind.PIN
        phrases = self._engines.vocabulary.phrases(expect)
        recogniser = await self._engines.recogniser()
        return await recogniser.recognise(audio, phrases)

    def _discard_guess(self) -> None:
        """Drop a speculative recognition (its worker finishes the job; the result is unused)."""
        if self._guess is not None:
            self._guess.cancel()
            self._guess = None
