"""Sound in and out for the voice client: wav files, optional playback, optional microphone.

Everything here works on a machine without a sound card: playback is tried only
if a command-line player exists, and the microphone needs the optional
``sounddevice`` package plus a capture device, each reported plainly when missing.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

PLAYERS = (
    ["aplay", "-q"],
    ["paplay"],
    ["pw-play"],
    ["ffplay", "-nodisp", "-autoexit", "-loglevel", "quiet"],
)
SAMPLE_WIDTH_BYTES = 2


class AudioError(RuntimeError):
    """A wav file or sound device cannot be used; the message says why."""


@dataclass(frozen=True)
class Pcm:
    """Mono 16-bit little-endian samples and their rate."""

    data: bytes
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.data) / SAMPLE_WIDTH_BYTES / self.sample_rate


def read_wav(path: Path) -> Pcm:
    """Read a 16-bit PCM wav; stereo is mixed down to mono."""
    try:
        with wave.open(str(path)) as wav:
            if wav.getsampwidth() != SAMPLE_WIDTH_BYTES:
                raise AudioError(f"{path}: only 16-bit PCM wav files are supported")
            frames = wav.readframes(wav.getnframes())
            channels, rate = wav.getnchannels(), wav.getframerate()
    except (wave.Error, EOFError, OSError) as error:
        raise AudioError(f"{path}: not a readable wav file ({error})") from error
    if channels > 1:
        samples = np.frombuffer(frames, "<i2").reshape(-1, channels).mean(axis=1)
        frames = samples.astype("<i2").tobytes()
    return Pcm(frames, rate)


def write_wav(path: Path, pcm: Pcm) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(SAMPLE_WIDTH_BYTES)
        wav.setframerate(pcm.sample_rate)
        wav.writeframes(pcm.data)
    return path


def find_player() -> list[str] | None:
    for command in PLAYERS:
        if shutil.which(command[0]):
            return command
    return None


def play(path: Path, player: list[str], wait: bool = True) -> None:
    """Play a wav file; a player failing (no device) is not an error."""
    process = subprocess.Popen(
        [*player, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    if wait:
        process.wait()


def open_microphone(sample_rate: int, frame_ms: int) -> Any:
    """A started ``sounddevice.RawInputStream`` of mono PCM16, or a clear AudioError."""
    try:
        import sounddevice
    except (ImportError, OSError) as error:
        raise AudioError(
            f"--mic needs the sounddevice package and PortAudio ({error}); "
            "pip install sounddevice, or pass wav files instead"
        ) from error
    try:
        stream = sounddevice.RawInputStream(
            samplerate=sample_rate,
            channels=1,
            dtype="int16",
            blocksize=sample_rate * frame_ms // 1000,
        )
        stream.start()
    except Exception as error:  # PortAudioError and friends: no device here
        raise AudioError(f"No microphone available: {error}") from error
    return stream
