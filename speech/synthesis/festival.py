"""Festival: the Edinburgh speech synthesiser, a third family of voices for tests and benches.

Runs ``text2wave`` (Debian package ``festival``, whose default voice is
``festvox-kallpc16k``: ``kal_diphone``, male US, 16 kHz) once per sentence, the text on
its standard input so it is never read as an option. ``text2wave`` cannot write a
finished wav to a pipe (it seeks back to fill in the sizes), so it writes to a
temporary file. A voice is chosen by name (``voice_kal_diphone`` and any other
installed ``festvox-*`` voice).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from speech.synthesis.base import SpeechAudio, SynthesisError, speech_from_wav

FESTIVAL_DEFAULT_VOICE = "kal_diphone"
_VOICE_NAME = re.compile(r"^[a-z0-9_]+$")


class FestivalSynthesizer:
    name = "festival"

    def __init__(self, voice: str = FESTIVAL_DEFAULT_VOICE, timeout_s: float = 10.0) -> None:
        program = shutil.which("text2wave")
        if program is None:
            raise SynthesisError("festival is not installed: apt-get install festival")
        if not _VOICE_NAME.match(voice):
            raise SynthesisError(f"Unknown festival voice {voice!r}; e.g. {FESTIVAL_DEFAULT_VOICE}")
        self._program = program
        self._voice = voice
        self._timeout_s = timeout_s
        self.sample_rate = 16_000  # kal_diphone; the wav header says what a voice gives

    def synthesize(self, text: str) -> SpeechAudio:
        with tempfile.TemporaryDirectory(prefix="festival-") as folder:
            wav = Path(folder) / "speech.wav"
            argv = [self._program, "-o", str(wav), "-otype", "riff",
                    "-eval", f"(voice_{self._voice})"]  # fmt: skip
            try:
                subprocess.run(
                    argv, input=text.encode(), capture_output=True, timeout=self._timeout_s,
                    check=True,
                )  # fmt: skip
            except subprocess.CalledProcessError as error:
                message = error.stderr.decode(errors="replace").strip()
                raise SynthesisError(f"festival failed: {message}") from error
            except subprocess.TimeoutExpired as error:
                raise SynthesisError(f"festival took longer than {self._timeout_s} s") from error
            return speech_from_wav(wav.read_bytes(), "festival")
