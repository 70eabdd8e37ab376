"""The socket.io channel over a real socket.io connection: who may talk as whom, what reaches
the dialogue, and that a PIN is never taken there.

The client is python-socketio's own (installed with Rasa), sending the events a Rasa webchat
widget sends; the dialogue is a stand-in that records what Rasa would get. A stock
``socket.io-client`` in Chromium against the whole assistant is in
tests/ecosystem/test_socketio_webchat.py.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import socketio
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import RasaException

from channels.identity import IdentitySettings, TokenVerifier
from channels.pin_policy import MASK, PinGate
from channels.pin_store import InMemoryPendingPins
from channels.socketio import SecureSocketIOInput
from contracts.location import ClientLocation
from tests.channels.serving import serve_channels
from tests.tokens import TEST_JWT_SECRET, mint_token

pytestmark = pytest.mark.asyncio(loop_scope="module")

PAGE = "http://shop.test"
REPLY_TIMEOUT_S = 10.0
ASK_FOR_PIN = {
    "text": "Please say or type your 6-digit payment PIN.",
    "custom": {
        "secure_input": {
            "purpose": "payment_pin",
            "digits": 6,
            "reply_intent": "pin_submitted",
            "submit": {"url": "http://merchant.test/accounts/alice/pin-verifications"},
        },
        "expect": "pin",
    },
}


class Dialogue:
    """Answers "pay" with a PIN request and "menu" with a card, anything else with an echo."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        reply: dict[str, Any] = {"text": f"heard {message.text}"}
        if message.text == "pay":
            reply = ASK_FOR_PIN
        elif message.text == "menu":
            reply = {
                "text": "Here's the menu.",
                "buttons": [{"title": "Latte", "payload": "a latte"}],
                "custom": {"menu": {"items": ["Latte"]}},
            }
        await message.output_channel.send_response(message.sender_id, copy.deepcopy(reply))


