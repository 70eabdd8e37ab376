"""The voice websocket protocol: typed messages, one parser, one serialiser, one error.

Text frames carry JSON objects with a ``type``; binary frames carry mono 16-bit
little-endian PCM (client to server: microphone audio at the declared rate; server
to client: reply audio, each frame announced by a ``reply_audio`` message). The full
description with an example exchange is ``docs/voice-protocol.md``.

Anything a client sends that is not valid raises :class:`ProtocolError`; its
``code`` and ``message`` go back to the client as one ``error`` message and the
connection carries on.

The customer token travels in the ``Sec-WebSocket-Protocol`` header, offered as a
second subprotocol next to :data:`SUBPROTOCOL` (:func:`offered_subprotocols`), never
in the URL, where proxies and access logs keep it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Literal

from contracts.location import ClientLocation

# 2: every turn ends with ``turn_end`` (which replaced ``reply_end``).
# 3: the token moved from the URL to the Sec-WebSocket-Protocol header.
# 4: the assistant starts turns of its own (``news``): notifications of the customer's orders.
# 5: turns the customer took on their other devices (``shared_turn``).
PROTOCOL_VERSION = 5
SUBPROTOCOL = "orderly.voice.v5"
TOKEN_SUBPROTOCOL_PREFIX = "orderly.token."

# Close codes of a refused or ended connection: private-use (RFC 6455 4000-4999),
# after the HTTP statuses they mean.
CLOSE_TOKEN_IN_URL = 4400  # the token came in the URL: move it to the header
CLOSE_UNAUTHORIZED = 4401  # no token, a bad or an expired one: sign in again
CLOSE_FORBIDDEN_ORIGIN = 4403  # a page from a site that may not connect
CLOSE_TOO_MANY_CONNECTIONS = 4429  # the customer has as many connections as allowed
SUPPORTED_SAMPLE_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
# Binary frames that start like a container file are a client bug worth naming.
_CONTAINER_MAGIC = {
    b"RIFF": "a WAV file",
    b"OggS": "an Ogg file",
    b"fLaC": "a FLAC file",
    b"ID3": "an MP3 file",
    b"\x1aE\xdf\xa3": "a WebM/Matroska file",
}


class ProtocolError(ValueError):
    """A client message this server cannot take. ``code`` is stable, ``message`` readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def offered_subprotocols(token: str) -> list[str]:
    """What a client offers in ``Sec-WebSocket-Protocol``; the server selects the first.

    A JWT is base64url parts joined by dots, all characters a subprotocol may hold.
    """
    return [SUBPROTOCOL, f"{TOKEN_SUBPROTOCOL_PREFIX}{token}"]


def token_from_subprotocols(header: str | None) -> str | None:
    """The token a client offered in its ``Sec-WebSocket-Protocol`` header, if any."""
    for offered in (header or "").split(","):
        offered = offered.strip()
        if offered.startswith(TOKEN_SUBPROTOCOL_PREFIX):
            return offered[len(TOKEN_SUBPROTOCOL_PREFIX) :] or None
    return None


# --- client to server -------------------------------------------------------------


ENDPOINTING_MODES = ("server", "client")


@dataclass(frozen=True)
class Start:
    """Declares the audio that follows (may be sent again).

    ``endpointing``: ``server`` ends an utterance after trailing silence (an
    ``end_of_utterance`` may still end it sooner); ``client`` waits for
    ``end_of_utterance`` (push-to-talk, files).
    """

    type: ClassVar[str] = "start"
    sample_rate: int
    endpointing: str = "server"


@dataclass(frozen=True)
class EndOfUtterance:
    """The client's end of speech (push-to-talk released, file finished)."""

    type: ClassVar[str] = "end_of_utterance"


@dataclass(frozen=True)
class Text:
    """A typed message, handled exactly like a recognised one."""

    type: ClassVar[str] = "text"
    text: str


@dataclass(frozen=True)
class Interrupt:
    """Stop the reply audio now (a client-side barge-in, e.g. a stop button)."""

    type: ClassVar[str] = "interrupt"


@dataclass(frozen=True)
class Location:
    """Where the customer is now (the widget's "use my location", the voice client's
    ``--near``): every message after it, spoken or typed, carries it to the dialogue as
    ``metadata["location"]`` (contracts/location.py), until another one replaces it."""

    type: ClassVar[str] = "location"
    location: ClientLocation


