"""The client side of the voice protocol: one connection, one turn at a time.

A background reader stamps every message with its arrival time, so the latency
from the end of the user's speech to the first byte of reply audio is measured
where it is felt (used by the benchmark and the end-to-end tests).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from websockets.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from clients.voice_client.audio import Pcm

# After these messages the server has nothing more to say about the turn.
TURN_ENDINGS = ("reply_end", "no_speech")
TURN_ENDING_ERRORS = ("recognition_failed",)
DEFAULT_TURN_TIMEOUT_S = 60.0
FRAME_MS = 40
MAX_REPLY_FRAME_BYTES = 1 << 20

Endpointing = Literal["client", "server"]


class VoiceClientError(RuntimeError):
    """The server refused us or did not answer in time; the message says why."""


@dataclass
class Turn:
    """Everything the server sent about one user turn."""

    transcript: str | None = None
    masked: bool = False
    bot_messages: list[dict[str, Any]] = field(default_factory=list)
    audio: bytearray = field(default_factory=bytearray)
    audio_format: str | None = None
    sample_rate: int | None = None
    sentences: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    no_speech: bool = False
    cancelled: bool = False
    end_of_speech_at: float | None = None
    first_audio_at: float | None = None
    replied_at: float | None = None

    @property
    def latency_s(self) -> float | None:
        """End of the user's speech to the first byte of reply audio."""
        if self.end_of_speech_at is None or self.first_audio_at is None:
            return None
        return self.first_audio_at - self.end_of_speech_at

    @property
    def reply_pcm(self) -> Pcm | None:
        return Pcm(bytes(self.audio), self.sample_rate) if self.sample_rate else None

    @property
    def bot_texts(self) -> list[str]:
        return [str(m["text"]) for m in self.bot_messages if m.get("text")]


@dataclass(frozen=True)
class Received:
    message: dict[str, Any]
    at: float
    audio: bytes | None = None


