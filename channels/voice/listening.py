"""The first two stages: hearing where an utterance ends, and what it said."""

from __future__ import annotations

import asyncio
import json
import logging
import time

from channels.telemetry import observe_voice_stage
from channels.voice.answers import (
    ALTERNATIVES,
    ClosedQuestion,
    HeardAnswer,
    closed_question,
    read_answer,
)
from channels.voice.engines import VoiceEngines
from channels.voice.menu_words import ORDERING_QUESTIONS, SpokenMenu, read_order, spoken_menu
from channels.voice.pipeline import (
    AnswerComplete,
    AudioIn,
    BotReply,
    Elsewhere,
    EndOfSpeech,
    ExpectedAnswer,
    Frame,
    Heard,
    Interruption,
    News,
    NothingHeard,
    Notice,
    Pause,
    Resume,
    Stage,
    TurnError,
    UpstreamFrame,
    UserText,
    UserTurn,
)
from channels.voice.recognition import RecognitionBusy
from contracts.bot_messages import QuestionKind
from contracts.heard_answer import HeardAnswer as RecoveredAnswer
from contracts.voice_protocol import ErrorMessage
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

# Questions whose answer is short and may end the turn early (speech.endpointing).
SHORT_ANSWER_QUESTIONS = frozenset(
    {QuestionKind.PAY, QuestionKind.CANCEL, QuestionKind.CHECK_ITEM, QuestionKind.MORE_OR_DONE,
     QuestionKind.PIN}
)  # fmt: skip
# Said (and shown) when every recogniser is busy: short, and it says what to do.
BUSY_REPLY = "Sorry, I'm busy with other customers right now. Please say that again in a moment."


class Listener(Stage):
    """Runs the endpointer over incoming audio; speech starting is a barge-in."""

    def __init__(self, endpointer: Endpointer) -> None:
        super().__init__()
        self._endpointer = endpointer
        self._turns = 0

    def _next_turn(self) -> int:
        """Turns are numbered here, where utterances end and texts arrive, in order."""
        self._turns += 1
        return self._turns

    def end_on_silence(self, enabled: bool) -> None:
        """Server endpointing on (default) or off (the client ends each utterance)."""
        self._endpointer.end_on_silence = enabled

    async def from_downstream(self, frame: UpstreamFrame) -> None:
        """Adaptive end of turn: a short answer is expected, or the paused one is complete."""
        if isinstance(frame, ExpectedAnswer):
            self._endpointer.expect_short_answer(frame.kind in SHORT_ANSWER_QUESTIONS)
        elif isinstance(frame, AnswerComplete):
            self._endpointer.end_early()
        else:
            await self.push_upstream(frame)

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
        elif isinstance(frame, News):
            # Numbered with the user's turns and queued behind them: never inside a reply.
            await self.push(BotReply(turn=self._next_turn(), messages=frame.messages, news=True))
        elif isinstance(frame, Elsewhere):
            # Likewise: the other device's turn is shown between this one's, never inside.
            messages = [json.loads(m.json(exclude_none=True)) for m in frame.turn.messages]
            turn = self._next_turn()
            await self.push(BotReply(turn=turn, messages=messages, elsewhere=frame.turn))
        else:
            await self.push(frame)

    async def _announce(self, event: EndpointEvent) -> None:
        if isinstance(event, SpeechStarted):
            # Urgent: the reply's queued audio is dropped and the client told at once.
            await self.put(Interruption(reason="barge_in"))
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
            message = (
                f"Utterances are cut at {limit:g} s; the first {limit:g} s are "
                f"understood as turn {turn}, the rest as the next turn."
            )
            await self.put(Notice(ErrorMessage(code="utterance_too_long", message=message)))
        await self.push(Heard(turn=turn, utterance=event))


