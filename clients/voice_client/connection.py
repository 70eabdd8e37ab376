"""The client side of the voice protocol (``docs/voice-protocol.md``).

Every message about a user turn carries the turn's number; the connection files
each one under its :class:`Turn`, so the reply to an earlier utterance never gets
mixed into the current one. A turn is complete at its ``turn_end``, which the
server sends once per turn, last, however the turn ended. A background reader
stamps every message with its arrival time, so the latency from the end of the
user's speech to the first byte of reply audio is measured where it is felt (the
benchmark and the tests use it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from websockets.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException
from websockets.typing import Subprotocol

from clients.voice_client.audio import Pcm
from contracts.location import ClientLocation
from contracts.voice_protocol import CLOSE_UNAUTHORIZED, PROTOCOL_VERSION, offered_subprotocols

# After this the server has nothing more to say about a turn.
TURN_END = "turn_end"
DEFAULT_TURN_TIMEOUT_S = 60.0
FRAME_MS = 40
MAX_REPLY_FRAME_BYTES = 1 << 20

Endpointing = Literal["client", "server"]


class VoiceClientError(RuntimeError):
    """The server refused us or did not answer in time; the message says why.

    ``close_code`` is the websocket's close code when the server closed it
    (:data:`CLOSE_UNAUTHORIZED`: get a fresh token and connect again).
    """

    def __init__(self, message: str, close_code: int | None = None) -> None:
        super().__init__(message)
        self.close_code = close_code

    @property
    def unauthorized(self) -> bool:
        return self.close_code == CLOSE_UNAUTHORIZED


class TimedOut(VoiceClientError):
    """Nothing (complete) came within the time given; the connection is still open."""


@dataclass(frozen=True)
class Received:
    message: dict[str, Any]
    at: float
    audio: bytes | None = None


@dataclass
class Turn:
    """Everything the server sent about one user turn."""

    number: int
    end_reason: str | None = None
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
    # A turn the assistant started itself (``news``): a notification, no answer to the user.
    news: bool = False
    # A turn the customer took on another of their devices (``shared_turn``): what they said
    # there (empty when it was about the PIN) and where; no answer to this client's turns.
    elsewhere: dict[str, Any] | None = None
    # How the turn ended (turn_end's outcome): answered, cancelled, no_speech, error.
    outcome: str | None = None
    complete: bool = False
    end_of_speech_at: float | None = None
    transcript_at: float | None = None
    first_reply_at: float | None = None
    first_audio_at: float | None = None
    ended_at: float | None = None

    @property
    def latency_s(self) -> float | None:
        """End of the user's speech to the first byte of reply audio."""
        if self.end_of_speech_at is None or self.first_audio_at is None:
            return None
        return self.first_audio_at - self.end_of_speech_at

    @property
    def unasked(self) -> bool:
        """Not an answer to anything this client sent: news, or a turn taken elsewhere."""
        return self.news or self.elsewhere is not None

    @property
    def cancelled(self) -> bool:
        """A barge-in or ``interrupt`` cut the reply's audio short."""
        return self.outcome == "cancelled"

    @property
    def reply_pcm(self) -> Pcm | None:
        return Pcm(bytes(self.audio), self.sample_rate) if self.sample_rate else None

    @property
    def bot_texts(self) -> list[str]:
        return [str(m["text"]) for m in self.bot_messages if m.get("text")]

    def custom(self, key: str) -> dict[str, Any] | None:
        """The last ``custom[key]`` the assistant sent in this turn (cart, readback, ...)."""
        found = [m["custom"][key] for m in self.bot_messages if key in (m.get("custom") or {})]
        return dict(found[-1]) if found else None

    def add(self, received: Received) -> None:
        message = received.message
        kind = str(message.get("type"))
        self.events.append(kind)
        if kind in ("transcript", "no_speech"):
            self.end_reason = str(message.get("end_reason"))
        if kind == "transcript":
            self.transcript = str(message.get("text", ""))
            self.masked = bool(message.get("masked"))
            self.transcript_at = received.at
        elif kind == "no_speech":
            self.no_speech = True
        elif kind == "news":
            self.news = True
        elif kind == "shared_turn":
            self.elsewhere = message
        elif kind == "bot_message":
            self.bot_messages.append(dict(message.get("message") or {}))
            self.first_reply_at = self.first_reply_at or received.at
        elif kind == "reply_audio" and received.audio is not None:
            self.first_audio_at = self.first_audio_at or received.at
            self.audio_format = str(message.get("format"))
            self.sample_rate = int(message["sample_rate"])
            self.audio.extend(received.audio)
            if not self.sentences or self.sentences[-1] != message.get("text"):
                self.sentences.append(str(message.get("text")))
        elif kind == "error":
            self.errors.append(message)
        elif kind == TURN_END:
            self.outcome = str(message.get("outcome"))
            self.complete = True
            self.ended_at = received.at


