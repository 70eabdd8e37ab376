"""The last stage: the bot's reply, spoken sentence by sentence.

Each sentence is synthesized off the event loop while the previous one is being
sent, so the first words leave after one sentence's synthesis, not the whole
reply's. Audio is paced to stay at most ``lead_s`` ahead of real time: a reply that
is interrupted (barge-in) has not already been sent in full, and what was not sent
is never synthesized.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from concurrent.futures import Executor
from typing import Any

from channels.voice.engines import VoiceEngines
from channels.voice.outbox import Outbox
from channels.voice.pipeline import BotReply, Frame, Interruption, Stage
from channels.voice.protocol import ErrorMessage, ReplyAudio, ReplyEnd
from speech.synthesis import SpeechAudio, SynthesisError, Synthesizer
from speech.synthesis.sentences import split_sentences

logger = logging.getLogger(__name__)

# Binary frames of about 0.7 s at 22 kHz: small enough for any websocket client.
AUDIO_CHUNK_BYTES = 32 * 1024
FIRST_PIECE_MAX_CHARS = 40
FIRST_PIECE_MIN_CHARS = 12
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
    def __init__(self, engines: VoiceEngines, outbox: Outbox, lead_s: float) -> None:
        super().__init__()
        self._engines = engines
        self._outbox = outbox
        self._lead_s = lead_s
        self._speaking: asyncio.Task[None] | None = None

    async def process(self, frame: Frame) -> None:
        if not isinstance(frame, BotReply):
            return
        sentences = reply_sentences(frame.messages)
        if not sentences:
            # Every turn ends with reply_end, so a client knows the assistant is done.
            await self._outbox.send(ReplyEnd(turn=frame.turn, cancelled=False))
            return
        self._speaking = asyncio.create_task(self._speak(frame.turn, sentences))
        try:
            await self._speaking
        except asyncio.CancelledError:
            if not self._speaking.cancelled():
                raise  # this stage itself is being stopped
        finally:
            self._speaking = None

    async def interrupt(self, frame: Interruption) -> None:
        if self._speaking is not None and not self._speaking.done():
            logger.debug("reply audio interrupted (%s)", frame.reason)
            self._speaking.cancel()

    async def _speak(self, turn: int, sentences: list[str]) -> None:
        try:
            synthesizer = await self._engines.synthesizer()
        except Exception as error:
            message = f"The reply could not be spoken: {error}"
            await self._outbox.send(ErrorMessage("synthesis_failed", message, turn))
            await self._outbox.send(ReplyEnd(turn=turn, cancelled=False))
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
                    # The text was sent already; say why there is no audio and end the turn.
                    reason = str(error) if isinstance(error, SynthesisError) else "unexpected error"
                    logger.warning("synthesis failed: %s", reason)
                    message = f"The reply could not be spoken: {reason}"
                    await self._outbox.send(ErrorMessage("synthesis_failed", message, turn))
                    break
                if index + 1 < len(sentences):
                    upcoming = _synthesize(executor, synthesizer, sentences[index + 1])
                for chunk in _chunks(audio.pcm):
                    await asyncio.sleep(
                        max(0.0, started + sent_s - self._lead_s - time.monotonic())
                    )
                    delivered = await self._outbox.send(
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
                        return
                    sequence += 1
                    sent_s += len(chunk) / 2 / audio.sample_rate
        except asyncio.CancelledError:
            upcoming.cancel()
            await self._outbox.send(ReplyEnd(turn=turn, cancelled=True))
            raise
        await self._outbox.send(ReplyEnd(turn=turn, cancelled=False))


def _synthesize(
    executor: Executor, synthesizer: Synthesizer, text: str
) -> asyncio.Future[SpeechAudio]:
    return asyncio.get_running_loop().run_in_executor(executor, synthesizer.synthesize, text)


def _chunks(pcm: bytes) -> list[bytes]:
    return [
        pcm[start : start + AUDIO_CHUNK_BYTES] for start in range(0, len(pcm), AUDIO_CHUNK_BYTES)
    ]