class Transcriber(Stage):
    """Turns utterances into text with the shared recogniser, biased by the open question.

    The bias follows what the assistant last asked on this connection, which the
    Conversation sends upstream as an :class:`ExpectedAnswer` (``custom.expect``):
    menu words while ordering, yes/no words at a confirmation, digits at the PIN
    (see ``channels.voice.vocabulary``). At a closed question the n-best candidates are
    decoded against its answers (``channels.voice.answers``), and a speculative
    recognition that finds a complete answer tells the Listener to end the turn sooner.
    Recognition goes through the engines' shared queue (``channels.voice.recognition``);
    when it is saturated the customer hears a short busy reply instead of silence.
    """

    def __init__(self, engines: VoiceEngines, customer_id: str) -> None:
        super().__init__()
        self._engines = engines
        self._customer_id = customer_id
        self._expect: ExpectedAnswer = ExpectedAnswer(None)
        # A recognition started speculatively at a pause (speech.endpointing).
        self._guess: asyncio.Task[Transcript | None] | None = None

    async def from_downstream(self, frame: UpstreamFrame) -> None:
        if isinstance(frame, ExpectedAnswer):
            self._expect = frame
        await self.push_upstream(frame)

    async def process(self, frame: Frame) -> None:
        if isinstance(frame, Pause):
            self._discard_guess()
            self._guess = asyncio.create_task(self._guess_at_pause(frame.audio))
            return
        if isinstance(frame, Resume):
            self._discard_guess()
            return
        if isinstance(frame, NothingHeard):
            self._discard_guess()
        if not isinstance(frame, Heard):
            await self.push(frame)
            return
        utterance = frame.utterance
        guess, self._guess = self._guess, None
        heard = time.monotonic()
        try:
            transcript = None
            if guess is not None and utterance.reason == "silence":
                # Silence ran out with no more speech: the guess is the utterance
                # (unless it was dropped because recognition was busy).
                transcript = await guess
            elif guess is not None:
                guess.cancel()
            if transcript is None:
                transcript = await self._recognise(utterance.audio, early=False)
            assert transcript is not None  # only early recognitions are ever dropped
        except RecognitionBusy:
            await self.push(TurnError(frame.turn, "recognition_busy", BUSY_REPLY))
            reply = BotReply(turn=frame.turn, messages=[{"text": BUSY_REPLY}], failed=True)
            await self.push(reply)
            return
        except RecognitionError as error:
            await self.push(TurnError(frame.turn, "recognition_failed", str(error), final=True))
            return
        except Exception:
            # Whatever broke, the turn must still end for the client.
            logger.exception("recognition failed")
            message = "That utterance could not be recognised; please say it again."
            await self.push(TurnError(frame.turn, "recognition_failed", message, final=True))
            return
        observe_voice_stage("recognition", time.monotonic() - heard)
        logger.debug(
            "recognised %.1f s of speech in %.2f s",
            transcript.audio_s,
            transcript.processing_s,
        )
        if not transcript.text:
            # A turn without words ends without reaching the dialogue.
            await self.push(NothingHeard(turn=frame.turn, end_reason=utterance.reason))
            return
        text, recovered = transcript.text, None
        question, menu = self._question(), self._menu()
        if question is not None:
            answer = read_answer(question, transcript)
            text, recovered = answer.text, _recovered(question, answer)
        elif menu is not None:
            # Menu words said back by the dialogue ("Added 2 Mochas"), so the customer
            # hears what was understood and can correct it.
            order = read_order(transcript, menu, self._expect.kind == QuestionKind.OPTION)
            if order.recovered:  # names only: what was heard stays out of the logs
                names = [(word.name, word.source) for word in order.recovered]
                logger.debug("menu words recovered: %s", names)
            text = order.text
        await self.push(UserTurn(frame.turn, text, end_reason=utterance.reason, heard=recovered))

    def _question(self) -> ClosedQuestion | None:
        stores = self._engines.vocabulary.words(self._expect.merchant).stores
        return closed_question(self._expect.kind, stores, self._expect.pin_digits)

    def _menu(self) -> SpokenMenu | None:
        """The menu words of the merchant in use while the customer orders (else None)."""
        if self._expect.kind not in ORDERING_QUESTIONS:
            return None
        lexicon = self._engines.vocabulary.lexicon(self._expect.merchant)
        return spoken_menu(lexicon) if lexicon is not None and lexicon.items else None

    async def _guess_at_pause(self, audio: Samples) -> Transcript | None:
        """Recognise the audio so far; a complete answer lets the Listener end the turn."""
        transcript = await self._recognise(audio, early=True)
        question = self._question()
        if transcript is not None and question is not None:
            if read_answer(question, transcript).complete:
                await self.push_upstream(AnswerComplete())
        return transcript

    async def _recognise(self, audio: Samples, early: bool) -> Transcript | None:
        expect = self._expect
        phrases = self._engines.vocabulary.phrases(expect.kind, expect.stores, expect.merchant)
        # The beam's candidates: decoded against a closed question's answers, or searched
        # for menu words while ordering.
        wanted = self._question() is not None or self._menu() is not None
        alternatives = ALTERNATIVES if wanted else 1
        return await self._engines.recognise(
            audio, phrases, self, self._customer_id, early, alternatives
        )

    def _discard_guess(self) -> None:
        """Drop a speculative recognition (its worker finishes the job; the result is unused)."""
        if self._guess is not None:
            self._guess.cancel()
            self._guess = None


def _recovered(question: ClosedQuestion, answer: HeardAnswer) -> RecoveredAnswer | None:
    """What the dialogue is told of an answer recovered from poor audio (a PIN: nothing,
    the gate reads the digits and the merchant checks them)."""
    if not answer.recovered or answer.answer is None or question.pin_digits:
        return None
    return RecoveredAnswer(answer=answer.answer, confidence=round(answer.confidence, 3))
