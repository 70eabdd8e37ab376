"""State-aware recognition on real speech: answers heard in several voices, by meaning.

Each test speaks with the voices of ``conftest.VOICES`` (Piper, espeak-ng's English
variants, flite) and recognises with Whisper tiny.en primed as the channel primes
it. The assertions are about meaning (yes or no, the PIN's digits), allow a miss or
two across the voices, and never need one exact transcript.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from channels.pin_policy import ScreenKind, screen
from channels.pin_store import PinRequest
from channels.voice.engines import VoiceEngines
from channels.voice.listening import Transcriber
from channels.voice.pipeline import ExpectedAnswer, Frame, Heard, Pause, Resume, Stage, UserTurn
from channels.voice.settings import VoiceSettings
from channels.voice.vocabulary import (
    DIGIT_PHRASES,
    ORDER_LEAD,
    YES_NO_PHRASES,
    MenuWords,
    recognition_bias,
)
from speech.endpointing import UtteranceEnded
from speech.pcm import Samples
from speech.recognition import Transcript
from speech.recognition.whisper import WhisperRecogniser
from tests.voice.conftest import Speak, at_16k, silence, words

_NO = {"no", "nope", "not", "wait", "nah"}
_YES = {"yes", "yeah", "yep", "sure", "go", "ahead", "correct"}
MENU = MenuWords(items=("Hash Brown", "Latte", "Americano"), choices=("Large", "Oat"))
PIN_SPOKEN = "three five seven nine one zero"
PIN = "357910"
ASKED = PinRequest("payment_pin", 6, "http://127.0.0.1:9/pin", {}, "pin_submitted")


def pin_heard(text: str) -> str | None:
    """The digits the PIN policy would submit for ``text`` while a PIN is asked for."""
    screened = screen(text, ASKED)
    return screened.digits if screened.kind is ScreenKind.SUBMIT else None


def polarity(text: str) -> str | None:
    words = set(re.findall(r"[a-z]+", text.lower()))
    return "no" if words & _NO else "yes" if words & _YES else None


def test_yes_and_no_at_a_confirmation_are_heard_in_every_voice(
    recogniser: WhisperRecogniser, voices: dict[str, Speak]
) -> None:
    phrases = recognition_bias("pay", MENU)
    misses = []
    for voice, speak in voices.items():
        for answer, meaning in (("yes please", "yes"), ("no thanks", "no"), ("yes", "yes")):
            heard = recogniser.transcribe(at_16k(speak(answer)), phrases).text
            if polarity(heard) != meaning:
                misses.append((voice, answer, heard))
    # 24 answers: one voice may garble one of them, the meaning must come through.
    assert len(misses) <= 1, misses


def test_a_pin_spoken_as_digits_is_heard_in_most_voices(
    recogniser: WhisperRecogniser, voices: dict[str, Speak]
) -> None:
    phrases = recognition_bias("pin", MENU)
    misses = []
    for voice, speak in voices.items():
        heard = recogniser.transcribe(at_16k(speak(PIN_SPOKEN)), phrases).text
        if pin_heard(heard) != PIN:
            misses.append((voice, heard))
    # A misheard PIN is refused by the merchant and asked again; most must pass first time.
    assert len(misses) <= 2, misses


class _Collect(Stage):
    def __init__(self) -> None:
        super().__init__()
        self.frames: list[Frame] = []

    async def put(self, frame: Frame) -> None:
        self.frames.append(frame)


class _RecordingRecogniser:
    """The real tiny.en recogniser, recording what it was primed with (to observe the bias)."""

    def __init__(self, real: WhisperRecogniser) -> None:
        self.real = real
        self.primed: list[tuple[str, ...]] = []

    async def recognise(
        self, audio: Samples, phrases: tuple[str, ...] = (), alternatives: int = 1
    ) -> Transcript:
        self.primed.append(tuple(phrases))
        return await self.real.recognise(audio, phrases, alternatives)


def _transcriber(
    recogniser: WhisperRecogniser, monkeypatch: pytest.MonkeyPatch
) -> tuple[Transcriber, _RecordingRecogniser, _Collect]:
    engines = VoiceEngines(VoiceSettings(asr_model="tiny.en", lexicon_url=None))
    recording = _RecordingRecogniser(recogniser)

    async def loaded() -> _RecordingRecogniser:
        return recording

    monkeypatch.setattr(engines, "recogniser", loaded)
    transcriber = Transcriber(engines, "ann")
    heard = _Collect()
    transcriber.link(heard)
    return transcriber, recording, heard


async def test_the_transcriber_primes_recognition_with_the_open_question(
    recogniser: WhisperRecogniser, voices: dict[str, Speak], monkeypatch: pytest.MonkeyPatch
) -> None:
    transcriber, recording, heard = _transcriber(recogniser, monkeypatch)

    async def answer(text: str, voice: str = "espeak:en-gb") -> str:
        audio = at_16k(voices[voice](text))
        await transcriber.process(Heard(turn=1, utterance=UtteranceEnded(audio, "client")))
        turn = heard.frames.pop()
        assert isinstance(turn, UserTurn)
        return turn.text

    # The Conversation stage sends what the reply asked for upstream, as a frame.
    await transcriber.from_downstream(ExpectedAnswer("pay"))
    assert polarity(await answer("yes please")) == "yes"
    assert recording.primed[-1] == YES_NO_PHRASES

    await transcriber.from_downstream(ExpectedAnswer("pin"))
    assert pin_heard(await answer(PIN_SPOKEN, "piper")) == PIN
    assert recording.primed[-1] == DIGIT_PHRASES

    await transcriber.from_downstream(ExpectedAnswer(None))
    await answer("a hash brown")
    assert recording.primed[-1][0] == ORDER_LEAD  # the menu (no lexicon here)


async def test_a_guess_started_at_a_pause_is_committed_at_the_endpoint_or_discarded(
    recogniser: WhisperRecogniser, voices: dict[str, Speak], monkeypatch: pytest.MonkeyPatch
) -> None:
    transcriber, recording, heard = _transcriber(recogniser, monkeypatch)
    speech = at_16k(voices["piper"]("two hash browns and an americano"))
    utterance = np.concatenate([speech, silence(0.4)])

    # The silence ran out: the guess made at the pause is the turn, recognised once.
    await transcriber.process(Pause(speech))
    await transcriber.process(Heard(turn=1, utterance=UtteranceEnded(utterance, "silence")))
    (turn,) = heard.frames
    assert isinstance(turn, UserTurn) and {"hash", "americano"} <= words(turn.text), turn
    assert len(recording.primed) == 1

    # Speech went on after the pause: the half heard then is not the turn.
    await transcriber.process(Pause(speech[: len(speech) // 3]))
    await transcriber.process(Resume())
    await transcriber.process(Heard(turn=2, utterance=UtteranceEnded(utterance, "silence")))
    turn = heard.frames[-1]
    assert isinstance(turn, UserTurn) and {"hash", "americano"} <= words(turn.text), turn
