"""Whisper through faster-whisper (CTranslate2, int8 on CPU).

Three choices matter for a live conversation on a 2-core CPU:

- **One model, off the event loop.** The model is loaded once per process and
  shared; transcriptions run in a small thread pool (``workers``), so the caller's
  event loop keeps serving other connections while CTranslate2 works.
- **A shorter encoder window.** Whisper pads every input to 30 s and encoding that
  window takes over a second here, whatever the utterance's length. Spoken orders
  last a few seconds, so the encoder is given ``max(encoder_window_s, speech + 3 s)``
  instead: about three times faster (base: 0.47 s against 1.67 s per utterance in
  ``benchmarks/voice_bench.py``), for a word error rate that moves a few points
  either way on our ordering utterances (Piper voice 7.7 % against 3.3 %, espeak-ng
  14-18 % both ways). ``encoder_window_s: 30`` restores standard Whisper.
- **A second pass when unsure.** With ``second_pass_below`` set, an utterance whose
  first pass has a mean token log-probability below it is decoded again with the
  standard 30 s window, and the more confident of the two is kept: the slow window
  is paid only on the utterances the short one is unsure of
  (``benchmarks/recognition_window.py`` measures each choice).
- **Bias and silence.** ``phrases`` (menu item names) become the ``initial_prompt``
  or ``hotwords``; ``vad_filter`` drops non-speech first, so silence or noise does
  not turn into "Thank you." and the like.
- **N-best for closed questions and orders.** With ``alternatives`` > 1 the utterance
  (at most one 30 s window; the channel cuts utterances at 20 s) is decoded once with
  CTranslate2's
  ``generate(num_hypotheses=...)`` directly, which returns the beam's candidates with
  their scores and the no-speech probability that ``transcribe`` keeps to itself. The
  beam is searched anyway, so the candidates cost next to nothing; there is no VAD
  pass nor temperature fallback, because the caller decodes the candidates against
  the answers it expects, or searches them for menu words while the customer orders,
  and passes anything else on as heard.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import re
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import get_suppressed_tokens

from speech.pcm import Samples
from speech.recognition import (
    SAMPLE_RATE,
    Hypothesis,
    RecogniserSettings,
    RecognitionError,
    Transcript,
)
from speech.recognition.models import resolve_model

FRAMES_PER_SECOND = 100  # Whisper's log-mel hop is 10 ms
FULL_WINDOW_FRAMES = 3000
# Silence after the speech inside the encoder window: less than this and Whisper
# starts repeating itself at the end of short utterances.
_WINDOW_MARGIN_FRAMES = 300
# Whisper's prompt holds at most 223 tokens; item names average about 3 tokens.
MAX_PROMPT_CHARS = 600
# Temperature fallback re-decodes an utterance that came out as a loop or gibberish;
# each step costs a full decode, so stop after two.
_TEMPERATURES = (0.0, 0.4, 0.8)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?,])\s+")
# Tokens an answer to a closed question may take: a PIN read digit by digit with
# commas is about 15, a store and a time about 20.
_CLOSED_ANSWER_MAX_TOKENS = 64
# An order said in an ordering turn may be longer: about 4 tokens a second of speech, so
# twice that bounds it, and still stops a decode that loops.
_MAX_TOKENS_PER_SECOND = 8
# faster-whisper's defaults for "this window holds no speech" (its VAD pass is skipped).
_NO_SPEECH_THRESHOLD = 0.6
_LOG_PROB_THRESHOLD = -1.0


@dataclass(frozen=True)
class _Heard:
    """One decoding pass: what it heard, and how sure it was."""

    text: str
    confidence: float  # mean log-probability per token of the best candidate
    hypotheses: tuple[Hypothesis, ...] = ()
    no_speech_prob: float | None = None


class _WindowedWhisperModel(WhisperModel):
    """WhisperModel whose encoder sees only the speech plus some silence, not 30 s.

    faster-whisper pads each segment's features with zero columns up to 3000 frames
    before calling ``encode``; this trims the padding back to the configured window.
    Stateless, so threads can share one instance.
    """

    def __init__(self, path: str, window_frames: int, **options: Any) -> None:
        super().__init__(path, **options)
        self.window_frames = window_frames

    def with_window(self, window_frames: int) -> _WindowedWhisperModel:
        """The same loaded weights, tokenizer and feature extractor, another window."""
        other = copy.copy(self)
        other.window_frames = window_frames
        return other

    def encode(self, features: np.ndarray) -> Any:
        total = features.shape[-1]
        if self.window_frames < total:
            speech_columns = np.flatnonzero(np.any(features != 0, axis=-2).reshape(-1))
            content = int(speech_columns[-1]) + 1 if speech_columns.size else 0
            frames = min(total, max(self.window_frames, content + _WINDOW_MARGIN_FRAMES))
            frames += frames % 2  # the encoder's convolution has stride 2
            features = np.ascontiguousarray(features[..., :frames])
        return super().encode(features)


@functools.lru_cache(maxsize=4)
def _shared_model(
    path: str, window_frames: int, compute_type: str, cpu_threads: int, workers: int
) -> _WindowedWhisperModel:
    return _WindowedWhisperModel(
        path,
        window_frames=window_frames,
        device="cpu",
        compute_type=compute_type,
        cpu_threads=cpu_threads,
        num_workers=workers,
    )


_load_lock = threading.Lock()


def bias_prompt(phrases: Sequence[str]) -> str | None:
    """``"Breakfast order, Latte, Hash Brown."``: the phrases, cut to fit Whisper's prompt."""
    unique = list(dict.fromkeys(p.strip() for p in phrases if p.strip()))
    prompt = ""
    for phrase in unique:
        candidate = f"{prompt}, {phrase}" if prompt else phrase
        if len(candidate) > MAX_PROMPT_CHARS:
            break
        prompt = candidate
    return f"{prompt}." if prompt else None


