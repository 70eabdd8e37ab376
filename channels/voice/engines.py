"""The speech engines one voice channel shares across all its connections.

Loading Whisper and Piper takes a second or two, so it happens once, off the event
loop, when the server starts (``warm_up``) rather than on the first utterance.
Voice activity detectors are per connection (they carry state) but share one model.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from channels.voice.recognition import RecognitionQueue
from channels.voice.settings import VoiceSettings
from channels.voice.vocabulary import MenuVocabulary
from speech.endpointing import Endpointer, SileroSpeechDetector
from speech.pcm import Samples
from speech.recognition import SAMPLE_RATE, Recogniser, Transcript, load_recogniser
from speech.synthesis import Synthesizer, load_synthesizer

logger = logging.getLogger(__name__)

TTS_WORKERS = 2


class VoiceEngines:
    def __init__(self, settings: VoiceSettings) -> None:
        self.settings = settings
        self.vocabulary = MenuVocabulary(settings.lexicon_url)
        # Recognitions run at once: the recogniser's worker processes, or its threads.
        workers = settings.asr_processes or settings.asr_workers
        self.recognitions = RecognitionQueue(workers, settings.max_waiting_recognitions)
        self.tts_executor = ThreadPoolExecutor(TTS_WORKERS, thread_name_prefix="tts")
        self._recogniser: Recogniser | None = None
        self._synthesizer: Synthesizer | None = None
        self._lock = asyncio.Lock()

    async def warm_up(self) -> None:
        """Load both engines and run each once, so the first turn is as fast as the rest."""
        async with self._lock:
            await self.vocabulary.refresh()
            loop = asyncio.get_running_loop()
            if self._recogniser is None:
                recogniser = await loop.run_in_executor(
                    None, load_recogniser, self.settings.recogniser()
                )
                await recogniser.recognise(np.zeros(SAMPLE_RATE, dtype=np.float32))
                self._recogniser = recogniser
            if self._synthesizer is None:
                synthesizer = await loop.run_in_executor(
                    None, load_synthesizer, self.settings.synthesizer()
                )
                await loop.run_in_executor(self.tts_executor, synthesizer.synthesize, "Ready.")
                self._synthesizer = synthesizer
        logger.info(
            "voice engines ready: Whisper %s, %s speech",
            self.settings.asr_model,
            self.settings.tts_engine,
        )

    @property
    def ready(self) -> bool:
        return self._recogniser is not None and self._synthesizer is not None

    async def recogniser(self) -> Recogniser:
        if self._recogniser is None:
            await self.warm_up()
        assert self._recogniser is not None
        return self._recogniser

    async def recognise(
        self,
        audio: Samples,
        phrases: tuple[str, ...],
        caller: object,
        customer: str,
        early: bool,
        alternatives: int = 1,
    ) -> Transcript | None:
        """Recognise through the shared queue (``channels.voice.recognition``).

        ``alternatives`` > 1: the n-best candidates too, for a closed question.
        None when an early recognition was dropped; ``RecognitionBusy`` when saturated.
        """

        async def work() -> Transcript:
            recogniser = await self.recogniser()
            if alternatives > 1:
                return await recogniser.recognise(audio, phrases, alternatives)
            return await recogniser.recognise(audio, phrases)

        return await self.recognitions.run(work, caller, customer, early)

    async def synthesizer(self) -> Synthesizer:
        if self._synthesizer is None:
            await self.warm_up()
        assert self._synthesizer is not None
        return self._synthesizer

    def endpointer(self) -> Endpointer:
        return Endpointer(SileroSpeechDetector(), self.settings.endpointer())

    def close(self) -> None:
        if self._recogniser is not None:
            self._recogniser.close()
        self.tts_executor.shutdown(wait=False, cancel_futures=True)
