"""The PIN guard: what counts as a PIN, what the client sees, what Rasa receives."""

from __future__ import annotations

import json
import socket

import pytest

from channels.secure_input import SECRET_NOT_EXPECTED, SecureInputGuard, secret_digits


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("246810", "246810"),
        ("2 4 6 8 1 0", "246810"),
        ("246 810.", "246810"),
        ("two four six eight one zero", "246810"),
        ("Two, four, six, eight, one, oh.", "246810"),
        ("my pin is 246810", "246810"),
        ("double four one two three six", "441236"),
        ("to for six ate won zero", "246810"),
        ("1234", "1234"),
    ],
)
def test_typed_and_spoken_pins_are_recognised(text: str, digits: str) -> None:
    assert secret_digits(text) == digits


@pytest.mark.parametrize(
    "text",
    [
        "cancel",
        "no",
        "two lattes",
        "I want to cancel",
        "123",
        "1234567890",
        "",
        "three hash browns",
    ],
)
def test_other_messages_are_not_pins(text: str) -> None:
    assert secret_digits(text) is None


def pin_request(url: str = "http://127.0.0.1:9/verify") -> dict[str, object]:
    return {
        "recipient_id": "u1",
        "text": "Please say or type your 6-digit payment PIN.",
        "custom": {
            "secure_input": {
                "purpose": "payment_pin",
                "digits": 6,
                "reply_intent": "pin_submitted",
                "submit": {"url": url, "fields": {"order_id": "1001"}},
            }
        },
    }


def test_the_client_never_sees_where_the_secret_goes() -> None:
    guard = SecureInputGuard()
    screened = guard.screen_outgoing("u1", [pin_request()])
    assert screened[0]["custom"] == {"secure_input": {"purpose": "payment_pin", "digits": 6}}
    assert guard.is_expecting_secret("u1")
    assert not guard.is_expecting_secret("someone-else")


def test_a_reply_without_a_request_clears_the_pending_one() -> None:
    guard = SecureInputGuard()
    guard.screen_outgoing("u1", [pin_request()])
    guard.screen_outgoing("u1", [{"recipient_id": "u1", "text": "OK."}])
    assert not guard.is_expecting_secret("u1")


async def test_a_pin_nobody_asked_for_never_reaches_the_dialogue() -> None:
    guard = SecureInputGuard()
    assert await guard.submit_secret("u1", "2 4 6 8 1 0") == SECRET_NOT_EXPECTED
    assert await guard.submit_secret("u1", "a large latte") == "a large latte"


@pytest.mark.parametrize("text", ["my pin is 246810 please", "My pen is 246810.", "uh 2468 10 ok"])
def test_an_expected_pin_is_found_inside_a_sentence(text: str) -> None:
    assert secret_digits(text, expected=True) == "246810"
    assert secret_digits(text) is None


async def test_changing_the_subject_passes_the_text_through() -> None:
    guard = SecureInputGuard()
    guard.screen_outgoing("u1", [pin_request()])
    assert await guard.submit_secret("u1", "actually cancel my order") == "actually cancel my order"
    assert await guard.submit_secret("u1", "I want to cancel") == "I want to cancel"


async def test_an_unreachable_merchant_gives_an_outcome_not_an_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    guard = SecureInputGuard()
    guard.screen_outgoing("u1", [pin_request(f"http://127.0.0.1:{port}/verify")])
    replacement = await guard.submit_secret("u1", "246810")
    assert replacement.startswith("/pin_submitted")
    assert json.loads(replacement.removeprefix("/pin_submitted")) == {
        "secure_outcome": "unavailable"
    }
    assert "246810" not in replacement
    assert not guard.is_expecting_secret("u1")
