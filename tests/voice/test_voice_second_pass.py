"""The short encoder window's second pass, on Piper speech made at test time (Whisper tiny.en).

An utterance the short window is unsure of is decoded again with Whisper's standard
30 s window and the more confident reading is kept; one it is sure of costs nothing more.
"""

from __future__ import annotations

import pytest

from channels.voice.settings import VoiceSettings
from speech.recognition import RecogniserSettings, load_recogniser
from tests.voice.conftest import TEST_MODEL, Speak, at_16k, words

MENU = ("Breakfast order", "Chicken Congee", "Soy Milk", "Youtiao", "Cola")
ORDER = "a bowl of chicken congee and a small soy milk"


def test_an_unsure_first_pass_is_heard_again_with_the_standard_window(speak: Speak) -> None:
    audio = at_16k(speak(ORDER))
    short_only = load_recogniser(RecogniserSettings(model=TEST_MODEL)).transcribe(audio, MENU)
    # Every first pass is less sure than a log-probability of 0: each one is heard again.
    doubting = load_recogniser(RecogniserSettings(model=TEST_MODEL, second_pass_below=0.0))
    heard = doubting.transcribe(audio, MENU)
    assert {"chicken", "congee", "soy", "milk"} <= words(heard.text), heard
    assert heard.second_pass
    assert heard.confidence >= short_only.confidence, "the more confident reading is kept"


def test_a_sure_first_pass_costs_no_second_one(speak: Speak) -> None:
    audio = at_16k(speak(ORDER))
    short_only = load_recogniser(RecogniserSettings(model=TEST_MODEL)).transcribe(audio, MENU)
    trusting = load_recogniser(RecogniserSettings(model=TEST_MODEL, second_pass_below=-50.0))
    heard = trusting.transcribe(audio, MENU)
    assert not heard.second_pass
    assert heard.text == short_only.text


def test_the_beam_candidates_get_the_second_pass_too(speak: Speak) -> None:
    """Closed questions and ordering turns read the n-best: they must not miss the rule."""
    audio = at_16k(speak("yes please go ahead"))
    doubting = load_recogniser(RecogniserSettings(model=TEST_MODEL, second_pass_below=0.0))
    heard = doubting.transcribe(audio, ("yes", "no"), alternatives=5)
    assert heard.hypotheses and "yes" in words(heard.text), heard
    assert heard.confidence == pytest.approx(heard.hypotheses[0].score)


def test_the_channel_setting_reaches_the_recogniser() -> None:
    settings = VoiceSettings.from_sources({"asr_second_pass_below": -0.3}, {})
    assert settings.recogniser().second_pass_below == -0.3
    with pytest.raises(ValueError):
        VoiceSettings.from_sources({"asr_second_pass_below": 0.5}, {})
