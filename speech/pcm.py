"""Conversions between 16-bit little-endian PCM bytes and float sample arrays.

The voice protocol carries PCM16 on the wire; the engines (Silero VAD, Whisper,
soxr) work on float32 samples in [-1, 1]. These two functions are the only place
where one becomes the other.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SAMPLE_WIDTH_BYTES = 2
_INT16_SCALE = 32768.0

Samples = npt.NDArray[np.float32]


def pcm16_to_samples(pcm: bytes) -> Samples:
    """Decode mono PCM16 (little-endian) into float32 samples in [-1, 1).

    Raises ``ValueError`` for an odd number of bytes, which cannot be PCM16.
    """
    if len(pcm) % SAMPLE_WIDTH_BYTES:
        raise ValueError(f"PCM16 needs an even number of bytes, got {len(pcm)}")
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / _INT16_SCALE


def samples_to_pcm16(samples: npt.NDArray[np.floating]) -> bytes:
    """Encode float samples as mono PCM16 (little-endian), clipping to the int16 range."""
    scaled = np.clip(np.asarray(samples, dtype=np.float32) * _INT16_SCALE, -32768, 32767)
    return scaled.astype("<i2").tobytes()


def rms(samples: npt.NDArray[np.floating]) -> float:
    """Root mean square level of ``samples`` (0.0 for an empty array)."""
    if samples.size == 0:
        return 0.0
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
