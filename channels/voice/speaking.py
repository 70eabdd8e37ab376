"""The Speaker: the bot's reply, spoken sentence by sentence.

Each sentence is synthesized off the event loop while the previous one is being
sent, so the first words leave after one sentence's synthesis, not the whole
reply's. Audio is paced to stay at most ``lead_s`` ahead of real time: a reply that
is interrupted (barge-in) has not already been sent in full, and what was not sent
is never synthesized. Every reply is followed by one ``ReplyDone``, whether it was
spoken, cut short or could not be spoken; the output stage then ends its turn.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from concurrent.futures import Executor
from dataclasses import replace
from typing import Any

from channels.telemetry import observe_voice_stage
from channels.voice.engines import VoiceEngines
from channels.voice.pipeline import (
    AudioOut,
    BotReply,
    ClientGone,
    Frame,
    Interruption,
    ReplyDone,
    Stage,
    TurnError,
    UpstreamFrame,
    UrgentFrame,
)
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
    """Speaks each reply: its messages pass on first, then its audio, then ``ReplyDone``."""

    def __init__(self, engines: VoiceEngines, lead_s: float) -> None:
        super().__init__()
        self._engines = engines
        self._lead_s = lead_s
        self._speaking: asyncio.Task[None] | None = None
        # Whether a turn taken on another device is spoken here or only shown (the client's
        # ``shared_turns``): a screen beside a speaker would be sent audio it never plays.
        self.speak_turns_elsewhere = True

    async def process(self, frame: Frame) -> None:
        if not isinstance(frame, BotReply):
            await self.push(frame)
            return
        await self.push(frame)  # the messages are shown before they are heard
        sentences = reply_sentences(frame.messages)
        if frame.elsewhere is not None and not self.speak_turns_elsewhere:
            sentences = []
        if sentences:
            await self._speak_until_done(frame.turn, sentences)
        await self.push(ReplyDone(frame.turn))

    async def _speak_until_done(self, turn: int, sentences: list[str]) -> None:
        speaking = self._speaking = asyncio.create_task(self._speak(turn, sentences))
        try:
            # wait() rather than await: an interrupt cancels only the speaking task,
            # and a cancellation of this stage must not look like an interrupt.
            await asyncio.wait({speaking})
        finally:
            if not speaking.done():
                speaking.cancel()  # this stage itself is being stopped
            self._speaking = None
        error = None if speaking.cancelled() else speaking.exception()
        if error is not None:
            raise error  # a bug: the stage reports it and the turn still ends

    async def interrupt(self, frame: UrgentFrame) -> None:
        if isinstance(frame, Interruption) and self._speaking is not None:
            logger.debug("reply audio interrupted (%s)", frame.reason)
            self._speaking.cancel()

    async def from_downstream(self, frame: UpstreamFrame) -> None:
        if isinstance(frame, ClientGone) and self._speaking is not None:
            self._speaking.cancel()
        await self.push_upstream(frame)

    async def _speak(self, turn: int, sentences: list[str]) -> None:
        try:
            synthesizer = await self._engines.synthesizer()
        except Exception as error:
            await self.push(
                TurnError(turn, "synthesis_failed", f"The reply could not be spoken: {error}")
            )
            return
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
                    # The text was sent already; say why there is no audio.
                    reason = str(error) if isinstance(error, SynthesisError) else "unexpected error"
                    logger.warning("synthesis failed: %s", reason)
                    message = f"The reply could not be spoken: {reason}"
                    await self.push(TurnError(turn, "synthesis_failed", message))
                    return
                if index + 1 < len(sentences):
                    upcoming = _synthesize(executor, synthesizer, sentences[index + 1])
                for chunk in _chunks(audio):
                    await asyncio.sleep(
                        max(0.0, started + sent_s - self._lead_s - time.monotonic())
                    )
                    await self.push(AudioOut(turn, sequence, sentence, chunk))
                    if sequence == 0:
                        observe_voice_stage("first_audio", time.monotonic() - started)
                    sequence += 1
                    sent_s += len(chunk.pcm) / 2 / chunk.sample_rate
        finally:
            upcoming.cancel()  # a barge-in: what was not sent is never synthesized


def _synthesize(
    executor: Executor, synthesizer: Synthesizer, text: str
) -> asyncio.Future[SpeechAudio]:
    return asyncio.get_running_loop().run_in_executor(executor, synthesizer.synthesize, text)


def _chunks(audio: SpeechAudio) -> list[SpeechAudio]:
    pcm = audio.pcm
    return [
        replace(audio, pcm=pcm[start : start + AUDIO_CHUNK_BYTES])
        for start in range(0, len(pcm), AUDIO_CHUNK_BYTES)
    ]
