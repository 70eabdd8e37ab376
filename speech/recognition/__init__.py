"""Speech recognition: one small interface, engines chosen by name.

A :class:`Recogniser` turns one utterance (16 kHz float samples) into a
:class:`Transcript`. ``recognise`` is a coroutine that runs the engine off the
event loop, so one long utterance never stalls other conversations; ``transcribe``
is the same work, blocking, for scripts and benchmarks.

``phrases`` biases recognition toward words the caller expects (the live menu's
item names, or digits when a PIN is due): engines use them as they can.

``alternatives`` (more than 1) asks for that many n-best hypotheses with their scores
and the no-speech probability, for an answer to a closed question that the caller
decodes against the answers it expects (``channels.voice.answers``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from speech.pcm import Samples

SAMPLE_RATE = 16_000


class RecognitionError(RuntimeError):
    """The recogniser cannot be loaded or failed on an utterance; the message says why."""


@dataclass(frozen=True)
class RecogniserSettings:
    """What to load: ``model`` is ``base``, ``tiny.en`` or a CTranslate2 Whisper folder."""

    model: str = "base"
    language: str | None = "en"
    beam_size: int = 5
    cpu_threads: int = 2
    # Parallel transcriptions: each worker is a thread running the shared model.
    workers: int = 1
    # More than 0: recognise in that many worker processes (speech.recognition.workers),
    # each with its own model, instead of threads in the caller's process.
    processes: int = 0
    compute_type: str = "int8"
    # Seconds of audio the encoder sees at least (see speech.recognition.whisper).
    encoder_window_s: float = 10.0
    # A first pass whose confidence (mean log-probability per token, Whisper's
    # ``avg_logprob``) is below this is decoded again with the standard 30 s window
    # (see speech.recognition.whisper); None: never.
    second_pass_below: float | None = None
    bias: str = "prompt"  # prompt | hotwords | none
    cache_dir: Path | None = None


@dataclass(frozen=True)
class Hypothesis:
    """One n-best candidate: its text and Whisper's score (mean log-probability per token)."""

    text: str
    score: float


@dataclass(frozen=True)
class Transcript:
    text: str
    audio_s: float
    processing_s: float
    # Filled when alternatives were asked for: best first, ``text`` is the first one's.
    hypotheses: tuple[Hypothesis, ...] = ()
    # Whisper's probability that the audio holds no speech (None: not computed).
    no_speech_prob: float | None = None
    # Mean log-probability per token of ``text`` (Whisper's ``avg_logprob``; 0.0: no speech).
    confidence: float = 0.0
    # True when the first pass was unsure and the standard window decoded it again
    # (``text`` is the more confident of the two readings).
    second_pass: bool = False

    @property
    def real_time_factor(self) -> float:
        return self.processing_s / self.audio_s if self.audio_s else 0.0


class Recogniser(Protocol):
    def transcribe(
        self, audio: Samples, phrases: Sequence[str] = (), alternatives: int = 1
    ) -> Transcript: ...

    async def recognise(
        self, audio: Samples, phrases: Sequence[str] = (), alternatives: int = 1
    ) -> Transcript: ...

    def close(self) -> None: ...


def load_recogniser(settings: RecogniserSettings) -> Recogniser:
    """Load the configured engine (Whisper through faster-whisper is the only one)."""
    try:
        from speech.recognition.whisper import WhisperRecogniser
    except ImportError as error:
        raise RecognitionError(
            f"faster-whisper is not installed ({error}); pip install faster-whisper==1.2.1"
        ) from error
    if settings.processes > 0:
        from speech.recognition.workers import WorkerRecogniser

        return WorkerRecogniser(settings)
    return WhisperRecogniser(settings)
