"""The REST transport against a real HTTP server on loopback (see conftest.py).

These replies are canned; the real Rasa stack is exercised by the end-to-end tests in tests/e2e.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator

import pytest

from clients.location import near_argument
from clients.shell.messages import BotMessage, Button
from clients.shell.transport import AssistantError, RestTransport
from clients.sign_in import Credentials, SignIn
from contracts.location import ClientLocation, location_of

PIN = "482916"


def signed_in(url: str) -> SignIn:
    return SignIn(url, Credentials("shell-ada", "ada-password"))


@pytest.fixture
def transport(canned_rasa) -> Iterator[RestTransport]:
    client = RestTransport(canned_rasa.url, signed_in(canned_rasa.url), timeout=0.5)
    yield client
    client.close()


def test_sends_sender_and_message_and_parses_the_reply(canned_rasa, transport) -> None:
    canned_rasa.answer = lambda body: canned_rasa.reply(
        {"text": f"You said {body['message']}"},
        {"text": "Size?", "buttons": [{"title": "Large", "payload": "/large"}]},
    )
    reply = transport.send("a latte please")
    assert canned_rasa.received == [{"message": "a latte please"}]
    assert canned_rasa.senders == ["shell-ada"]
    assert reply == [
        BotMessage(text="You said a latte please"),
        BotMessage(text="Size?", buttons=(Button(title="Large", payload="/large"),)),
    ]


def test_near_sends_the_location_with_every_message(canned_rasa) -> None:
    here = near_argument("31.2301,121.4662")
    client = RestTransport(canned_rasa.url, signed_in(canned_rasa.url), timeout=0.5, location=here)
    try:
        client.send("nearest open store")
        client.send("the first one")
    finally:
        client.close()
    sent = [location_of(body.get("metadata")) for body in canned_rasa.received]
    assert sent == [ClientLocation(lat=31.2301, lon=121.4662)] * 2


@pytest.mark.parametrize("typed", ["31.23", "31.23;121.47", "north,east", "95,121", "31,200"])
def test_near_refuses_what_is_not_lat_lon_and_says_the_form(typed: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="LAT,LON"):
        near_argument(typed)


def test_an_empty_reply_is_no_messages(canned_rasa, transport) -> None:
    assert transport.send("/restart") == []


def test_a_trailing_slash_on_the_server_url_is_harmless(canned_rasa) -> None:
    client = RestTransport(canned_rasa.url + "/", signed_in(canned_rasa.url), timeout=0.5)
    try:
        assert client.send("hi") == []
    finally:
        client.close()
    assert canned_rasa.received == [{"message": "hi"}]


def test_server_down_says_where_and_what_to_run(canned_rasa, closed_port_url) -> None:
    client = RestTransport(closed_port_url, signed_in(canned_rasa.url), timeout=0.5)
    with pytest.raises(AssistantError) as caught:
        client.send("hi")
    client.close()
    assert str(caught.value) == (
        f"The assistant is not reachable at {closed_port_url}; is `make serve` running?"
    )


def test_a_slow_server_times_out(canned_rasa, transport) -> None:
    def slow(_body: object) -> tuple[int, bytes]:
        time.sleep(1.5)
        return canned_rasa.reply({"text": "too late"})

    canned_rasa.answer = slow
    with pytest.raises(AssistantError, match=r"did not answer within 0\.5 s"):
        transport.send("hi")


def test_a_server_error_is_reported_without_echoing_the_message(canned_rasa, transport) -> None:
    canned_rasa.answer = lambda _body: (500, b"Internal Server Error")
    with pytest.raises(AssistantError, match=r"failed \(HTTP 500\)") as caught:
        transport.send(PIN)
    assert PIN not in str(caught.value)


def test_a_refusal_passes_on_the_servers_reason(canned_rasa, transport) -> None:
    reason = "'message' is longer than 2000 characters."
    body = {"error": {"code": "bad_request", "message": reason}}
    canned_rasa.answer = lambda _body: (400, json.dumps(body).encode())
    with pytest.raises(AssistantError) as caught:
        transport.send("x" * 2001)
    assert str(caught.value) == f"The assistant refused that message: {reason}"


def test_a_missing_rest_channel_points_at_credentials(canned_rasa) -> None:
    client = RestTransport(canned_rasa.url + "/elsewhere", signed_in(canned_rasa.url), timeout=0.5)
    with pytest.raises(AssistantError, match="credentials.yml"):
        client.send("hi")
    client.close()


@pytest.mark.parametrize(
    "body", [b"<html>proxy error</html>", b'{"error": "nope"}', b'[{"text": 42}]']
)
def test_a_reply_that_is_not_bot_messages_is_reported(canned_rasa, transport, body) -> None:
    canned_rasa.answer = lambda _body: (200, body)
    with pytest.raises(AssistantError, match="sent a reply the shell cannot read"):
        transport.send("hi")
