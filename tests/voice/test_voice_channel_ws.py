"""The voice channel over a real websocket, served by the running Rasa server.

Every bad input earns one clear ``error`` and leaves the connection and the
conversation working; speech is generated at test time and recognised by the
real Whisper (tiny.en) inside the server.
"""

from __future__ import annotations

import json
import uuid

import numpy as np
import pytest

from clients.voice_client.audio import Pcm
from clients.voice_client.connection import Turn, VoiceConnection
from launch.stack import Stack
from speech.pcm import samples_to_pcm16
from speech.resampling import resample
from tests.tokens import mint_token
from tests.voice.conftest import Speak, words

pytestmark = pytest.mark.slow


def voice_url(stack: Stack) -> str:
    return stack.config.rasa_url.replace("http://", "ws://") + "/webhooks/voice/ws"


def new_sender() -> str:
    return f"voice-test-{uuid.uuid4().hex[:8]}"


async def error_after(connection: VoiceConnection, raw: str | bytes) -> str:
    await connection.send_raw(raw)
    received = await connection.next_message(10.0)
    assert received.message["type"] == "error", received.message
    assert received.message["message"]
    return str(received.message["code"])


def audible(turn: Turn) -> bool:
    samples = np.frombuffer(bytes(turn.audio), "<i2").astype(np.float32) / 32768
    return turn.audio_format == "pcm_s16le" and float(np.sqrt(np.mean(samples**2))) > 0.02


async def test_hello_then_a_typed_turn_gets_text_a_cart_a_question_and_audio(
    running_stack: Stack,
) -> None:
    sender = new_sender()
    connection = await VoiceConnection.open(voice_url(running_stack), mint_token(sender))
    try:
        assert connection.hello["sender_id"] == sender
        assert connection.hello["reply_audio"]["format"] == "pcm_s16le"
        turn = await connection.type("can I get a latte")
        assert turn.bot_texts, turn.bot_messages
        cart = turn.custom("cart")
        assert cart and [line["sku"] for line in cart["lines"]] == ["latte"], turn.bot_messages
        # The question the reply asks reaches the channel, which primes the next utterance.
        asked = [(m.get("custom") or {}).get("expect") for m in turn.bot_messages]
        assert "more_or_done" in asked, turn.bot_messages
        assert turn.sample_rate == 22_050 and audible(turn) and not turn.cancelled
        assert turn.events.index("bot_message") < turn.events.index("reply_audio")
    finally:
        await connection.close()


async def test_every_bad_input_is_named_and_the_conversation_goes_on(
    running_stack: Stack, speak: Speak
) -> None:
    connection = await VoiceConnection.open(voice_url(running_stack), mint_token(new_sender()))
    try:
        await connection.type("two hash browns")
        frame_cap = int(connection.hello["max_frame_bytes"])
        assert await error_after(connection, b"\x00\x01" * 160) == "audio_before_start"
        assert await error_after(connection, "{not json") == "invalid_json"
        assert await error_after(connection, "[1, 2, 3]") == "invalid_message"
        assert await error_after(connection, '{"type": "sing"}') == "unknown_message_type"
        assert await error_after(connection, '{"type": "start"}') == "invalid_message"
        bad_rate = '{"type": "start", "sample_rate": 12345}'
        assert await error_after(connection, bad_rate) == "unsupported_sample_rate"
        long_text = json.dumps({"type": "text", "text": "latte " * 1000})
        assert await error_after(connection, long_text) == "text_too_long"
        await connection.start(16_000)
        assert await error_after(connection, b"\x00\x01\x02") == "odd_length_pcm"
        assert await error_after(connection, bytes(frame_cap + 2)) == "frame_too_large"
        assert await error_after(connection, b"RIFF\x24\x00\x00\x00WAVEfmt ") == "not_pcm"

        # Random bytes are valid PCM (loud noise): no words, no crash.
        noise = np.random.default_rng(5).integers(-20000, 20000, 16_000, dtype=np.int16)
        turn = await connection.speak(Pcm(noise.astype("<i2").tobytes(), 16_000))
        assert turn.no_speech or turn.transcript is not None

        # The same connection still understands speech, and the cart survived.
        pcm = speak("what's in my cart")
        await connection.start(pcm.sample_rate)
        turn = await connection.speak(pcm)
        assert turn.transcript is not None and "cart" in words(turn.transcript)
        assert any("Hash Brown" in text for text in turn.bot_texts), turn.bot_messages
    finally:
        await connection.close()


async def test_a_frame_over_the_transport_limit_closes_but_loses_no_order(
    running_stack: Stack,
) -> None:
    sender = new_sender()
    url = voice_url(running_stack)
    connection = await VoiceConnection.open(url, mint_token(sender))
    await connection.type("a large soy milk")
    await connection.start(16_000)
    await connection.send_raw(bytes(2 << 20))  # past Sanic's 1 MiB WEBSOCKET_MAX_SIZE
    with pytest.raises(Exception, match="closed"):
        while True:
            await connection.next_message(10.0)
    assert connection.close_code == 1009
    again = await VoiceConnection.open(url, mint_token(sender))
    try:
        turn = await again.type("what's in my cart")
        assert any("Soy Milk" in text for text in turn.bot_texts), turn.bot_messages
    finally:
        await again.close()


async def test_speech_is_transcribed_before_the_reply(running_stack: Stack, speak: Speak) -> None:
    connection = await VoiceConnection.open(voice_url(running_stack), mint_token(new_sender()))
    try:
        pcm = speak("two hash browns and a medium americano")
        await connection.start(pcm.sample_rate)
        turn = await connection.speak(pcm)
        assert turn.transcript is not None and not turn.masked
        assert {"hash", "americano"} <= words(turn.transcript), turn.transcript
        assert turn.events.index("transcript") < turn.events.index("bot_message")
        carts = [
            m["custom"]["cart"] for m in turn.bot_messages if "cart" in (m.get("custom") or {})
        ]
        assert carts and carts[-1]["total"] == 2 * 700 + 1200
        assert audible(turn) and turn.sentences
    finally:
        await connection.close()