class VoiceConnection:
    def __init__(self, socket: Any, hello: dict[str, Any]) -> None:
        self._socket = socket
        self.hello = hello
        self.sender_id = str(hello.get("sender_id", ""))
        self.turns: dict[int, Turn] = {}
        # Messages about no turn in particular: started, speech_started, protocol errors.
        self.events: list[Received] = []
        self._claimed: set[int] = set()
        self._inbox: asyncio.Queue[Received | None] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, server: str, token: str | None) -> VoiceConnection:
        """Connect as the customer ``token`` names, offered as a subprotocol, never in the URL."""
        offered = [Subprotocol(p) for p in offered_subprotocols(token)] if token else None
        try:
            socket = await connect(server, subprotocols=offered, max_size=MAX_REPLY_FRAME_BYTES)
        except (OSError, WebSocketException) as error:
            raise VoiceClientError(f"Cannot connect to {server}: {error}") from error
        try:
            hello = json.loads(await socket.recv())
        except ConnectionClosed as closed:
            raise VoiceClientError(f"Refused: {closed.reason}", closed.code) from closed
        if hello.get("type") != "hello":
            with contextlib.suppress(ConnectionClosed):
                await socket.recv()  # the close frame that follows a refusal
            await socket.close()
            raise VoiceClientError(
                f"Refused: {hello.get('message', hello)}",
                int(socket.close_code) if socket.close_code else None,
            )
        if hello.get("protocol") != PROTOCOL_VERSION:
            # An older server never ends its turns with turn_end: every wait would time out.
            await socket.close()
            raise VoiceClientError(
                f"The server speaks voice protocol {hello.get('protocol')}; "
                f"this client speaks {PROTOCOL_VERSION}."
            )
        return cls(socket, hello)

    async def start(self, sample_rate: int, endpointing: Endpointing = "client") -> None:
        await self.send_json(
            {"type": "start", "sample_rate": sample_rate, "endpointing": endpointing}
        )
        received = await self.pump_until(
            lambda: any(e.message.get("type") in ("started", "error") for e in self.events[-1:])
        )
        if received.message.get("type") != "started":
            raise VoiceClientError(f"start refused: {received.message.get('message')}")

    async def speak(
        self,
        pcm: Pcm,
        endpointing: Endpointing = "client",
        pace: float = 0.0,
        trailing_silence_s: float = 1.5,
        timeout_s: float = DEFAULT_TURN_TIMEOUT_S,
    ) -> Turn:
        """Send one utterance and return its turn once the server has answered it.

        ``pace`` 1.0 streams in real time, 0 as fast as possible. ``client``
        endpointing sends ``end_of_utterance`` after the audio; ``server`` streams
        ``trailing_silence_s`` of silence in real time and lets the server's voice
        activity detection end the utterance.
        """
        frame_bytes = pcm.sample_rate * FRAME_MS // 1000 * 2
        await self._stream(pcm.data, frame_bytes, pcm.sample_rate, pace)
        end_of_speech = time.monotonic()
        if endpointing == "client":
            await self.send_json({"type": "end_of_utterance"})
            wanted: tuple[str, ...] = ("client",)
        else:
            silence = bytes(int(trailing_silence_s * pcm.sample_rate) * 2)
            await self._stream(silence, frame_bytes, pcm.sample_rate, pace=1.0)
            wanted = ("silence", "max_length")
        turn = await self.next_turn(wanted, timeout_s)
        turn.end_of_speech_at = end_of_speech
        return turn

    async def locate(self, location: ClientLocation) -> None:
        """Tell the server where the customer is: every turn after it carries it."""
        await self.send_json({"type": "location", **location.dict(exclude_none=True)})

    async def type(self, text: str, timeout_s: float = DEFAULT_TURN_TIMEOUT_S) -> Turn:
        """Send a typed message; the clock starts when it leaves."""
        sent = time.monotonic()
        await self.send_json({"type": "text", "text": text})
        turn = await self.next_turn(("text",), timeout_s)
        turn.end_of_speech_at = sent
        return turn

    async def next_turn(
        self, end_reasons: tuple[str, ...] | None = None, timeout_s: float = DEFAULT_TURN_TIMEOUT_S
    ) -> Turn:
        """Wait for the oldest turn not yet returned (ended for one of ``end_reasons``)."""

        def matching() -> Turn | None:
            for number in sorted(set(self.turns) - self._claimed):
                turn = self.turns[number]
                if turn.unasked:  # news, or a turn taken elsewhere: no answer to this client
                    continue
                reason_known = turn.end_reason is not None
                if (
                    end_reasons is None
                    or turn.end_reason in end_reasons
                    or (not reason_known and turn.complete)
                ):
                    return turn
            return None

        await self.pump_until(lambda: (t := matching()) is not None and t.complete, timeout_s)
        turn = matching()
        assert turn is not None
        self._claimed.add(turn.number)
        return turn

    def take_unasked(self) -> list[Turn]:
        """The complete turns not taken yet that answer nothing this client sent, oldest
        first: news ("Your order is ready!", whenever the store acts) and the turns the
        customer took on their other devices. Both arrive between and during its own turns."""
        taken = [
            turn
            for number, turn in sorted(self.turns.items())
            if turn.unasked and turn.complete and number not in self._claimed
        ]
        self._claimed.update(turn.number for turn in taken)
        return taken

    async def next_complete(self, timeout_s: float = DEFAULT_TURN_TIMEOUT_S) -> Turn:
        """The oldest complete turn not taken yet, the user's, the assistant's own (news) or
        one taken on another device: what a client that just listens (the microphone,
        ``--stay``) shows next."""

        def oldest() -> Turn | None:
            done = [n for n, t in self.turns.items() if t.complete and n not in self._claimed]
            return self.turns[min(done)] if done else None

        await self.pump_until(lambda: oldest() is not None, timeout_s)
        turn = oldest()
        assert turn is not None
        self._claimed.add(turn.number)
        return turn

    async def pump_until(
        self, done: Callable[[], bool], timeout_s: float = DEFAULT_TURN_TIMEOUT_S
    ) -> Received:
        """File incoming messages until ``done()``; return the last one filed."""
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimedOut(f"No complete answer within {timeout_s:g} s")
            received = await self.next_message(remaining)
            self._file(received)
            if done():
                return received

    async def next_message(self, timeout_s: float = DEFAULT_TURN_TIMEOUT_S) -> Received:
        """The next message, unfiled (for tests of the raw protocol)."""
        try:
            received = await asyncio.wait_for(self._inbox.get(), timeout_s)
        except asyncio.TimeoutError:
            raise TimedOut(f"The server said nothing for {timeout_s:g} s") from None
        if received is None:
            self._inbox.put_nowait(None)  # stays closed for later readers
            code = self.close_code
            if code == CLOSE_UNAUTHORIZED:
                raise VoiceClientError("The server closed the connection: sign in again", code)
            raise VoiceClientError("The server closed the connection", code)
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

    def _file(self, received: Received) -> None:
        number = received.message.get("turn")
        if isinstance(number, int):
            self.turns.setdefault(number, Turn(number)).add(received)
        else:
            self.events.append(received)

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
