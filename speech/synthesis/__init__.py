"""Text-to-speech engines behind one interface (:mod:`speech.synthesis.base`).

``load_synthesizer`` picks the engine named in configuration and imports only that
engine's module, so a machine without Piper can still use espeak-ng, and Coqui
(which cannot share Rasa's environment) is only ever reached over HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass

from speech.synthesis.base import AUDIO_FORMAT, SpeechAudio, SynthesisError, Synthesizer

__all__ = [
    "AUDIO_FORMAT",
    "SpeechAudio",
    "SynthesisError",
    "Synthesizer",
    "SynthesizerSettings",
    "load_synthesizer",
]

ENGINES = ("piper", "espeak", "flite", "festival", "coqui")


@dataclass(frozen=True)
class SynthesizerSettings:
    engine: str = "piper"
    # Engine specific: a Piper .onnx voice (default: the packaged "joe" voice), an
    # espeak-ng voice name (default en-us), a flite voice (default slt), a festival
    # voice (default kal_diphone), or a Coqui speaker id.
    voice: str | None = None
    coqui_url: str = "http://127.0.0.1:5092"
    timeout_s: float = 10.0
    # Same text, same audio (Piper only; espeak-ng always is): for tests.
    deterministic: bool = False
    # CPU threads one Piper synthesis uses (speech.synthesis.piper).
    threads: int = 1


def load_synthesizer(settings: SynthesizerSettings) -> Synthesizer:
    if settings.engine == "piper":
        from speech.synthesis.piper import PiperSynthesizer

        return PiperSynthesizer(settings.voice, settings.deterministic, settings.threads)
    if settings.engine == "espeak":
        from speech.synthesis.espeak import EspeakSynthesizer

        return EspeakSynthesizer(settings.voice or "en-us", settings.timeout_s)
    if settings.engine == "flite":
        from speech.synthesis.flite import FliteSynthesizer

        return FliteSynthesizer(settings.voice or "slt", settings.timeout_s)
    if settings.engine == "festival":
        from speech.synthesis.festival import FESTIVAL_DEFAULT_VOICE, FestivalSynthesizer

        return FestivalSynthesizer(settings.voice or FESTIVAL_DEFAULT_VOICE, settings.timeout_s)
    if settings.engine == "coqui":
        from speech.synthesis.coqui import CoquiSynthesizer

        return CoquiSynthesizer(settings.coqui_url, settings.voice, settings.timeout_s)
    raise SynthesisError(
        f"Unknown speech engine {settings.engine!r}; choose one of {', '.join(ENGINES)}."
    )
