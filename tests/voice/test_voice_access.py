"""Who may connect as whom (channels.voice.access), and the channel's settings."""

from __future__ import annotations

import pytest
from rasa.shared.exceptions import RasaException

from channels.voice import VoiceInput
from channels.voice.access import AccessDenied, AccessPolicy, ConnectionRequest
from channels.voice.settings import VoiceSettings


def request(headers: dict[str, str] | None = None, **query: str) -> ConnectionRequest:
    return ConnectionRequest(headers=headers or {}, query=query)


def denied(policy: AccessPolicy, req: ConnectionRequest) -> str:
    with pytest.raises(AccessDenied) as raised:
        policy.sender_for(req)
    assert raised.value.message
    return raised.value.code


def test_without_tokens_the_sender_parameter_names_the_conversation() -> None:
    open_policy = AccessPolicy(tokens={}, allowed_origins=[])
    assert open_policy.sender_for(request(sender="alice")) == "alice"
    fresh = open_policy.sender_for(request())
    assert fresh.startswith("voice-") and fresh != open_policy.sender_for(request())
    assert denied(open_policy, request(sender="../etc")) == "invalid_sender"
    assert denied(open_policy, request(sender="x" * 129)) == "invalid_sender"


def test_with_tokens_only_the_token_decides_the_sender() -> None:
    policy = AccessPolicy(tokens={"tok-alice": "u1", "tok-bob": "u2"}, allowed_origins=[])
    assert policy.sender_for(request(token="tok-alice", sender="u2")) == "u1"
    assert policy.sender_for(request({"authorization": "Bearer tok-bob"})) == "u2"
    assert denied(policy, request(sender="u1")) == "unauthorized"
    assert denied(policy, request(token="tok-alic")) == "unauthorized"
    assert denied(policy, request({"authorization": "Basic dG9r"})) == "unauthorized"


def test_origins_are_checked_when_configured() -> None:
    policy = AccessPolicy(tokens={}, allowed_origins=["https://shop.example/"])
    assert policy.sender_for(request({"origin": "https://shop.example"}, sender="a")) == "a"
    assert policy.sender_for(request(sender="cli")) == "cli"  # no Origin: not a browser
    assert denied(policy, request({"origin": "https://evil.example"})) == "forbidden_origin"


def test_settings_come_from_credentials_and_the_environment() -> None:
    settings = VoiceSettings.from_sources(
        {"asr_model": "base", "max_utterance_s": 20, "tokens": {"t": "u1"}},
        {"ORDERLY_VOICE_ASR_MODEL": "tiny.en", "ORDERLY_VOICE_MAX_UTTERANCE_S": "7.5",
         "ORDERLY_VOICE_TOKENS": "ignored"},
    )  # fmt: skip
    assert settings.asr_model == "tiny.en" and settings.max_utterance_s == 7.5
    assert settings.tokens == {"t": "u1"}
    assert settings.recogniser().model == "tiny.en"
    assert settings.endpointer().max_utterance_s == 7.5


@pytest.mark.parametrize(
    ("credentials", "named"),
    [
        ({"asr_modle": "base"}, "asr_modle"),
        ({"max_frame_bytes": 2 << 20}, "max_frame_bytes"),
        ({"trailing_silence_ms": 0}, "trailing_silence_ms"),
        ({"tokens": {"": "u1"}}, "tokens"),
    ],
)
def test_bad_settings_fail_at_start_up_naming_the_key(
    credentials: dict[str, object], named: str
) -> None:
    with pytest.raises(RasaException, match=named):
        VoiceInput.from_credentials(credentials)
