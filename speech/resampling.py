"""Sample-rate conversion for audio that arrives in chunks.

Clients send whatever rate their microphone gives (44.1 or 48 kHz are common);
Whisper and Silero VAD need 16 kHz. Naive decimation aliases high frequencies into
the speech band and costs recognition accuracy, so this uses a real band-limited
resampler: ``soxr`` (libsoxr's streaming high-quality filter) when it is installed, else
SciPy's polyphase ``resample_poly``. Chunks must go through one :class:`Resampler`
per stream so the filter state carries across chunk boundaries (soxr); the SciPy
fallback resamples each chunk on its own, which is slightly worse at the edges.
"""

from __future__ import annotations

from math import gcd
from typing import Any

import numpy as np

from speech.pcm import Samples

try:
    import soxr
except ImportError:  # pragma: no cover - exercised only where soxr is absent
    soxr = None


def resample(samples: Samples, from_rate: int, to_rate: int) -> Samples:
    """Resample a whole signal at once (for files and synthesized speech)."""
    if from_rate == to_rate:
        return samples.astype(np.float32, copy=False)
    if soxr is not None:
        return np.asarray(soxr.resample(samples, from_rate, to_rate), dtype=np.float32)
    return _resample_poly(samples, from_rate, to_rate)


class Resampler:
    """Converts one stream of chunks from ``from_rate`` to ``to_rate``.

    ``process`` may return fewer samples than expected for a chunk: the filter holds
    a few milliseconds back until the next chunk, or until ``flush``.
    """

    def __init__(self, from_rate: int, to_rate: int) -> None:
        if from_rate <= 0 or to_rate <= 0:
            raise ValueError("sample rates must be positive")
        self.from_rate = from_rate
        self.to_rate = to_rate
        self._stream: Any = None
        if from_rate != to_rate and soxr is not None:
            self._stream = soxr.ResampleStream(from_rate, to_rate, 1, dtype="float32")

    def process(self, samples: Samples) -> Samples:
        if self.from_rate == self.to_rate:
            return samples
        if self._stream is not None:
            return np.asarray(self._stream.resample_chunk(samples), dtype=np.float32)
        return _resample_poly(samples, self.from_rate, self.to_rate)

    def flush(self) -> Samples:
        """Return what the filter still holds; the stream can then be reused."""
        if self._stream is None:
            return np.zeros(0, dtype=np.float32)
        tail = np.asarray(
            self._stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True),
            dtype=np.float32,
        )
        self._stream.clear()
        return tail


def _resample_poly(samples: Samples, from_rate: int, to_rate: int) -> Samples:
    from scipy.signal import resample_poly

    divisor = gcd(from_rate, to_rate)
    result = resample_poly(samples, to_rate // divisor, from_rate // divisor)
    return np.asarray(result, dtype=np.float32)
