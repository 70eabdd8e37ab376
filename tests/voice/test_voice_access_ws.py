"""Who may open the voice websocket, over a real socket on a Sanic server serving the channel.

Refusals happen before any dialogue, so this server has no Rasa agent: the dialogue
callback fails the test if it is ever reached. The widget uses this same websocket,
so these are the widget's refusals too.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest
import pytest_asyncio
from rasa.core.channels.channel import UserMessage
from websockets.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from channels.identity import IdentitySettings, TokenVerifier
from channels.voice import VoiceInput
from channels.voice.settings import VoiceSettings
from contracts.voice_protocol import PROTOCOL_VERSION, SUBPROTOCOL, offered_subprotocols
from tests.channels.serving import serve_channels
from tests.tokens import TEST_JWT_SECRET, mint_token

SHOP = "https://shop.example"

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def guarded_channel() -> AsyncIterator[str]:
    channel = VoiceInput(
        VoiceSettings(allowed_origins=[SHOP]),
        verifier=TokenVerifier(IdentitySettings(secret=TEST_JWT_SECRET)),
    )

    async def no_dialogue(message: UserMessage) -> None:
        raise AssertionError(f"the dialogue was reached by {message.sender_id}")

    async with serve_channels([channel], no_dialogue) as url:
        yield url.replace("http://", "ws://") + "/webhooks/voice/ws"


def offering(token: str) -> list[Subprotocol]:
    return [Subprotocol(p) for p in offered_subprotocols(token)]


async def refusal(url: str, token: str | None = None, **headers: str) -> tuple[str, int, str]:
    """The error code, the close code and the close reason of a refused connection."""
    offered = offering(token) if token else None
    async with connect(url, subprotocols=offered, extra_headers=headers) as socket_:
        message = json.loads(await socket_.recv())
        await socket_.wait_closed()
        assert message["type"] == "error" and message["message"]
        return str(message["code"]), int(socket_.close_code or 0), str(socket_.close_reason)


async def test_no_token_is_refused_with_4401_and_a_reason(guarded_channel: str) -> None:
    code, close_code, reason = await refusal(guarded_channel)
    assert (code, close_code) == ("token_missing", 4401)
    assert reason.startswith("token_missing: ")


async def test_the_token_travels_as_a_subprotocol_and_the_server_selects_the_protocol(
    guarded_channel: str,
) -> None:
    async with connect(guarded_channel, subprotocols=offering(mint_token("bob"))) as socket_:
        hello = json.loads(await socket_.recv())
        assert socket_.subprotocol == SUBPROTOCOL  # never the token: it is not echoed back
    assert (
        hello["type"] == "hello"
        and hello["sender_id"] == "bob"
        and hello["protocol"] == PROTOCOL_VERSION
    )


async def test_a_token_in_the_url_is_refused_with_4400_even_when_it_is_valid(
    guarded_channel: str,
) -> None:
    url = f"{guarded_channel}?token={mint_token('bob')}"
    code, close_code, reason = await refusal(url)
    assert (code, close_code) == ("token_in_url", 4400)
    assert "Sec-WebSocket-Protocol" in reason


async def test_the_sender_parameter_chooses_no_customer(guarded_channel: str) -> None:
    assert (await refusal(f"{guarded_channel}?sender=alice"))[:2] == ("token_missing", 4401)
    url = f"{guarded_channel}?sender=alice"
    async with connect(url, subprotocols=offering(mint_token("bob"))) as socket_:
        hello = json.loads(await socket_.recv())
    assert hello["type"] == "hello" and hello["sender_id"] == "bob"


async def test_a_third_connection_of_one_customer_is_refused_with_4429(
    guarded_channel: str,
) -> None:
    token = mint_token("carol")
    async with AsyncExitStack() as held:
        for _ in range(2):
            socket_ = await held.enter_async_context(
                connect(guarded_channel, subprotocols=offering(token))
            )
            assert json.loads(await socket_.recv())["type"] == "hello"
        code, close_code, _reason = await refusal(guarded_channel, token)
        assert (code, close_code) == ("too_many_connections", 4429)
        # Another customer still gets in.
        async with connect(guarded_channel, subprotocols=offering(mint_token("dave"))) as other:
            assert json.loads(await other.recv())["type"] == "hello"
    # Once carol's connections are closed, she may connect again.
    for _ in range(20):
        try:
            async with connect(guarded_channel, subprotocols=offering(token)) as again:
                if json.loads(await again.recv())["type"] == "hello":
                    return
        except ConnectionClosed:
            pass
        await asyncio.sleep(0.1)  # the server notices the closes a moment later
    raise AssertionError("carol could not connect again after closing her connections")


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (mint_token("alice", lifetime_s=-120), "token_expired"),
        (mint_token("alice", aud="another-app"), "token_invalid"),
        (mint_token("alice", secret="a-guess-at-the-secret-0123456789abcdef"), "token_invalid"),
        ("tok-alice", "token_invalid"),
    ],
    ids=["expired", "wrong-audience", "forged", "not-a-jwt"],
)
async def test_bad_tokens_are_refused_with_4401(
    guarded_channel: str, token: str, code: str
) -> None:
    assert (await refusal(guarded_channel, token))[:2] == (code, 4401)


async def test_a_bearer_header_works_for_command_line_clients(guarded_channel: str) -> None:
    headers = {"Authorization": f"Bearer {mint_token('alice')}"}
    async with connect(guarded_channel, extra_headers=headers) as socket_:
        assert json.loads(await socket_.recv())["sender_id"] == "alice"


async def test_a_page_on_another_site_is_refused_even_with_a_token(guarded_channel: str) -> None:
    token = mint_token("alice")
    refused = await refusal(guarded_channel, token, Origin="https://evil.example")
    assert refused[:2] == ("forbidden_origin", 4403)
    offered = offering(token)
    async with connect(
        guarded_channel, subprotocols=offered, extra_headers={"Origin": SHOP}
    ) as socket_:
        assert json.loads(await socket_.recv())["type"] == "hello"


async def test_the_connection_ends_when_its_token_expires(guarded_channel: str) -> None:
    offered = offering(mint_token("alice", lifetime_s=2))
    async with connect(guarded_channel, subprotocols=offered) as socket_:
        assert json.loads(await socket_.recv())["type"] == "hello"
        messages = []
        with pytest.raises(ConnectionClosed):
            while True:
                messages.append(json.loads(await asyncio.wait_for(socket_.recv(), 15)))
    assert messages[-1]["code"] == "token_expired"
    assert socket_.close_code == 4401
