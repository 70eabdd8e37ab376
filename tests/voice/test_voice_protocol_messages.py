"""The protocol's one parser and one serialiser, message by message (no server needed)."""

from __future__ import annotations

import json

import pytest

from contracts.location import ClientLocation
from contracts.voice_protocol import (
    SUPPORTED_SAMPLE_RATES,
    BotMessage,
    EndOfUtterance,
    ErrorMessage,
    Interrupt,
    Location,
    ProtocolError,
    ReplyAudio,
    SharedTurns,
    Start,
    Text,
    TranscriptMessage,
    check_audio_frame,
    parse_client_message,
    serialise,
)

MAX_TEXT = 50
MAX_FRAME = 1024


def parse(data: object) -> object:
    return parse_client_message(json.dumps(data), MAX_TEXT)


def error_code(call: object) -> str:
    with pytest.raises(ProtocolError) as raised:
        call()  # type: ignore[operator]
    assert raised.value.message  # every error carries a sentence for the user
    return raised.value.code


def test_every_client_message_type_parses() -> None:
    assert parse({"type": "start", "sample_rate": 48000}) == Start(48000, "server")
    assert parse({"type": "start", "sample_rate": 16000, "endpointing": "client"}) == Start(
        16000, "client"
    )
    assert parse({"type": "end_of_utterance"}) == EndOfUtterance()
    assert parse({"type": "text", "text": "  two lattes "}) == Text("two lattes")
    assert parse({"type": "interrupt"}) == Interrupt()
    assert parse({"type": "location", "lat": 31.23, "lon": 121.47}) == Location(
        ClientLocation(lat=31.23, lon=121.47)
    )
    assert parse({"type": "location", "lat": -33.9, "lon": 18.4, "accuracy_m": 12.5}) == (
        Location(ClientLocation(lat=-33.9, lon=18.4, accuracy_m=12.5))
    )
    assert parse({"type": "shared_turns", "spoken": False}) == SharedTurns(spoken=False)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "invalid_json"),
        ("\x00\xff garbage", "invalid_json"),
        ("[1, 2]", "invalid_message"),
        ('{"sample_rate": 16000}', "invalid_message"),
        ('{"type": 7}', "invalid_message"),
        ('{"type": "dance"}', "unknown_message_type"),
        ('{"type": "start"}', "invalid_message"),
        ('{"type": "start", "sample_rate": "16000"}', "invalid_message"),
        ('{"type": "start", "sample_rate": true}', "invalid_message"),
        ('{"type": "start", "sample_rate": 16000.5}', "invalid_message"),
        ('{"type": "start", "sample_rate": 12345}', "unsupported_sample_rate"),
        ('{"type": "start", "sample_rate": 0}', "unsupported_sample_rate"),
        ('{"type": "start", "sample_rate": 16000, "endpointing": "magic"}', "invalid_message"),
        ('{"type": "text"}', "invalid_message"),
        ('{"type": "text", "text": "   "}', "invalid_message"),
        ('{"type": "text", "text": ["a"]}', "invalid_message"),
        (json.dumps({"type": "text", "text": "x" * (MAX_TEXT + 1)}), "text_too_long"),
        ('{"type": "location"}', "invalid_location"),
        ('{"type": "location", "lat": 91, "lon": 0}', "invalid_location"),
        ('{"type": "location", "lat": 31, "lon": -180.5}', "invalid_location"),
        ('{"type": "location", "lat": "31", "lon": [1]}', "invalid_location"),
        ('{"type": "location", "lat": 31, "lon": 121, "altitude": 5}', "invalid_location"),
        ('{"type": "shared_turns"}', "invalid_message"),
        ('{"type": "shared_turns", "spoken": "no"}', "invalid_message"),
        ('{"type": "shared_turns", "spoken": 0}', "invalid_message"),
    ],
)
def test_bad_client_messages_get_one_specific_error(raw: str, code: str) -> None:
    assert error_code(lambda: parse_client_message(raw, MAX_TEXT)) == code


def test_unknown_type_error_names_the_known_ones() -> None:
    with pytest.raises(ProtocolError) as raised:
        parse({"type": "dance"})
    for known in ("start", "end_of_utterance", "text", "interrupt"):
        assert known in raised.value.message


def test_unsupported_rate_error_lists_the_supported_ones() -> None:
    with pytest.raises(ProtocolError) as raised:
        parse({"type": "start", "sample_rate": 12345})
    assert all(str(rate) in raised.value.message for rate in SUPPORTED_SAMPLE_RATES)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (b"\x01\x02\x03", "odd_length_pcm"),
        (b"\x00" * (MAX_FRAME + 2), "frame_too_large"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "not_pcm"),
        (b"OggS\x00\x02" + b"\x00" * 20, "not_pcm"),
        (b"ID3\x04\x00\x00", "not_pcm"),
    ],
)
def test_bad_audio_frames_are_named(frame: bytes, code: str) -> None:
    assert error_code(lambda: check_audio_frame(frame, MAX_FRAME)) == code


def test_even_pcm_within_the_cap_passes() -> None:
    check_audio_frame(b"", MAX_FRAME)
    check_audio_frame(b"\x10\x00" * (MAX_FRAME // 2), MAX_FRAME)


def test_serialised_messages_carry_their_type_and_fields() -> None:
    audio = json.loads(
        serialise(
            ReplyAudio(
                turn=3,
                sequence=0,
                text="Hello.",
                format="pcm_s16le",
                sample_rate=22050,
                channels=1,
                bytes=4410,
            )
        )
    )
    assert audio == {
        "type": "reply_audio",
        "turn": 3,
        "sequence": 0,
        "text": "Hello.",
        "format": "pcm_s16le",
        "sample_rate": 22050,
        "channels": 1,
        "bytes": 4410,
    }
    rasa_message = {"recipient_id": "u1", "text": "Large?", "buttons": [{"title": "Large"}]}
    assert json.loads(serialise(BotMessage(turn=1, message=rasa_message))) == {
        "type": "bot_message",
        "turn": 1,
        "message": rasa_message,
    }
    masked = json.loads(
        serialise(TranscriptMessage(turn=2, text="••••••", end_reason="client", masked=True))
    )
    assert masked["type"] == "transcript" and masked["masked"] is True and masked["turn"] == 2
    assert json.loads(serialise(ErrorMessage("x", "Y."))) == {
        "type": "error",
        "code": "x",
        "message": "Y.",
        "turn": None,
    }
