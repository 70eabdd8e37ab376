"""The connection's one writer, on its own: order, bounded memory, barge-in, a client gone.

The socket here is a stand-in whose sends finish only while the "client" reads, so a
client that stops reading is exact and instant. The same behaviour over real
websockets is in ``test_voice_backpressure_ws.py``.
"""

from __future__ import annotations

import ast
import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from channels.voice import outbox as outbox_module
from channels.voice.outbox import QUEUE_LIMIT_BYTES, Outbox
from contracts.voice_protocol import BotMessage, ErrorMessage, ReplyAudio, TurnEnd

CHUNK = 32 * 1024
VOICE_PACKAGE = Path(__file__).resolve().parents[2] / "channels" / "voice"


class ClientSocket:
    """Sends complete only while ``reading`` is set; ``broken`` makes them fail."""

    def __init__(self) -> None:
        self.frames: list[str | bytes] = []
        self.reading = asyncio.Event()
        self.reading.set()
        self.broken = False
        self.closed_with: tuple[int, str] | None = None

    async def send(self, data: str | bytes) -> None:
        await self.reading.wait()
        if self.broken:
            raise ConnectionResetError("the client went away")
        self.frames.append(data)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed_with = (code, reason)

    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(frame) for frame in self.frames if isinstance(frame, str)]


def audio(turn: int, sequence: int, size: int = CHUNK) -> tuple[ReplyAudio, bytes]:
    announcement = ReplyAudio(
        turn=turn,
        sequence=sequence,
        text="Hello.",
        format="pcm_s16le",
        sample_rate=22050,
        channels=1,
        bytes=size,
    )
    return announcement, bytes([sequence % 256]) * size


async def settle() -> None:
    """Let every task run until all of them wait on something outside the loop."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_stages_putting_at_once_never_split_an_announcement_from_its_audio() -> None:
    socket = ClientSocket()

    async def speak(turn: int) -> None:
        for sequence in range(10):
            await outbox.put(*audio(turn, sequence, size=1000 + sequence))

    async def chat(turn: int) -> None:
        for _ in range(10):
            await outbox.put(BotMessage(turn=turn, message={"text": "Hi."}))
            await asyncio.sleep(0)

    async with Outbox(socket) as outbox:
        await asyncio.gather(speak(1), chat(2), speak(3))
    frames = socket.frames
    for index, frame in enumerate(frames):
        if isinstance(frame, bytes):
            announced = json.loads(str(frames[index - 1]))
            assert announced["type"] == "reply_audio" and announced["bytes"] == len(frame)
        elif json.loads(frame)["type"] == "reply_audio":
            assert isinstance(frames[index + 1], bytes)
    sequences = [m["sequence"] for m in socket.messages() if m.get("turn") == 3]
    assert sequences == list(range(10))  # one stage's messages keep their order


async def test_a_client_that_reads_nothing_holds_the_server_to_the_limit() -> None:
    socket = ClientSocket()
    socket.reading.clear()
    async with Outbox(socket) as outbox:
        producing = asyncio.create_task(put_audio(outbox, turn=1, count=100))
        await settle()
        assert not producing.done(), "the speaker must wait for room, not queue everything"
        assert outbox.held_bytes <= QUEUE_LIMIT_BYTES
        socket.reading.set()  # the client reads again: everything arrives, in order
        assert await producing == 100
    assert [m["sequence"] for m in socket.messages()] == list(range(100))


async def test_a_client_that_reads_nothing_for_too_long_is_let_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(outbox_module, "STALL_TIMEOUT_S", 0.3)
    socket = ClientSocket()
    socket.reading.clear()
    async with Outbox(socket) as outbox:
        producing = asyncio.create_task(put_audio(outbox, turn=1, count=100))
        delivered = await asyncio.wait_for(producing, 5.0)
        # The waiting speaker is released; what it puts afterwards is dropped at once.
        assert delivered < 100 and outbox.closed and outbox.held_bytes == 0
        assert await outbox.put(TurnEnd(turn=1, outcome="answered")) is False


async def put_audio(outbox: Outbox, turn: int, count: int) -> int:
    """Put ``count`` audio frames as the Speaker does; how many were accepted."""
    for sequence in range(count):
        if not await outbox.put(*audio(turn, sequence)):
            return sequence
    return count


async def test_queued_reply_audio_is_never_sent_once_dropped() -> None:
    socket = ClientSocket()
    socket.reading.clear()
    async with Outbox(socket) as outbox:
        for sequence in range(5):
            await outbox.put(*audio(1, sequence))
        await outbox.put(BotMessage(turn=2, message={"text": "Next."}))
        await settle()  # the writer holds frame 0 of turn 1, blocked in send
        assert outbox.drop_audio() == 4
        await outbox.put(TurnEnd(turn=1, outcome="cancelled"))
        socket.reading.set()
    kinds = [(m["type"], m["turn"]) for m in socket.messages()]
    # Frame 0 was on its way and goes out whole; 1-4 are gone; the rest is untouched.
    assert kinds == [("reply_audio", 1), ("bot_message", 2), ("turn_end", 1)]
    assert sum(isinstance(frame, bytes) for frame in socket.frames) == 1


async def test_once_the_client_is_gone_putting_does_nothing() -> None:
    socket = ClientSocket()
    socket.broken = True
    async with Outbox(socket) as outbox:
        await outbox.put(ErrorMessage("x", "First."))
        await settle()
        assert outbox.closed
        assert await outbox.put(*audio(1, 0)) is False


async def test_finishing_sends_what_is_queued_closes_and_leaves_no_task_behind() -> None:
    socket = ClientSocket()
    before = asyncio.all_tasks()
    outbox = Outbox(socket)
    outbox.start()
    await outbox.put(ErrorMessage("token_missing", "Sign in."))
    await outbox.finish(close_code=4401, reason="token_missing: Sign in.")
    assert [m["code"] for m in socket.messages()] == ["token_missing"]
    assert socket.closed_with == (4401, "token_missing: Sign in.")
    assert asyncio.all_tasks() == before
    assert await outbox.put(ErrorMessage("late", "Too late.")) is False


def test_only_the_outbox_writes_to_the_socket() -> None:
    """No stage sends or serialises by itself: one writer per socket, by construction."""
    for module in sorted(VOICE_PACKAGE.glob("*.py")):
        if module.name in ("outbox.py", "protocol.py"):
            continue
        tree = ast.parse(module.read_text(), filename=str(module))
        # Any .send, and a socket's close (the engines have a close of their own); the
        # session still reads the socket (recv), which is no writing.
        sends = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and (
                node.attr == "send"
                or ("socket" in ast.unparse(node.value).lower() and node.attr != "recv")
            )
        ]
        serialises = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, (ast.Name, ast.alias))
            and getattr(node, "id", getattr(node, "name", "")) == "serialise"
        ]
        assert not sends and not serialises, f"{module.name} lines {sends + serialises}"
