"""Fixtures for the voice tests: real speech made at test time, real engines, real servers.

Speech comes from the same engines the product uses (Piper without sampling noise,
so a text always gives the same audio, espeak-ng and flite); nothing is recorded or
mocked. ``voices`` speaks in several voices (espeak-ng's English variants, flite's
voices), so the tests assert what any speaker's words lead to, not one transcript.
The whole-stack tests run Whisper tiny.en, which the running stack picks up from
``ORDERLY_VOICE_ASR_MODEL`` (set here before any fixture starts the stack).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

import numpy as np
import pytest

from clients.voice_client.audio import Pcm
from speech.pcm import pcm16_to_samples
from speech.recognition import RecogniserSettings, load_recogniser
from speech.recognition.whisper import WhisperRecogniser
from speech.resampling import resample
from speech.synthesis import SynthesizerSettings, load_synthesizer

os.environ.setdefault("ORDERLY_VOICE_ASR_MODEL", "tiny.en")

TEST_MODEL = "tiny.en"
ASR_RATE = 16_000

Speak = Callable[[str], Pcm]


def needs_espeak() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        shutil.which("espeak-ng") is None,
        reason="espeak-ng is not installed (apt-get install espeak-ng)",
    )


def needs_festival() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        shutil.which("text2wave") is None,
        reason="festival is not installed (apt-get install festival)",
    )


def needs_flite() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        shutil.which("flite") is None, reason="flite is not installed (apt-get install flite)"
    )


@pytest.fixture(scope="session")
def speak() -> Speak:
    """Text -> deterministic Piper speech (22.05 kHz PCM16), cached per text."""
    voice = load_synthesizer(SynthesizerSettings(engine="piper", deterministic=True))
    cache: dict[str, Pcm] = {}

    def make(text: str) -> Pcm:
        if text not in cache:
            audio = voice.synthesize(text)
            cache[text] = Pcm(audio.pcm, audio.sample_rate)
        return cache[text]

    return make


# Deterministic voices: Piper without noise, espeak-ng's English variants, flite's voices.
VOICES = (
    "piper", "espeak:en-us", "espeak:en-gb", "espeak:en-gb-x-rp", "espeak:en-us+f3",
    "flite:slt", "flite:rms", "flite:awb",
)  # fmt: skip
_PROGRAMS = {"espeak": "espeak-ng", "flite": "flite"}


def speaker(voice: str) -> Speak:
    """Text -> speech in ``voice`` ("engine" or "engine:voice"), cached per text."""
    engine, _, name = voice.partition(":")
    program = _PROGRAMS.get(engine)
    if program and shutil.which(program) is None:
        pytest.skip(f"{program} is not installed (make system-packages)")
    synthesizer = load_synthesizer(
        SynthesizerSettings(engine=engine, voice=name or None, deterministic=True)
    )
    cache: dict[str, Pcm] = {}

    def make(text: str) -> Pcm:
        if text not in cache:
            audio = synthesizer.synthesize(text)
            cache[text] = Pcm(audio.pcm, audio.sample_rate)
        return cache[text]

    return make


@pytest.fixture(scope="session")
def voices() -> dict[str, Speak]:
    """Every voice of ``VOICES``; a test that needs a missing engine is skipped, and says so."""
    return {voice: speaker(voice) for voice in VOICES}


@pytest.fixture(scope="session")
def recogniser() -> WhisperRecogniser:
    loaded = load_recogniser(RecogniserSettings(model=TEST_MODEL))
    assert isinstance(loaded, WhisperRecogniser)
    return loaded


def at_16k(pcm: Pcm) -> np.ndarray:
    return resample(pcm16_to_samples(pcm.data), pcm.sample_rate, ASR_RATE)


def silence(seconds: float, rate: int = ASR_RATE) -> np.ndarray:
    return np.zeros(int(seconds * rate), dtype=np.float32)


def words(text: str) -> set[str]:
    return {w.strip(".,?!'\"").lower() for w in text.replace("&", " and ").split()}
