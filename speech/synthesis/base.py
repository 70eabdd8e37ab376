"""The text-to-speech interface every engine implements.

A :class:`Synthesizer` speaks one sentence at a time and returns mono PCM16 at
the engine's own rate (tagged, never silently resampled): the caller streams
sentence after sentence, so the first words play while the rest is synthesized.
``synthesize`` blocks; callers run it off the event loop.
"""

from __future__ import annotations

import io
import subprocess
import wave
from dataclasses import dataclass
from typing import Protocol

from speech.pcm import SAMPLE_WIDTH_BYTES

AUDIO_FORMAT = "pcm_s16le"


class SynthesisError(RuntimeError):
    """An engine cannot be loaded or cannot speak a text; the message says why."""


@dataclass(frozen=True)
class SpeechAudio:
    """Mono 16-bit little-endian PCM and its sample rate."""

    pcm: bytes
    sample_rate: int
    format: str = AUDIO_FORMAT
    channels: int = 1

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / SAMPLE_WIDTH_BYTES / self.sample_rate


class Synthesizer(Protocol):
    name: str
    sample_rate: int

    def synthesize(self, text: str) -> SpeechAudio: ...


def speech_from_wav(data: bytes, source: str) -> SpeechAudio:
    """Read a mono PCM16 wav (what espeak-ng and Coqui's server produce)."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            if wav.getsampwidth() != SAMPLE_WIDTH_BYTES or wav.getnchannels() != 1:
                raise SynthesisError(
                    f"{source} returned {wav.getnchannels()} channel(s) of "
                    f"{8 * wav.getsampwidth()}-bit audio; expected mono 16-bit"
                )
            return SpeechAudio(pcm=wav.readframes(wav.getnframes()), sample_rate=wav.getframerate())
    except (wave.Error, EOFError) as error:
        raise SynthesisError(f"{source} did not return a wav file: {error}") from error


def run_synthesizer(argv: list[str], engine: str, timeout_s: float) -> bytes:
    """Run an engine's program once and return what it wrote to stdout.

    flite and espeak-ng both speak by running a program per sentence; a failure
    or a hang becomes a SynthesisError naming the engine, so callers see one error type.
    """
    try:
        result = subprocess.run(argv, capture_output=True, timeout=timeout_s, check=True)
    except subprocess.CalledProcessError as error:
        message = error.stderr.decode(errors="replace").strip()
        raise SynthesisError(f"{engine} failed: {message}") from error
    except subprocess.TimeoutExpired as error:
        raise SynthesisError(f"{engine} took longer than {timeout_s} s") from error
    return result.stdout
