"""espeak-ng: robotic but instant and tiny; the fallback when Piper is not wanted.

Runs the ``espeak-ng`` program (Debian package ``espeak-ng``) once per sentence.
"""

from __future__ import annotations

import shutil
import subprocess

from speech.synthesis.base import SpeechAudio, SynthesisError, speech_from_wav

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
        try:
            result = subprocess.run(
                # "--" so a sentence starting with "-" is never read as an option.
                [self._program, "-v", self._voice, "--stdout", "--", text],
                capture_output=True,
                timeout=self._timeout_s,
                check=True,
            )
        except subprocess.CalledProcessError as error:
            message = error.stderr.decode(errors="replace").strip()
            raise SynthesisError(f"espeak-ng failed: {message}") from error
        except subprocess.TimeoutExpired as error:
            raise SynthesisError(f"espeak-ng took longer than {self._timeout_s} s") from error
        return speech_from_wav(result.stdout, "espeak-ng")
