"""Resampling: the right length, the frequencies kept, the ones above Nyquist removed."""

from __future__ import annotations

import numpy as np
import pytest

from speech import resampling
from speech.pcm import pcm16_to_samples, samples_to_pcm16
from speech.resampling import Resampler, resample


def tone(frequency: float, rate: int, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


def level(samples: np.ndarray) -> float:
    core = samples[len(samples) // 10 : -len(samples) // 10]
    return float(np.sqrt(np.mean(core**2)))


@pytest.mark.parametrize("from_rate", [8000, 22050, 44100, 48000])
def test_a_tone_keeps_its_pitch_and_level(from_rate: int) -> None:
    out = resample(tone(440.0, from_rate), from_rate, 16_000)
    assert abs(len(out) - 16_000) <= 2
    assert abs(dominant_frequency(out, 16_000) - 440.0) < 2.0
    assert level(out) == pytest.approx(0.5 / np.sqrt(2), rel=0.02)


def test_frequencies_above_the_new_nyquist_are_filtered_not_folded() -> None:
    # 11 kHz at 48 kHz would alias to 5 kHz at 16 kHz if simply decimated.
    out = resample(tone(11_000.0, 48_000), 48_000, 16_000)
    assert level(out) < 0.01


def test_streaming_in_chunks_matches_one_shot() -> None:
    signal = tone(300.0, 44_100, seconds=2.0) * np.linspace(0, 1, 88_200, dtype=np.float32)
    stream = Resampler(44_100, 16_000)
    pieces = [stream.process(signal[i : i + 1764]) for i in range(0, len(signal), 1764)]
    chunked = np.concatenate([*pieces, stream.flush()])
    whole = resample(signal, 44_100, 16_000)
    assert abs(len(chunked) - len(whole)) <= 2
    n = min(len(chunked), len(whole))
    assert np.max(np.abs(chunked[:n] - whole[:n])) < 1e-3


def test_same_rate_is_a_pass_through() -> None:
    signal = tone(1000.0, 16_000)
    assert np.array_equal(Resampler(16_000, 16_000).process(signal), signal)


def test_scipy_fallback_resamples_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resampling, "soxr", None)
    stream = Resampler(48_000, 16_000)
    out = stream.process(tone(440.0, 48_000))
    assert len(out) == 16_000 and abs(dominant_frequency(out, 16_000) - 440.0) < 2.0
    assert len(stream.flush()) == 0


def test_bad_rates_are_refused() -> None:
    with pytest.raises(ValueError):
        Resampler(0, 16_000)


def test_pcm16_round_trip_and_odd_bytes() -> None:
    samples = np.array([0.0, 0.5, -0.5, 0.999], dtype=np.float32)
    back = pcm16_to_samples(samples_to_pcm16(samples))
    assert np.allclose(back, samples, atol=1 / 32768)
    assert samples_to_pcm16(np.array([2.0, -2.0])) == b"\xff\x7f\x00\x80"  # clipped
    with pytest.raises(ValueError):
        pcm16_to_samples(b"\x00\x01\x02")
