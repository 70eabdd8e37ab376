"""The voice channel's settings: credentials.yml, then ORDERLY_VOICE_* on top."""

from __future__ import annotations

import pytest
from rasa.shared.exceptions import RasaException

from channels.voice import VoiceInput
from channels.voice.settings import VoiceSettings


def test_the_launchers_lexicon_url_is_read_and_the_voice_variable_wins() -> None:
    launcher = {"ORDERLY_LEXICON_URL": "http://127.0.0.1:5055/lexicon"}
    assert VoiceSettings.from_sources({}, launcher).lexicon_url == launcher["ORDERLY_LEXICON_URL"]
    both = {**launcher, "ORDERLY_VOICE_LEXICON_URL": "http://lexicon.test/"}
    assert VoiceSettings.from_sources({}, both).lexicon_url == "http://lexicon.test/"
    assert VoiceSettings().lexicon_url is None  # built in code: no environment


def test_a_blank_variable_leaves_the_credentials_value() -> None:
    settings = VoiceSettings.from_sources({"asr_model": "tiny.en"}, {"ORDERLY_VOICE_ASR_MODEL": ""})
    assert settings.asr_model == "tiny.en"


def test_a_bad_variable_stops_the_channel_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERLY_VOICE_ASR_BEAM_SIZE", "wide")
    with pytest.raises(RasaException) as raised:
        VoiceInput.from_credentials({"asr_model": "tiny.en"})
    message = str(raised.value)
    assert "ORDERLY_VOICE_ASR_BEAM_SIZE must be a whole number, got 'wide'" in message
