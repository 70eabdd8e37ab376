"""A client that stops reading, over real sockets: the server holds little and moves on.

The channel is served by a real Sanic server. Reply audio comes from an instant
synthesizer (one 32 KiB frame per sentence, counted) and is not paced, so a reply
far bigger than every buffer on the way is ready at once: what matters here is what
the server does with audio the client does not take, not how it sounds. The client
that stops reading has a tiny receive buffer and lets its websocket library queue
one message, so the server's sends really block.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
from rasa.core.channels.channel import UserMessage
from websockets.client import WebSocketClientProtocol, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from channels.identity import IdentitySettings, TokenVerifier
from channels.voice import VoiceInput
from channels.voice import outbox as outbox_module
from channels.voice.settings import VoiceSettings
from clients.voice_client.connection import VoiceConnection
from contracts.voice_protocol import offered_subprotocols
from speech.synthesis import SpeechAudio
from tests.channels.serving import serve_channels
from tests.tokens import TEST_JWT_SECRET, mint_token

pytestmark = pytest.mark.asyncio(loop_scope="module")

FRAME_BYTES = 32 * 1024  # the Speaker's chunk size: one frame per sentence here
SENTENCES = 600  # about 20 MB of audio, far more than the socket buffers hold
LONG_REPLY = " ".join(f"Line {n}." for n in range(1, SENTENCES + 1))


class CountingSynthesizer:
    name = "counting"
    sample_rate = 22_050

    def __init__(self) -> None:
        self.frames = 0

    def synthesize(self, text: str) -> SpeechAudio:
        self.frames += 1
        return SpeechAudio(pcm=bytes(FRAME_BYTES), sample_rate=self.sample_rate)


async def scripted_dialogue(message: UserMessage) -> None:
    reply = LONG_REPLY if "menu" in (message.text or "") else "Added one latte."
    await message.output_channel.send_text_message(message.sender_id, reply)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served() -> AsyncIterator[tuple[str, CountingSynthesizer]]:
    channel = VoiceInput(
        VoiceSettings(lexicon_url=None, reply_lead_s=3600.0),  # no pacing: all at once
        verifier=TokenVerifier(IdentitySettings(secret=TEST_JWT_SECRET)),
    )
    synthesizer = CountingSynthesizer()

    async def instant() -> CountingSynthesizer:
        return synthesizer

    channel.engines.synthesizer = instant  # type: ignore[method-assign]
    async with serve_channels([channel], scripted_dialogue) as url:
        yield url.replace("http://", "ws://") + "/webhooks/voice/ws", synthesizer


async def open_non_reading(url: str, customer: str) -> WebSocketClientProtocol:
    """A websocket that takes what it is sent only when the test reads it."""
    address = urlsplit(url)
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, (address.hostname, address.port))
    offered = [Subprotocol(p) for p in offered_subprotocols(mint_token(customer))]
    client = await connect(url, subprotocols=offered, sock=raw, max_queue=1, read_limit=4096)
    assert json.loads(await client.recv())["type"] == "hello"
    return client


async def production_settles(synthesizer: CountingSynthesizer) -> int:
    """Wait until the server stops making audio; how many frames it made in all."""
    made = -1
    while synthesizer.frames != made:
        made = synthesizer.frames
        await asyncio.sleep(0.5)
    return made


async def read_all(client: WebSocketClientProtocol, timeout_s: float) -> list[Any]:
    """Everything still coming (JSON messages and audio frames) until the server closes."""
    received: list[Any] = []
    with pytest.raises(ConnectionClosed):
        while True:
            frame = await asyncio.wait_for(client.recv(), timeout_s)
            received.append(json.loads(frame) if isinstance(frame, str) else frame)
    return received


async def test_a_client_that_stops_reading_costs_bounded_memory_and_blocks_nobody(
    served: tuple[str, CountingSynthesizer], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, synthesizer = served
    monkeypatch.setattr(outbox_module, "STALL_TIMEOUT_S", 4.0)
    stalled = await open_non_reading(url, "stops-reading")
    start = synthesizer.frames
    await stalled.send(json.dumps({"type": "text", "text": "read the menu"}))
    made = await production_settles(synthesizer) - start
    # The server stopped making audio once the buffers on the way were full, far
    # short of the reply, instead of holding the rest for a client that reads nothing.
    assert 0 < made < SENTENCES // 2, made

    # Meanwhile another customer is answered as usual.
    other = await VoiceConnection.open(url, mint_token("keeps-reading"))
    try:
        turn = await other.type("a latte", timeout_s=10.0)
        assert turn.outcome == "answered" and turn.audio, turn.events
    finally:
        await other.close()

    # After the stall timeout the server lets the reader go and makes nothing more.
    await asyncio.sleep(5.0)
    received = await read_all(stalled, timeout_s=30.0)
    assert stalled.close_code in (1006, 1008)
    assert synthesizer.frames - start <= made + 2  # at most the sentence being made
    frames = [frame for frame in received if isinstance(frame, bytes)]
    assert len(frames) < made


async def test_audio_queued_for_an_interrupted_turn_is_never_sent(
    served: tuple[str, CountingSynthesizer],
) -> None:
    url, synthesizer = served
    client = await open_non_reading(url, "interrupts")
    start = synthesizer.frames
    await client.send(json.dumps({"type": "text", "text": "read the menu"}))
    made = await production_settles(synthesizer) - start
    await client.send(json.dumps({"type": "interrupt"}))  # sent while not reading

    received: list[Any] = []
    while not any(m.get("type") == "turn_end" for m in received if isinstance(m, dict)):
        frame = await asyncio.wait_for(client.recv(), 30.0)
        received.append(json.loads(frame) if isinstance(frame, str) else frame)
    await client.close()

    messages = [m for m in received if isinstance(m, dict)]
    assert messages[-1] == {"type": "turn_end", "turn": 1, "outcome": "cancelled"}
    sequences = [m["sequence"] for m in messages if m["type"] == "reply_audio"]
    assert sequences == list(range(len(sequences)))  # in order, each with its frame
    assert sum(isinstance(frame, bytes) for frame in received) == len(sequences)
    # Made but never sent: the sentence being made when it stopped, and the frames
    # queued in the outbox (all but the one already being sent), dropped at the
    # interrupt instead of being played after it.
    assert len(sequences) <= made - 4, (len(sequences), made)
