"""Who may connect as whom (channels.voice.access), and the channel's settings."""

from __future__ import annotations

import pytest
from rasa.shared.exceptions import RasaException

from channels.identity import IdentitySettings, TokenVerifier
from channels.settings import RasaSettings
from channels.voice import VoiceInput
from channels.voice.access import (
    AccessDenied,
    AccessPolicy,
    ConnectionLimit,
    ConnectionRequest,
)
from channels.voice.settings import VoiceSettings
from contracts.voice_protocol import (
    CLOSE_TOKEN_IN_URL,
    CLOSE_TOO_MANY_CONNECTIONS,
    offered_subprotocols,
    token_from_subprotocols,
)
from tests.tokens import TEST_JWT_SECRET, mint_token

VERIFIER = TokenVerifier(IdentitySettings(secret=TEST_JWT_SECRET))


def request(
    headers: dict[str, str] | None = None, token: str | None = None, **query: str
) -> ConnectionRequest:
    """An upgrade request offering ``token`` as the browser-style subprotocol."""
    headers = dict(headers or {})
    if token is not None:
        headers["sec-websocket-protocol"] = ", ".join(offered_subprotocols(token))
    return ConnectionRequest(headers=headers, query=query)


async def denied(policy: AccessPolicy, req: ConnectionRequest) -> tuple[str, int]:
    with pytest.raises(AccessDenied) as raised:
        await policy.identify(req)
    assert raised.value.message and len(raised.value.close_reason.encode()) <= 123
    return raised.value.code, raised.value.close_code


async def test_only_the_token_decides_the_customer() -> None:
    policy = AccessPolicy(VERIFIER, allowed_origins=[])
    assert (await policy.identify(request(token=mint_token("u1"), sender="u2"))).customer_id == "u1"
    bearer = {"authorization": f"Bearer {mint_token('u2')}"}
    assert (await policy.identify(request(bearer))).customer_id == "u2"
    assert await denied(policy, request(sender="u1")) == ("token_missing", 4401)
    assert await denied(policy, request(token="tok-alice")) == ("token_invalid", 4401)
    expired = mint_token("u1", lifetime_s=-60)
    assert await denied(policy, request(token=expired)) == ("token_expired", 4401)


async def test_a_token_in_the_url_is_refused_even_when_it_is_valid() -> None:
    policy = AccessPolicy(VERIFIER, allowed_origins=[])
    in_url = ConnectionRequest(headers={}, query={"token": mint_token("u1")})
    assert await denied(policy, in_url) == ("token_in_url", CLOSE_TOKEN_IN_URL)
    both = request(token=mint_token("u1"))
    both = ConnectionRequest(headers=both.headers, query={"token": mint_token("u1")})
    assert await denied(policy, both) == ("token_in_url", CLOSE_TOKEN_IN_URL)


def test_the_token_is_read_from_the_subprotocol_offer_only() -> None:
    assert token_from_subprotocols("orderly.voice.v5, orderly.token.abc.def.ghi") == "abc.def.ghi"
    assert token_from_subprotocols("orderly.voice.v5") is None
    assert token_from_subprotocols("orderly.token.") is None
    assert token_from_subprotocols(None) is None


def test_a_customer_may_hold_only_so_many_connections_and_gets_a_slot_back_on_closing() -> None:
    limit = ConnectionLimit(per_customer=2)
    limit.acquire("ann")
    limit.acquire("ann")
    with pytest.raises(AccessDenied) as refused:
        limit.acquire("ann")
    assert (refused.value.code, refused.value.close_code) == (
        "too_many_connections",
        CLOSE_TOO_MANY_CONNECTIONS,
    )
    limit.acquire("bob")  # another customer is not affected
    limit.release("ann")
    limit.acquire("ann")


async def test_origins_are_checked_when_configured() -> None:
    policy = AccessPolicy(VERIFIER, allowed_origins=["https://shop.example/"])
    token = mint_token("a")
    shop = {"origin": "https://shop.example"}
    assert (await policy.identify(request(shop, token=token))).customer_id == "a"
    assert (await policy.identify(request(token=token))).customer_id == "a"  # no Origin: a CLI
    evil = {"origin": "https://evil.example"}
    assert await denied(policy, request(evil, token=token)) == ("forbidden_origin", 4403)


def test_allowed_origins_default_to_the_cors_setting_written_with_commas_or_spaces() -> None:
    for written in ("http://a.test, http://b.test", "http://a.test http://b.test"):
        settings = RasaSettings.from_env({"ORDERLY_CORS_ORIGINS": written})
        assert settings.cors_origins == ("http://a.test", "http://b.test")
    assert RasaSettings.from_env({}).cors_origins == ()


def test_settings_come_from_credentials_and_the_environment() -> None:
    settings = VoiceSettings.from_sources(
        {"asr_model": "base", "max_utterance_s": 20, "allowed_origins": ["https://a.test"]},
        {"ORDERLY_VOICE_ASR_MODEL": "tiny.en", "ORDERLY_VOICE_MAX_UTTERANCE_S": "7.5",
         "ORDERLY_VOICE_ALLOWED_ORIGINS": "ignored"},
    )  # fmt: skip
    assert settings.asr_model == "tiny.en" and settings.max_utterance_s == 7.5
    assert settings.allowed_origins == ["https://a.test"]
    assert settings.recogniser().model == "tiny.en"
    assert settings.endpointer().max_utterance_s == 7.5


@pytest.mark.parametrize(
    ("credentials", "named"),
    [
        ({"asr_modle": "base"}, "asr_modle"),
        ({"max_frame_bytes": 2 << 20}, "max_frame_bytes"),
        ({"trailing_silence_ms": 0}, "trailing_silence_ms"),
        # Token maps are gone: the customer comes from a signed token (channels.identity).
        ({"tokens": {"t": "u1"}}, "tokens"),
    ],
)
def test_bad_settings_fail_at_start_up_naming_the_key(
    credentials: dict[str, object], named: str
) -> None:
    with pytest.raises(RasaException, match=named):
        VoiceInput.from_credentials(credentials)