@dataclass(frozen=True)
class SharedTurns:
    """How this connection takes the turns the customer takes on their other devices
    (``shared_turn``): ``spoken`` (the default, a speaker says "Paid" when the screen paid)
    or only shown (``false``: a screen beside the speaker, as the widget is, which would
    otherwise be sent audio it never plays, paced in real time ahead of its next turn)."""

    type: ClassVar[str] = "shared_turns"
    spoken: bool


ClientMessage = Start | EndOfUtterance | Text | Interrupt | Location | SharedTurns
_CLIENT_TYPES: dict[str, type[Any]] = {
    cls.type: cls for cls in (Start, EndOfUtterance, Text, Interrupt, Location, SharedTurns)
}


def parse_client_message(raw: str, max_text_chars: int) -> ClientMessage:
    """Parse one text frame from a client; raise :class:`ProtocolError` if it is not valid."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise ProtocolError(
            "invalid_json",
            'Text frames must be JSON objects such as {"type": "start", '
            '"sample_rate": 16000}; audio goes in binary frames.',
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ProtocolError("invalid_message", 'A message must be a JSON object with a "type".')
    kind = data["type"]
    if kind not in _CLIENT_TYPES:
        known = ", ".join(sorted(_CLIENT_TYPES))
        raise ProtocolError(
            "unknown_message_type", f"Unknown message type {kind!r}; use one of {known}."
        )
    if kind == Start.type:
        rate = data.get("sample_rate")
        if isinstance(rate, bool) or not isinstance(rate, int):
            raise ProtocolError("invalid_message", "start needs an integer 'sample_rate' in Hz.")
        if rate not in SUPPORTED_SAMPLE_RATES:
            rates = ", ".join(str(r) for r in SUPPORTED_SAMPLE_RATES)
            raise ProtocolError(
                "unsupported_sample_rate",
                f"Sample rate {rate} Hz is not supported; use one of {rates}.",
            )
        endpointing = data.get("endpointing", "server")
        if endpointing not in ENDPOINTING_MODES:
            raise ProtocolError("invalid_message", '\'endpointing\' must be "server" or "client".')
        return Start(sample_rate=rate, endpointing=endpointing)
    if kind == Text.type:
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ProtocolError("invalid_message", "text needs a non-empty string 'text'.")
        if len(text) > max_text_chars:
            raise ProtocolError(
                "text_too_long", f"'text' is longer than {max_text_chars} characters."
            )
        return Text(text=text.strip())
    if kind == Location.type:
        try:
            return Location(
                ClientLocation.parse_obj({k: v for k, v in data.items() if k != "type"})
            )
        except (ValueError, TypeError):
            raise ProtocolError(
                "invalid_location",
                "location needs 'lat' (-90 to 90) and 'lon' (-180 to 180) in degrees, and "
                "optionally 'accuracy_m'.",
            ) from None
    if kind == SharedTurns.type:
        spoken = data.get("spoken")
        if not isinstance(spoken, bool):
            raise ProtocolError("invalid_message", "shared_turns needs a boolean 'spoken'.")
        return SharedTurns(spoken=spoken)
    return _CLIENT_TYPES[kind]()


def check_audio_frame(frame: bytes, max_frame_bytes: int) -> None:
    """Raise :class:`ProtocolError` unless ``frame`` can be mono PCM16 audio."""
    if len(frame) > max_frame_bytes:
        raise ProtocolError(
            "frame_too_large",
            f"Audio frames may hold at most {max_frame_bytes} bytes; got {len(frame)}. "
            "Send audio in chunks of 20 to 200 ms.",
        )
    for magic, what in _CONTAINER_MAGIC.items():
        if frame.startswith(magic):
            raise ProtocolError(
                "not_pcm", f"This binary frame looks like {what}; send raw 16-bit mono PCM samples."
            )
    if len(frame) % 2:
        raise ProtocolError(
            "odd_length_pcm",
            f"Audio frames hold 16-bit samples, so an even number of bytes; got {len(frame)}.",
        )


# --- server to client -------------------------------------------------------------


@dataclass(frozen=True)
class Hello:
    type: ClassVar[str] = "hello"
    sender_id: str
    protocol: int = PROTOCOL_VERSION
    sample_rates: tuple[int, ...] = SUPPORTED_SAMPLE_RATES
    max_frame_bytes: int = 0
    max_utterance_s: float = 0.0
    reply_audio: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Started:
    type: ClassVar[str] = "started"
    sample_rate: int
    endpointing: str


@dataclass(frozen=True)
class SpeechStartedMessage:
    type: ClassVar[str] = "speech_started"


# Every user turn (an utterance or a typed text) gets the next ``turn`` number, and
# every message about it carries that number, so a client can tell the reply to an
# earlier utterance from the reply to the current one. Every turn ends with exactly
# one ``turn_end``, the last message about it.


@dataclass(frozen=True)
class TranscriptMessage:
    """What was heard (or typed). ``masked`` means a secret (the PIN), never echoed.

    ``end_reason``: ``silence`` (server endpointing), ``client`` (end_of_utterance),
    ``max_length`` (cut at the limit) or ``text`` (a typed message).
    """

    type: ClassVar[str] = "transcript"
    turn: int
    text: str
    end_reason: str
    masked: bool = False
    final: bool = True


@dataclass(frozen=True)
class NoSpeech:
    """The turn held no words (its ``turn_end`` follows)."""

    type: ClassVar[str] = "no_speech"
    turn: int
    end_reason: str


@dataclass(frozen=True)
class NewsMessage:
    """The assistant starts turn ``turn`` itself, unasked: the store changed one of the
    customer's orders ("Your order is ready!", ``custom.notification``). Its
    ``bot_message``s, ``reply_audio`` and ``turn_end`` follow as for any turn; a client
    keeps it apart from the answers to its own turns. Numbered in the same sequence as the
    user's turns, so it never lands in the middle of one."""

    type: ClassVar[str] = "news"
    turn: int


