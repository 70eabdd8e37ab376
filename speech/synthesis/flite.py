"""flite (CMU Flite): robotic but instant, and voices unlike espeak-ng's.

Runs the ``flite`` program (Debian package ``flite``) once per sentence. Its
built-in voices are ``slt`` (female, US), ``rms`` and ``awb`` (male, US and
Scottish), ``kal16`` and ``kal`` (male, US; ``kal`` is 8 kHz). The tests use them
beside espeak-ng's variants to hear the same words from several speakers.
"""

from __future__ import annotations

import shutil

from speech.synthesis.base import SpeechAudio, SynthesisError, run_synthesizer, speech_from_wav

FLITE_VOICES = ("slt", "rms", "awb", "kal16", "kal")
FLITE_SAMPLE_RATE = 16_000  # every built-in voice but kal (8 kHz)


class FliteSynthesizer:
    name = "flite"

    def __init__(self, voice: str = "slt", timeout_s: float = 10.0) -> None:
        program = shutil.which("flite")
        if program is None:
            raise SynthesisError("flite is not installed: apt-get install flite")
        if voice not in FLITE_VOICES:
            raise SynthesisError(
                f"Unknown flite voice {voice!r}; choose one of {', '.join(FLITE_VOICES)}."
            )
        self._program = program
        self._voice = voice
        self._timeout_s = timeout_s
        self.sample_rate = 8_000 if voice == "kal" else FLITE_SAMPLE_RATE

    def synthesize(self, text: str) -> SpeechAudio:
        # -t takes the text as one argument, so it is never read as an option.
        argv = [self._program, "-voice", self._voice, "-t", text, "-o", "/dev/stdout"]
        return speech_from_wav(run_synthesizer(argv, "flite", self._timeout_s), "flite")
