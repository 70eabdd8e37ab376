"""The last stage: the bot's reply, spoken sentence by sentence.

Each sentence is synthesized off the event loop while the previous one is being
sent, so the first words leave after one sentence's synthesis, not the whole
reply's. Audio is paced to stay at most ``lead_s`` ahead of real time: a reply that
is interrupted (barge-in) has not already been sent in full, and what was not sent
is never synthesized. Every reply's turn ends here with one ``turn_end``, whether it
was spoken, cut short or could not be spoken.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from concurrent.futures import Executor
from typing import Any

from channels.telemetry import observe_voice_stage
from channels.voice.engines import VoiceEngines
from channels.voice.outbox import Outbox
from channels.voice.pipeline import BotReply, Frame, Interruption, Stage
from contracts.voice_protocol import ErrorMessage, ReplyAudio, TurnEnd, TurnOutcome
from speech.synthesis import SpeechAudio, SynthesisError, Synthesizer
from speech.synthesis.sentences import split_sentences

logger = logging.getLogger(__name__)

# Binary frames of about 0.7 s at 22 kHz: small enough for any websocket client.
AUDIO_CHUNK_BYTES = 32 * 1024
FIRST_PIECE_MAX_CHARS = 40
# Short enough that "Your cart:" (10) leads on its own: synthesizing it takes a
# quarter of the whole sentence's time.
FIRST_PIECE_MIN_CHARS = 8
_CLAUSE_BREAK = re.compile(r"[,;:]\s")


def reply_sentences(messages: list[dict[str, Any]]) -> list[str]:
    """The sentences to speak; a long first one is split at its first clause break.

    The first audio can leave only when its piece is synthesized, so a short first
    piece ("Here is your order:") starts the reply sooner.
    """
    sentences = [s for m in messages for s in split_sentences(str(m.get("text") or ""))]
    if sentences and len(sentences[0]) > FIRST_PIECE_MAX_CHARS:
        match = _CLAUSE_BREAK.search(sentences[0], FIRST_PIECE_MIN_CHARS)
        if match and match.end() < len(sentences[0]):
            sentences[:1] = [sentences[0][: match.end()].strip(), sentences[0][match.end() :]]
    return sentences


class Speaker(Stage):
    """Speaks each reply and ends its turn: every ``BotReply`` gets one ``turn_end``."""

    def __init__(self, engines: VoiceEngines, outbox: Outbox, lead_s: float) -> None:
        super().__init__()
        self._engines = engines
        self._outbox = outbox
        self._lead_s = lead_s
        self._speaking: asyncio.Task[TurnOutcome] | None = None
        self._speaking_turn = 0

    async def process(self, frame: Frame) -> None:
        if not isinstance(frame, BotReply):
            return
        sentences = reply_sentences(frame.messages)
        outcome: TurnOutcome = "answered"
        if sentences:
            outcome = await self._speak_until_done(frame.turn, sentences)
        if frame.failed and outcome == "answered":
            outcome = "error"
        await self._outbox.put(TurnEnd(turn=frame.turn, outcome=outcome))

    async def _speak_until_done(self, turn: int, sentences: list[str]) -> TurnOutcome:
        speaking = self._speaking = asyncio.create_task(self._speak(turn, sentences))
        self._speaking_turn = turn
        try:
            # wait() rather than await: an interrupt cancels only the speaking task,
            # and a cancellation of this stage must not look like an interrupt.
            await asyncio.wait({speaking})
        finally:
            if not speaking.done():
                speaking.cancel()  # this stage itself is being stopped
            self._speaking = None
        return "cancelled" if speaking.cancelled() else speaking.result()

    async def interrupt(self, frame: Interruption) -> None:
        if self._speaking is not None and not self._speaking.done():
            logger.debug("reply audio interrupted (%s)", frame.reason)
            self._speaking.cancel()
            # Audio already queued for the client would still play: it goes too.
            self._outbox.drop_audio(self._speaking_turn)

    async def _speak(self, turn: int, sentences: list[str]) -> TurnOutcome:
        try:
            synthesizer = await self._engines.synthesizer()
        except Exception as error:
            message = f"The reply could not be spoken: {error}"
            await self._outbox.put(ErrorMessage("synthesis_failed", message, turn))
            return "error"
        executor = self._engines.tts_executor
        started = time.monotonic()
        sent_s = 0.0
        sequence = 0
        upcoming = _synthesize(executor, synthesizer, sentences[0])
        try:
            for index, sentence in enumerate(sentences):
                try:
                    audio = await upcoming
                except Exception as error:
                    # The text was sent already; say why there is no audio and end the turn.
                    reason = str(error) if isinstance(error, SynthesisError) else "unexpected error"
                    logger.warning("synthesis failed: %s", reason)
                    message = f"The reply could not be spoken: {reason}"
                    await self._outbox.put(ErrorMessage("synthesis_failed", message, turn))
                    return "error"
                if index + 1 < len(sentences):
                    upcoming = _synthesize(executor, synthesizer, sentences[index + 1])
                for chunk in _chunks(audio.pcm):
                    await asyncio.sleep(
                        max(0.0, started + sent_s - self._lead_s - time.monotonic())
                    )
                    delivered = await self._outbox.put(
                        ReplyAudio(
                            turn=turn,
                            sequence=sequence,
                            text=sentence,
                            format=audio.format,
                            sample_rate=audio.sample_rate,
                            channels=audio.channels,
                            bytes=len(chunk),
                        ),
                        chunk,
                    )
                    if not delivered:
                        return "answered"  # the client is gone: nobody is listening
                    if sequence == 0:
                        observe_voice_stage("first_audio", time.monotonic() - started)
                    sequence += 1
                    sent_s += len(chunk) / 2 / audio.sample_rate
        finally:
            upcoming.cancel()  # a barge-in: what was not sent is never synthesized
        return "answered"


def _synthesize(
    executor: Executor, synthesizer: Synthesizer, text: str
) -> asyncio.Future[SpeechAudio]:
    return asyncio.get_running_loop().run_in_executor(executor, synthesizer.synthesize, text)


def _chunks(pcm: bytes) -> list[bytes]:
    return [
        pcm[start : start + AUDIO_CHUNK_BYTES] for start in range(0, len(pcm), AUDIO_CHUNK_BYTES)
    ]
