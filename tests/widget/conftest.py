"""Fixtures for the widget tests: the real widget in Debian's Chromium, driven by Playwright.

The page is the demo page served by the running Rasa server (``running_stack``), so
the browser meets exactly what a user's browser meets. Playwright's own browser
download cannot work offline; it drives the system Chromium instead
(``apt-get install chromium``). Speech for the fake microphone is made at test time
with espeak-ng, like the voice tests' speech.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from speech.pcm import pcm16_to_samples, samples_to_pcm16
from speech.resampling import resample

# The whole-stack tests run Whisper tiny.en (as the voice tests do), set before the stack starts.
os.environ.setdefault("ORDERLY_VOICE_ASR_MODEL", "tiny.en")

CHROMIUM = Path(os.environ.get("ORDERLY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Grants the microphone without a prompt and makes the capture device a file.
FAKE_MICROPHONE_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
MICROPHONE_RATE = 16_000
# Lead-in so no word is lost while the page connects the worklet; tail so the
# recording holds the whole utterance before the button is released.
LEAD_SILENCE_S = 0.3
TAIL_SILENCE_S = 0.5

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

LaunchBrowser = Callable[..., Browser]
SpeechFile = Callable[[str], tuple[Path, float]]


# Per module, not per session: while Playwright's sync API is up, its event loop counts as
# running in this thread, and every later `asyncio.run` (async tests, Sanic test clients)
# fails with "cannot be called from a running event loop".
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium, or set ORDERLY_CHROMIUM")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def launch_browser(playwright: Playwright) -> LaunchBrowser:
    """Start a Chromium with extra command-line flags (each fake microphone needs its own)."""

    def launch(*extra_args: str) -> Browser:
        return playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args]
        )

    return launch


@pytest.fixture(scope="module")
def browser(launch_browser: LaunchBrowser) -> Iterator[Browser]:
    started = launch_browser()
    yield started
    started.close()


@pytest.fixture(scope="session")
def speech_file(tmp_path_factory: pytest.TempPathFactory) -> SpeechFile:
    """Text -> a 16 kHz mono wav of espeak-ng saying it, and its length in seconds."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    folder = tmp_path_factory.mktemp("speech")

    def make(text: str) -> tuple[Path, float]:
        spoken = subprocess.run(
            ["espeak-ng", "-v", "en-us", "--stdout", text], capture_output=True, check=True
        ).stdout
        with wave.open(io.BytesIO(spoken)) as source:
            rate = source.getframerate()
            samples = pcm16_to_samples(source.readframes(source.getnframes()))
        audio = np.concatenate(
            [
                np.zeros(int(LEAD_SILENCE_S * MICROPHONE_RATE), np.float32),
                resample(samples, rate, MICROPHONE_RATE),
                np.zeros(int(TAIL_SILENCE_S * MICROPHONE_RATE), np.float32),
            ]
        )
        path = folder / f"{'-'.join(text.lower().split())[:60]}.wav"
        with wave.open(str(path), "wb") as target:
            target.setnchannels(1)
            target.setsampwidth(2)
            target.setframerate(MICROPHONE_RATE)
            target.writeframes(samples_to_pcm16(audio))
        return path, len(audio) / MICROPHONE_RATE

    return make