@dataclass(frozen=True)
class SharedTurnMessage:
    """Turn ``turn`` is one the customer took on another of their devices (the voice
    client, the widget, the shell: ``channel``), shown here so the screen follows the
    voice; its ``bot_message``s (the assistant's answer there), ``reply_audio`` and
    ``turn_end`` follow as for any turn. ``said`` is what the customer said as that device
    showed it, empty and ``masked`` when it was about the PIN. The PIN is asked for on the
    device that is paying: ``pin_asked_there`` says it was, and the request itself never
    comes here. Numbered in the same sequence as this connection's own turns."""

    type: ClassVar[str] = "shared_turn"
    turn: int
    channel: str
    said: str
    masked: bool = False
    pin_asked_there: bool = False


@dataclass(frozen=True)
class BotMessage:
    """One reply exactly as Rasa's CollectingOutputChannel holds it (text, buttons, custom)."""

    type: ClassVar[str] = "bot_message"
    turn: int
    message: dict[str, Any]


@dataclass(frozen=True)
class ReplyAudio:
    """Announces the binary frame that follows: ``bytes`` of audio speaking ``text``."""

    type: ClassVar[str] = "reply_audio"
    turn: int
    sequence: int
    text: str
    format: str
    sample_rate: int
    channels: int
    bytes: int


TurnOutcome = Literal["answered", "cancelled", "no_speech", "error"]


@dataclass(frozen=True)
class TurnEnd:
    """Nothing more will come about ``turn``: sent once per turn, however it ended.

    ``outcome``: ``answered`` (after its reply audio, or its bot messages if there
    is no audio), ``cancelled`` (a barge-in or ``interrupt`` cut its audio short),
    ``no_speech`` (after ``no_speech``) or ``error`` (after the ``error`` naming it).
    """

    type: ClassVar[str] = "turn_end"
    turn: int
    outcome: TurnOutcome


@dataclass(frozen=True)
class ErrorMessage:
    """``turn`` is set when the error is about that turn; its ``turn_end`` follows."""

    type: ClassVar[str] = "error"
    code: str
    message: str
    turn: int | None = None


ServerMessage = (
    Hello
    | Started
    | SpeechStartedMessage
    | TranscriptMessage
    | NoSpeech
    | NewsMessage
    | SharedTurnMessage
    | BotMessage
    | ReplyAudio
    | TurnEnd
    | ErrorMessage
)


def serialise(message: ServerMessage) -> str:
    """The JSON text frame for ``message``; ``type`` comes first for easy reading."""
    return json.dumps({"type": message.type, **asdict(message)}, ensure_ascii=False)