class VoiceConnection:
    def __init__(self, socket: Any, hello: dict[str, Any]) -> None:
        self._socket = socket
        self.hello = hello
        self.sender_id = str(hello.get("sender_id", ""))
        self._inbox: asyncio.Queue[Received | None] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(
        cls, server: str, sender: str | None = None, token: str | None = None
    ) -> VoiceConnection:
        query = {k: v for k, v in (("sender", sender), ("token", token)) if v}
        url = f"{server}?{urlencode(query)}" if query else server
        try:
            socket = await connect(url, max_size=MAX_REPLY_FRAME_BYTES)
        except (OSError, WebSocketException) as error:
            raise VoiceClientError(f"Cannot connect to {server}: {error}") from error
        hello = json.loads(await socket.recv())
        if hello.get("type") != "hello":
            await socket.close()
            raise VoiceClientError(f"Refused: {hello.get('message', hello)}")
        return cls(socket, hello)

    async def start(self, sample_rate: int, endpointing: Endpointing = "client") -> None:
        await self.send_json(
            {"type": "start", "sample_rate": sample_rate, "endpointing": endpointing}
        )
        reply = await self.next_message()
        if reply.message.get("type") != "started":
            raise VoiceClientError(f"start refused: {reply.message.get('message', reply.message)}")

    async def speak(
        self,
        pcm: Pcm,
        endpointing: Endpointing = "client",
        pace: float = 0.0,
        trailing_silence_s: float = 1.5,
        timeout_s: float = DEFAULT_TURN_TIMEOUT_S,
    ) -> Turn:
        """Send one utterance; ``pace`` 1.0 streams in real time, 0 as fast as possible.

        ``client`` endpointing sends ``end_of_utterance`` after the audio; ``server``
        streams ``trailing_silence_s`` of silence in real time and lets the server's
        voice activity detection end the utterance.
        """
        frame_bytes = pcm.sample_rate * FRAME_MS // 1000 * 2
        turn = Turn()
        await self._stream(pcm.data, frame_bytes, pcm.sample_rate, pace)
        if endpointing == "client":
            await self.send_json({"type": "end_of_utterance"})
            turn.end_of_speech_at = time.monotonic()
        else:
            turn.end_of_speech_at = time.monotonic()
            silence = bytes(int(trailing_silence_s * pcm.sample_rate) * 2)
            await self._stream(silence, frame_bytes, pcm.sample_rate, pace=1.0)
        return await self.collect(turn, timeout_s)

    async def type(self, text: str, timeout_s: float = DEFAULT_TURN_TIMEOUT_S) -> Turn:
        """Send a typed message; the clock starts when it leaves."""
        await self.send_json({"type": "text", "text": text})
        return await self.collect(Turn(end_of_speech_at=time.monotonic()), timeout_s)

    async def collect(self, turn: Turn, timeout_s: float = DEFAULT_TURN_TIMEOUT_S) -> Turn:
        """Read messages into ``turn`` until the server has finished answering it."""
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise VoiceClientError(f"No complete answer within {timeout_s:g} s: {turn.events}")
            received = await self.next_message(remaining)
            if _record(turn, received):
                return turn

    async def next_message(self, timeout_s: float = DEFAULT_TURN_TIMEOUT_S) -> Received:
        try:
            received = await asyncio.wait_for(self._inbox.get(), timeout_s)
        except asyncio.TimeoutError:
            raise VoiceClientError(f"The server said nothing for {timeout_s:g} s") from None
        if received is None:
            self._inbox.put_nowait(None)  # stays closed for later readers
            raise VoiceClientError("The server closed the connection")
        return received

    async def send_json(self, message: dict[str, Any]) -> None:
        await self.send_raw(json.dumps(message))

    async def send_raw(self, data: str | bytes) -> None:
        await self._socket.send(data)

    async def close(self) -> None:
        await self._socket.close()
        self._reader.cancel()

    @property
    def close_code(self) -> int | None:
        code = self._socket.close_code
        return int(code) if code is not None else None

    async def _stream(self, data: bytes, frame_bytes: int, rate: int, pace: float) -> None:
        started = time.monotonic()
        for offset in range(0, len(data), frame_bytes):
            if pace > 0:
                due = started + offset / 2 / rate / pace
                await asyncio.sleep(max(0.0, due - time.monotonic()))
            await self._socket.send(data[offset : offset + frame_bytes])

    async def _read(self) -> None:
        try:
            while True:
                frame = await self._socket.recv()
                at = time.monotonic()
                message = json.loads(frame) if isinstance(frame, str) else {"type": "binary"}
                audio = None
                if message.get("type") == "reply_audio":
                    audio = await self._socket.recv()
                self._inbox.put_nowait(Received(message, at, audio))
        except ConnectionClosed:
            pass
        finally:
            self._inbox.put_nowait(None)


def _record(turn: Turn, received: Received) -> bool:
    """Add one message to ``turn``; True when it ends the turn."""
    message = received.message
    kind = str(message.get("type"))
    turn.events.append(kind)
    if kind == "transcript":
        turn.transcript = str(message.get("text", ""))
        turn.masked = bool(message.get("masked"))
    elif kind == "bot_message":
        turn.bot_messages.append(dict(message.get("message") or {}))
        turn.replied_at = turn.replied_at or received.at
    elif kind == "reply_audio" and received.audio is not None:
        turn.first_audio_at = turn.first_audio_at or received.at
        turn.audio_format = str(message.get("format"))
        turn.sample_rate = int(message["sample_rate"])
        turn.audio.extend(received.audio)
        if not turn.sentences or turn.sentences[-1] != message.get("text"):
            turn.sentences.append(str(message.get("text")))
    elif kind == "error":
        turn.errors.append(message)
        return message.get("code") in TURN_ENDING_ERRORS
    elif kind == "no_speech":
        turn.no_speech = True
    if kind == "reply_end":
        turn.cancelled = bool(message.get("cancelled"))
    return kind in TURN_ENDINGS