async def test_server_endpointing_and_a_48khz_client(running_stack: Stack, speak: Speak) -> None:
    connection = await VoiceConnection.open(voice_url(running_stack), mint_token(new_sender()))
    try:
        pcm = speak("what's on the breakfast menu")
        samples = np.frombuffer(pcm.data, "<i2").astype(np.float32) / 32768
        at_48k = Pcm(samples_to_pcm16(resample(samples, pcm.sample_rate, 48_000)), 48_000)
        await connection.start(48_000, endpointing="server")
        turn = await connection.speak(at_48k, endpointing="server", pace=1.0)
        assert "speech_started" in [e.message["type"] for e in connection.events]
        assert turn.end_reason == "silence"
        assert turn.transcript is not None and "menu" in words(turn.transcript)
        assert any("Hash Brown" in text for text in turn.bot_texts)
    finally:
        await connection.close()


async def test_speaking_over_a_reply_cancels_the_rest_of_its_audio(
    running_stack: Stack, speak: Speak
) -> None:
    connection = await VoiceConnection.open(voice_url(running_stack), mint_token(new_sender()))
    try:
        pcm = speak("two hash browns")
        await connection.start(pcm.sample_rate, endpointing="server")
        await connection.send_json({"type": "text", "text": "what's on the breakfast menu"})
        await connection.pump_until(lambda: bool(connection.turns and reading(connection)))
        # Barge in: the new utterance streams while the menu is still being read.
        turn = await connection.speak(pcm, endpointing="server", pace=1.0)
        menu = connection.turns[turn.number - 1]
        assert menu.complete and menu.cancelled, menu.events
        barge_in = [e.at for e in connection.events if e.message["type"] == "speech_started"]
        assert barge_in and menu.ended_at is not None and barge_in[0] < menu.ended_at
        assert turn.transcript is not None and "hash" in words(turn.transcript)
        assert not turn.cancelled and audible(turn)
    finally:
        await connection.close()


def reading(connection: VoiceConnection) -> bool:
    return any(t.first_audio_at and not t.complete for t in connection.turns.values())


async def test_an_interrupt_message_stops_the_reply(running_stack: Stack) -> None:
    connection = await VoiceConnection.open(voice_url(running_stack), mint_token(new_sender()))
    try:
        await connection.send_json({"type": "text", "text": "what's on the breakfast menu"})
        await connection.pump_until(lambda: bool(connection.turns and reading(connection)))
        await connection.send_json({"type": "interrupt"})
        menu = await connection.next_turn(("text",), timeout_s=30.0)
        assert menu.cancelled
        spoken_s = len(menu.audio) / 2 / 22_050
        reply_chars = sum(len(text) for text in menu.bot_texts)
        assert spoken_s < reply_chars / 20  # far less than reading it all (~15 chars/s)
    finally:
        await connection.close()


async def test_an_overlong_utterance_is_cut_and_still_understood(
    running_stack: Stack, speak: Speak
) -> None:
    connection = await VoiceConnection.open(voice_url(running_stack), mint_token(new_sender()))
    try:
        cap = float(connection.hello["max_utterance_s"])
        phrase = speak("I would like a hash brown and a medium americano please")
        repeats = int(cap / phrase.duration_s) + 2
        long_speech = Pcm(phrase.data * repeats, phrase.sample_rate)
        await connection.start(phrase.sample_rate, endpointing="client")
        rest = await connection.speak(long_speech)  # the part after the cut, ended by us
        cut = connection.turns[rest.number - 1]
        codes = [e.message.get("code") for e in connection.events]
        assert "utterance_too_long" in codes
        assert cut.end_reason == "max_length" and cut.transcript is not None
        assert "americano" in words(cut.transcript) and cut.bot_messages
        assert rest.end_reason == "client" and (rest.transcript or rest.no_speech)
    finally:
        await connection.close()


async def test_a_connection_dropped_mid_utterance_keeps_the_order(
    running_stack: Stack, speak: Speak
) -> None:
    sender = new_sender()
    url = voice_url(running_stack)
    connection = await VoiceConnection.open(url, mint_token(sender))
    await connection.type("two hash browns")
    pcm = speak("and a large latte")
    await connection.start(pcm.sample_rate)
    await connection.send_raw(pcm.data[: len(pcm.data) // 2])
    await connection.close()  # gone mid-utterance

    again = await VoiceConnection.open(url, mint_token(sender))
    try:
        turn = await again.type("what's in my cart")
        assert any("2 Hash Browns" in text for text in turn.bot_texts), turn.bot_messages
        assert not any("Latte" in text for text in turn.bot_texts)
    finally:
        await again.close()


async def test_a_connection_dropped_mid_reply_keeps_the_order(running_stack: Stack) -> None:
    """Gone while the reply is being spoken: the turn's order stands, the server goes on."""
    sender = new_sender()
    url = voice_url(running_stack)
    connection = await VoiceConnection.open(url, mint_token(sender))
    await connection.send_json({"type": "text", "text": "two hash browns please"})
    while (await connection.next_message()).message.get("type") != "reply_audio":
        pass
    await connection.close()  # gone mid-reply

    again = await VoiceConnection.open(url, mint_token(sender))
    try:
        turn = await again.type("what's in my cart")
        assert any("2 Hash Browns" in text for text in turn.bot_texts), turn.bot_messages
        assert turn.outcome == "answered" and turn.audio
    finally:
        await again.close()
