"""Server-side end-of-speech detection for a stream of 16 kHz audio.

An :class:`Endpointer` turns a stream of samples into utterances: it announces
:class:`SpeechStarted` as soon as the voice activity detector hears enough speech
(the voice channel uses that moment for barge-in) and :class:`UtteranceEnded` once
the speaker has been silent for ``trailing_silence_ms`` (unless ``end_on_silence``
is off), the utterance reaches ``max_utterance_s``, or the client ends it
explicitly (:meth:`Endpointer.finish`).

Speculative end of turn: ``speculate_after_ms`` into the trailing silence it
announces :class:`SpeechPaused` with the utterance so far, so the caller can start
recognising while the rest of the silence runs out, and :class:`SpeechResumed` if
the speaker goes on (that guess is then discarded). If the silence reaches the
endpoint, the utterance holds no more speech than the paused audio did.

Adaptive end of turn: when recognition of the paused audio finds a complete answer to
the open question (a yes at "Shall I pay?", all the PIN's digits), the caller calls
:meth:`Endpointer.end_early`, and the utterance ends once the silence has lasted
``complete_answer_silence_ms`` (about 250 ms) instead of the full
``trailing_silence_ms``; speech that resumes first cancels it. While the caller expects
such a short answer (:meth:`Endpointer.expect_short_answer`), recognition starts
sooner into the silence (``answer_speculate_after_ms``), so that its result is there
when the shorter silence runs out.

Audio before speech is kept only as a short pre-roll, so a client that streams
silence for an hour uses constant memory. The detector is the Silero VAD model that
ships inside faster-whisper (:class:`SileroSpeechDetector`); anything with the same
two methods can stand in for it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from speech.pcm import Samples

SAMPLE_RATE = 16_000
WINDOW_SAMPLES = 512  # what Silero VAD v5/v6 expects at 16 kHz: 32 ms
_SILERO_CONTEXT_SAMPLES = 64
_SILERO_STATE_SHAPE = (1, 1, 128)

EndReason = Literal["silence", "max_length", "client"]


class SpeechDetector(Protocol):
    """Scores 32 ms windows of 16 kHz audio; keeps state across consecutive windows."""

    def speech_probability(self, window: Samples) -> float: ...

    def reset(self) -> None: ...


@dataclass(frozen=True)
class EndpointerSettings:
    trailing_silence_ms: int = 600
    max_utterance_s: float = 20.0
    # Speech must last this long before it counts: a click or a cough does not
    # start an utterance (nor interrupt the assistant).
    min_speech_ms: int = 96
    pre_roll_ms: int = 320
    threshold: float = 0.5
    # Silero's own hysteresis: once speaking, a window counts as silence only below
    # threshold - hysteresis, so a soft syllable does not end the utterance.
    hysteresis: float = 0.15
    # Silence after which recognition may start speculatively (0: never). Shorter
    # starts more guesses that speech then resumes over; each costs a recognition.
    speculate_after_ms: int = 0
    # While a short answer is expected: speculate this early (0: as above) ...
    answer_speculate_after_ms: int = 0
    # ... and end the utterance after this much silence once it is known to be complete.
    complete_answer_silence_ms: int = 250

    def __post_init__(self) -> None:
        if self.trailing_silence_ms <= 0 or self.max_utterance_s <= 0:
            raise ValueError("trailing_silence_ms and max_utterance_s must be positive")
        if not 0 <= self.speculate_after_ms < self.trailing_silence_ms:
            raise ValueError("speculate_after_ms must be 0 or less than trailing_silence_ms")
        if not 0 <= self.answer_speculate_after_ms < self.trailing_silence_ms:
            raise ValueError("answer_speculate_after_ms must be 0 or below trailing_silence_ms")
        if self.complete_answer_silence_ms <= 0:
            raise ValueError("complete_answer_silence_ms must be positive")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError("threshold must be between 0 and 1")


@dataclass(frozen=True)
class SpeechStarted:
    """The speaker started talking ``at_s`` seconds into the stream."""

    at_s: float


@dataclass(frozen=True)
class UtteranceEnded:
    """One utterance: its 16 kHz samples (pre-roll included) and why it ended."""

    audio: Samples
    reason: EndReason

    @property
    def duration_s(self) -> float:
        return len(self.audio) / SAMPLE_RATE


@dataclass(frozen=True)
class SpeechPaused:
    """The speaker has been silent ``speculate_after_ms``: this may be the utterance."""

    audio: Samples


@dataclass(frozen=True)
class SpeechResumed:
    """Speech went on after a :class:`SpeechPaused`: that audio was not the utterance."""


EndpointEvent = SpeechStarted | UtteranceEnded | SpeechPaused | SpeechResumed


def _windows(settings_ms: float) -> int:
    return max(1, round(settings_ms * SAMPLE_RATE / 1000 / WINDOW_SAMPLES))


class Endpointer:
    """Segments one audio stream into utterances; see the module docstring."""

    def __init__(self, detector: SpeechDetector, settings: EndpointerSettings) -> None:
        self._detector = detector
        self.settings = settings
        self._min_speech = _windows(settings.min_speech_ms)
        self._trailing = _windows(settings.trailing_silence_ms)
        self._speculate_open = (
            _windows(settings.speculate_after_ms) if settings.speculate_after_ms else 0
        )
        self._speculate_answer = (
            _windows(settings.answer_speculate_after_ms)
            if settings.answer_speculate_after_ms
            else self._speculate_open
        )
        self._speculate = self._speculate_open
        self._complete_trailing = min(self._trailing, _windows(settings.complete_answer_silence_ms))
        # The silence that ends the current utterance: shorter once it is a complete answer.
        self._trailing_now = self._trailing
        self._paused = False
        self._max_windows = _windows(settings.max_utterance_s * 1000)
        pre_roll = _windows(settings.pre_roll_ms) + self._min_speech
        self._pre_roll: deque[Samples] = deque(maxlen=pre_roll)
        self._pending = np.zeros(0, dtype=np.float32)
        self._utterance: list[Samples] = []
        self._speech_run = 0
        self._silence_run = 0
        self._windows_seen = 0
        # False for push-to-talk clients: only finish() or the length cap end an
        # utterance, and pauses inside it are kept.
        self.end_on_silence = True

    @property
    def in_speech(self) -> bool:
        return bool(self._utterance)

    def feed(self, samples: Samples) -> list[EndpointEvent]:
        """Add 16 kHz samples; return what happened, in order."""
        self._pending = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])
        events: list[EndpointEvent] = []
        whole = len(self._pending) // WINDOW_SAMPLES * WINDOW_SAMPLES
        for start in range(0, whole, WINDOW_SAMPLES):
            event = self._step(self._pending[start : start + WINDOW_SAMPLES])
            if event is not None:
                events.append(event)
        self._pending = self._pending[whole:]
        return events

    def finish(self) -> UtteranceEnded | None:
        """End the current utterance now (the client said so); None if nobody spoke."""
        if not self._utterance:
            self.reset()
            return None
        self._utterance.append(self._pending)
        return self._end("client")

    def expect_short_answer(self, expected: bool) -> None:
        """A closed question is open (or no longer): speculate sooner into the silence."""
        self._speculate = self._speculate_answer if expected else self._speculate_open

    def end_early(self) -> None:
        """The paused audio is a complete answer: end it after the shorter silence.

        The utterance ends from :meth:`feed`, at the next window if that silence has
        already run out; speech that resumes first cancels this. Without a pause
        (speech went on, or the utterance already ended) it does nothing.
        """
        if self._paused and self._utterance:
            self._trailing_now = min(self._trailing_now, self._complete_trailing)

    def reset(self) -> None:
        """Forget everything heard so far (for example after a dropped connection)."""
        self._pending = np.zeros(0, dtype=np.float32)
        self._pre_roll.clear()
        self._utterance = []
        self._speech_run = 0
        self._silence_run = 0
        self._paused = False
        self._trailing_now = self._trailing
        self._detector.reset()

    def _step(self, window: Samples) -> EndpointEvent | None:
        self._windows_seen += 1
        probability = self._detector.speech_probability(window)
        if not self._utterance:
            self._pre_roll.append(window)
            self._speech_run = self._speech_run + 1 if probability >= self.settings.threshold else 0
            if self._speech_run < self._min_speech:
                return None
            self._utterance = list(self._pre_roll)
            self._pre_roll.clear()
            self._silence_run = 0
            started_s = (self._windows_seen - self._speech_run) * WINDOW_SAMPLES / SAMPLE_RATE
            return SpeechStarted(at_s=started_s)
        self._utterance.append(window)
        silent = probability < self.settings.threshold - self.settings.hysteresis
        self._silence_run = self._silence_run + 1 if silent else 0
        if self.end_on_silence and self._silence_run >= self._trailing_now:
            return self._end("silence")
        if len(self._utterance) >= self._max_windows:
            return self._end("max_length")
        if self._paused and not silent:
            self._paused = False
            self._trailing_now = self._trailing  # the answer goes on: wait the full silence
            return SpeechResumed()
        if self.end_on_silence and self._speculate and self._silence_run == self._speculate:
            self._paused = True
            return SpeechPaused(audio=np.concatenate(self._utterance).astype(np.float32))
        return None

    def _end(self, reason: EndReason) -> UtteranceEnded:
        audio = np.concatenate(self._utterance).astype(np.float32, copy=False)
        self._utterance = []
        self._speech_run = 0
        self._silence_run = 0
        self._paused = False
        self._trailing_now = self._trailing
        if reason == "client":
            self._pending = np.zeros(0, dtype=np.float32)
            self._detector.reset()
        return UtteranceEnded(audio=audio, reason=reason)


class SileroSpeechDetector:
    """Silero VAD (the ONNX model bundled with faster-whisper), one instance per stream.

    The ONNX session is shared process-wide (faster-whisper caches it); only the
    recurrent state and the 64-sample context are per stream. A window costs about
    0.25 ms of CPU, so running it on the event loop is cheaper than a thread hop.
    """

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros(_SILERO_STATE_SHAPE, dtype=np.float32)
        self._c = np.zeros(_SILERO_STATE_SHAPE, dtype=np.float32)
        self._context = np.zeros((1, _SILERO_CONTEXT_SAMPLES), dtype=np.float32)

    def speech_probability(self, window: Samples) -> float:
        if len(window) != WINDOW_SAMPLES:
            raise ValueError(f"Silero VAD scores windows of {WINDOW_SAMPLES} samples")
        frame = window.astype(np.float32, copy=False)[np.newaxis, :]
        output, self._h, self._c = self._session.run(
            None,
            {"input": np.concatenate([self._context, frame], axis=1), "h": self._h, "c": self._c},
        )
        self._context = frame[:, -_SILERO_CONTEXT_SAMPLES:]
        return float(np.asarray(output).ravel()[0])