def collapse_repeats(text: str) -> str:
    """Drop a sentence that repeats the one before it ("Yes. Yes." -> "Yes.").

    Small Whisper models sometimes loop on short utterances; a customer who
    really says "yes, yes" loses nothing the dialogue needs.
    """
    kept: list[str] = []
    for sentence in _SENTENCE_BREAK.split(text.strip()):
        if sentence and (not kept or _comparable(sentence) != _comparable(kept[-1])):
            kept.append(sentence)
    return " ".join(kept)


def _comparable(sentence: str) -> str:
    return "".join(ch for ch in sentence.lower() if ch.isalnum())


class WhisperRecogniser:
    """A shared faster-whisper model plus the thread pool that runs it."""

    def __init__(self, settings: RecogniserSettings) -> None:
        if settings.bias not in ("prompt", "hotwords", "none"):
            raise RecognitionError(
                f"asr bias must be prompt, hotwords or none, not {settings.bias!r}"
            )
        self.settings = settings
        path = resolve_model(settings.model, settings.cache_dir)
        window = min(FULL_WINDOW_FRAMES, int(settings.encoder_window_s * FRAMES_PER_SECOND))
        try:
            with _load_lock:
                self._model = _shared_model(
                    str(path), window, settings.compute_type, settings.cpu_threads, settings.workers
                )
        except (RuntimeError, ValueError, OSError) as error:
            raise RecognitionError(f"Cannot load Whisper model from {path}: {error}") from error
        # The standard window for a second pass: the same weights, no second copy.
        self._standard = (
            self._model.with_window(FULL_WINDOW_FRAMES)
            if settings.second_pass_below is not None and window < FULL_WINDOW_FRAMES
            else None
        )
        self._executor = ThreadPoolExecutor(
            max_workers=settings.workers, thread_name_prefix="whisper"
        )

    def transcribe(
        self, audio: Samples, phrases: Sequence[str] = (), alternatives: int = 1
    ) -> Transcript:
        started = time.perf_counter()
        audio_s = len(audio) / SAMPLE_RATE
        if len(audio) == 0:
            return Transcript(text="", audio_s=0.0, processing_s=0.0)
        prompt = bias_prompt(phrases) if self.settings.bias != "none" else None
        heard = self._hear(self._model, audio, prompt, alternatives)
        standard, threshold = self._standard, self.settings.second_pass_below
        unsure = False
        if standard is not None and threshold is not None and heard.confidence < threshold:
            unsure = True
            again = self._hear(standard, audio, prompt, alternatives)
            heard = again if again.confidence >= heard.confidence else heard
        return Transcript(
            text=heard.text,
            audio_s=audio_s,
            processing_s=time.perf_counter() - started,
            hypotheses=heard.hypotheses,
            no_speech_prob=heard.no_speech_prob,
            confidence=heard.confidence,
            second_pass=unsure,
        )

    def _hear(
        self, model: _WindowedWhisperModel, audio: Samples, prompt: str | None, alternatives: int
    ) -> _Heard:
        if alternatives > 1:
            hypotheses, no_speech = self._n_best(model, audio, prompt, alternatives)
            text = hypotheses[0].text if hypotheses else ""
            confidence = hypotheses[0].score if hypotheses else 0.0
            return _Heard(text, confidence, hypotheses, no_speech)
        segments = list(
            model.transcribe(
                np.asarray(audio, dtype=np.float32),
                language=self.settings.language,
                beam_size=self.settings.beam_size,
                vad_filter=True,
                without_timestamps=True,
                condition_on_previous_text=False,
                temperature=list(_TEMPERATURES),
                initial_prompt=prompt if self.settings.bias == "prompt" else None,
                hotwords=prompt if self.settings.bias == "hotwords" else None,
            )[0]
        )
        text = collapse_repeats(" ".join(segment.text.strip() for segment in segments))
        # The least sure segment decides; no segment (silence) is nothing to doubt.
        confidence = min((segment.avg_logprob for segment in segments), default=0.0)
        return _Heard(text, confidence)

    def _n_best(
        self, model: _WindowedWhisperModel, audio: Samples, prompt: str | None, alternatives: int
    ) -> tuple[tuple[Hypothesis, ...], float]:
        """The beam's candidates for one short utterance, best first, and P(no speech)."""
        features = model.feature_extractor(np.asarray(audio, dtype=np.float32))
        segment = pad_or_trim(features[:, : model.feature_extractor.nb_max_frames])
        encoded = model.encode(segment)
        tokenizer = Tokenizer(
            model.hf_tokenizer,
            model.model.is_multilingual,
            task="transcribe",
            language=self.settings.language or "en",
        )
        previous = (
            tokenizer.encode(" " + prompt.strip())
            if self.settings.bias == "prompt" and prompt
            else []
        )
        hotwords = prompt if self.settings.bias == "hotwords" else None
        start = model.get_prompt(tokenizer, previous, without_timestamps=True, hotwords=hotwords)
        beam = max(self.settings.beam_size, alternatives)
        tokens = int(len(audio) / SAMPLE_RATE * _MAX_TOKENS_PER_SECOND)
        result = model.model.generate(
            encoded,
            [start],
            beam_size=beam,
            num_hypotheses=alternatives,
            return_scores=True,
            return_no_speech_prob=True,
            max_length=len(start) + max(_CLOSED_ANSWER_MAX_TOKENS, tokens),
            suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
        )[0]
        no_speech = float(result.no_speech_prob)
        if (
            no_speech > _NO_SPEECH_THRESHOLD
            and min(result.scores, default=0.0) < _LOG_PROB_THRESHOLD
        ):
            return (), no_speech  # faster-whisper's own rule for a segment without speech
        seen: dict[str, Hypothesis] = {}
        for ids, score in zip(result.sequences_ids, result.scores, strict=True):
            text = collapse_repeats(tokenizer.decode(ids).strip())
            if text and text not in seen:
                seen[text] = Hypothesis(text=text, score=float(score))
        return tuple(seen.values()), no_speech

    async def recognise(
        self, audio: Samples, phrases: Sequence[str] = (), alternatives: int = 1
    ) -> Transcript:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor,
            functools.partial(self.transcribe, audio, tuple(phrases), alternatives),
        )

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
