"""Token and origin checks over a real websocket, on a Sanic server serving the channel.

The refusals happen before any dialogue, so this server has no Rasa agent: the
dialogue callback would fail the test if it were ever reached.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from websockets.client import connect

from channels.voice import VoiceInput
from channels.voice.settings import VoiceSettings

TOKENS = {"tok-alice": "u1"}
SHOP = "https://shop.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Sanic 21.12 can start only one app per process (its "touchup" fails the second
# time), so the whole module shares one server and one event loop.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def guarded_channel() -> AsyncIterator[str]:
    channel = VoiceInput(VoiceSettings(tokens=TOKENS, allowed_origins=[SHOP]))

    async def no_dialogue(message: UserMessage) -> None:
        raise AssertionError(f"the dialogue was reached by {message.sender_id}")

    app = Sanic(f"voice_access_{uuid.uuid4().hex[:8]}")
    app.blueprint(channel.blueprint(no_dialogue), url_prefix="/webhooks/voice")
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    try:
        yield f"ws://127.0.0.1:{port}/webhooks/voice/ws"
    finally:
        await server.close()


async def refusal(url: str, **headers: str) -> tuple[str, int]:
    async with connect(url, extra_headers=headers) as socket_:
        message = json.loads(await socket_.recv())
        await socket_.wait_closed()
        assert message["type"] == "error" and message["message"]
        return str(message["code"]), int(socket_.close_code or 0)


async def test_no_token_or_a_wrong_one_is_refused(guarded_channel: str) -> None:
    assert await refusal(guarded_channel) == ("unauthorized", 1008)
    assert await refusal(f"{guarded_channel}?sender=u1") == ("unauthorized", 1008)
    assert await refusal(f"{guarded_channel}?token=tok-bob") == ("unauthorized", 1008)


async def test_a_token_decides_the_sender_whatever_the_client_claims(guarded_channel: str) -> None:
    for url, headers in [
        (f"{guarded_channel}?token=tok-alice&sender=u2", {}),
        (guarded_channel, {"Authorization": "Bearer tok-alice"}),
        (f"{guarded_channel}?token=tok-alice", {"Origin": SHOP}),
    ]:
        async with connect(url, extra_headers=headers) as socket_:
            hello = json.loads(await socket_.recv())
            assert hello["type"] == "hello" and hello["sender_id"] == "u1"


async def test_a_page_on_another_site_is_refused(guarded_channel: str) -> None:
    url = f"{guarded_channel}?token=tok-alice"
    assert await refusal(url, Origin="https://evil.example") == ("forbidden_origin", 1008)