class Widget:
    """One browser tab of a Rasa webchat widget: a socket.io client and what it received."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient(reconnection=False)
        self.bot: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.refusals: asyncio.Queue[Any] = asyncio.Queue()
        self.client.on("bot_uttered", self.bot.put)
        self.client.on("session_confirm", self.confirmed.put)
        self.client.on("connect_error", self.refusals.put)

    async def connect(self, auth: dict[str, str] | None = None, origin: str = PAGE) -> None:
        # Long polling: the client's websocket transport needs a newer aiohttp than Rasa's.
        await self.client.connect(
            self.url, auth=auth, headers={"Origin": origin}, transports=["polling"]
        )

    async def refused(self, auth: dict[str, str], origin: str = PAGE) -> Any:
        """Connect expecting a refusal; return its ``connect_error`` payload."""
        await self.client.connect(
            self.url, auth=auth, headers={"Origin": origin}, transports=["polling"], wait=False
        )
        return await asyncio.wait_for(self.refusals.get(), REPLY_TIMEOUT_S)

    async def utter(
        self,
        text: str,
        token: str | None = None,
        session_id: str = "abc",
        **more: Any,
    ) -> None:
        custom = {"language": "en", **({"auth_header": f"Bearer {token}"} if token else {})}
        custom.update(more)
        await self.client.emit(
            "user_uttered", {"message": text, "customData": custom, "session_id": session_id}
        )

    async def reply(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.bot.get(), REPLY_TIMEOUT_S)

    async def close(self) -> None:
        # Without waiting for the open long poll to return (up to the 25 s ping interval).
        await self.client.eio.disconnect(abort=True)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served() -> AsyncIterator[tuple[str, Dialogue]]:
    channel = SecureSocketIOInput(
        allowed_origins=[PAGE],
        verifier=TokenVerifier(IdentitySettings(secret=TEST_JWT_SECRET)),
        gate=PinGate(InMemoryPendingPins(), allowed_submit_urls=[], takes_pin=False),
    )
    dialogue = Dialogue()
    async with serve_channels([channel], dialogue) as url:
        yield url, dialogue


@pytest_asyncio.fixture(loop_scope="module")
async def widget(served: tuple[str, Dialogue]) -> AsyncIterator[Widget]:
    tab = Widget(served[0])
    yield tab
    await tab.close()


async def test_the_tokens_customer_is_the_sender_never_the_session_id(
    widget: Widget, served: tuple[str, Dialogue]
) -> None:
    dialogue = served[1]
    await widget.connect()
    await widget.client.emit("session_request", {"session_id": "alice"})
    assert await asyncio.wait_for(widget.confirmed.get(), REPLY_TIMEOUT_S) == "alice"
    await widget.utter("a cola", mint_token("bob"), session_id="alice")
    assert (await widget.reply())["text"] == "heard a cola"
    [message] = dialogue.received[-1:]
    assert message.sender_id == "bob" and message.input_channel == "socketio"
    assert not message.metadata, "customData (and the token in it) must not reach the tracker"


async def test_a_location_in_custom_data_reaches_the_dialogue_and_nothing_else_does(
    widget: Widget, served: tuple[str, Dialogue]
) -> None:
    here = ClientLocation(lat=31.2301, lon=121.4662)
    await widget.connect()
    await widget.utter("nearest open store", mint_token("bob"), location=here.dict())
    await widget.reply()
    assert served[1].received[-1].metadata == here.metadata()
    await widget.utter("and now", mint_token("bob"), location={"lat": 300, "lon": 1})
    await widget.reply()
    assert not served[1].received[-1].metadata  # a location that cannot be read is none


async def test_the_auth_payload_at_connect_serves_every_message(
    widget: Widget, served: tuple[str, Dialogue]
) -> None:
    await widget.connect(auth={"token": mint_token("carol")})
    await widget.utter("a cola")
    assert (await widget.reply())["text"] == "heard a cola"
    assert served[1].received[-1].sender_id == "carol"


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (None, "token_missing"),
        (mint_token("alice", lifetime_s=-120), "token_expired"),
        (mint_token("alice", secret="a-guess-at-the-secret-0123456789abcdef"), "token_invalid"),
    ],
    ids=["no-token", "expired", "forged"],
)
async def test_a_message_without_a_valid_token_is_answered_and_reaches_nobody(
    widget: Widget, served: tuple[str, Dialogue], token: str | None, code: str
) -> None:
    before = len(served[1].received)
    await widget.connect()
    await widget.utter("a cola", token)
    refusal = await widget.reply()
    assert refusal["error"] == {"code": code} and refusal["text"]
    assert len(served[1].received) == before


async def test_a_wrong_token_at_connect_refuses_the_connection(widget: Widget) -> None:
    forged = mint_token("alice", secret="a-guess-at-the-secret-0123456789abcdef")
    assert await widget.refused({"token": forged}) == {
        "message": "The token is not valid.",
        "data": {"code": "token_invalid"},
    }


async def test_a_page_from_another_site_cannot_connect(widget: Widget) -> None:
    refusal = await widget.refused({"token": mint_token("alice")}, origin="http://evil.test")
    assert refusal["data"] == {"code": "forbidden_origin"}


async def test_a_pin_is_never_asked_for_nor_taken_here(
    widget: Widget, served: tuple[str, Dialogue]
) -> None:
    token = mint_token("dave")
    await widget.connect()
    await widget.utter("pay", token)
    asked = [await widget.reply(), await widget.reply()]  # the text, then its custom part
    assert "secure_input" not in str(asked)
    await widget.utter("my pin is 246810", token)
    await widget.reply()
    said = str(served[1].received[-1].text)
    assert "246810" not in said and (MASK in said or said == "/secret_not_expected")


async def test_buttons_and_cards_arrive_as_rasa_webchat_reads_them(widget: Widget) -> None:
    await widget.connect()
    await widget.utter("menu", mint_token("erin"))
    text, card = await widget.reply(), await widget.reply()
    assert text == {
        "text": "Here's the menu.",
        "quick_replies": [{"content_type": "text", "title": "Latte", "payload": "a latte"}],
    }
    assert card == {"custom": {"menu": {"items": ["Latte"]}}}


async def test_an_overlong_or_empty_message_is_refused(
    widget: Widget, served: tuple[str, Dialogue]
) -> None:
    before = len(served[1].received)
    await widget.connect()
    for text in ["x" * 2001, "   "]:
        await widget.utter(text, mint_token("alice"))
        assert (await widget.reply())["error"] == {"code": "bad_request"}
    assert len(served[1].received) == before


async def test_rasas_own_token_options_are_refused_with_the_reason() -> None:
    with pytest.raises(RasaException, match="channels/identity.py"):
        SecureSocketIOInput.from_credentials({"jwt_key": "secret"})
    with pytest.raises(RasaException, match="never the session_id"):
        SecureSocketIOInput.from_credentials({"session_persistence": True})
