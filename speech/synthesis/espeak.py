"""espeak-ng: robotic but instant and tiny; the fallback when Piper is not wanted.

Runs the ``espeak-ng`` program (Debian package ``espeak-ng``) once per sentence.
"""

from __future__ import annotations

import shutil

from speech.synthesis.base import SpeechAudio, SynthesisError, run_synthesizer, speech_from_wav

ESPEAK_SAMPLE_RATE = 22_050


class EspeakSynthesizer:
    name = "espeak"
    sample_rate = ESPEAK_SAMPLE_RATE

    def __init__(self, voice: str = "en-us", timeout_s: float = 10.0) -> None:
        program = shutil.which("espeak-ng")
        if program is None:
            raise SynthesisError("espeak-ng is not installed: apt-get install espeak-ng")
        self._program = program
        self._voice = voice
        self._timeout_s = timeout_s

    def synthesize(self, text: str) -> SpeechAudio:
        # "--" so a sentence starting with "-" is never read as an option.
        argv = [self._program, "-v", self._voice, "--stdout", "--", text]
        return speech_from_wav(run_synthesizer(argv, "espeak-ng", self._timeout_s), "espeak-ng")
