"""Every way a turn can end, over a real websocket: exactly one ``turn_end``, last.

The voice channel is served by a real Sanic server with the real engines (Whisper
tiny.en, Piper); only the dialogue is scripted, so each ending can be caused on
purpose: a reply, a failure, a long reply to interrupt. Assertions are about how
the turn ended, never about one exact transcript.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import numpy as np
import pytest
import pytest_asyncio
from rasa.core.channels.channel import UserMessage

from channels.identity import IdentitySettings, TokenVerifier
from channels.voice import VoiceInput
from channels.voice.settings import VoiceSettings
from clients.voice_client.audio import Pcm
from clients.voice_client.connection import Turn, VoiceConnection
from contracts.voice_protocol import PROTOCOL_VERSION
from speech.recognition import RecognitionError
from tests.channels.serving import serve_channels
from tests.tokens import TEST_JWT_SECRET, mint_token
from tests.voice.conftest import Speak

# The channel loads Whisper and Piper for the whole module.
pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

SHORT_REPLY = "Added one latte. Anything else?"
# Long enough to be still speaking when the test interrupts it.
LONG_REPLY = " ".join(f"Item {n} is a large latte with oat milk." for n in range(1, 25))


async def scripted_dialogue(message: UserMessage) -> None:
    text = (message.text or "").lower()
    if "break" in text:
        raise RuntimeError("the dialogue broke, on purpose")
    reply = LONG_REPLY if "menu" in text else SHORT_REPLY
    await message.output_channel.send_text_message(message.sender_id, reply)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def channel() -> AsyncIterator[VoiceInput]:
    served = VoiceInput(
        VoiceSettings(asr_model="tiny.en", lexicon_url=None),
        verifier=TokenVerifier(IdentitySettings(secret=TEST_JWT_SECRET)),
    )
    await served.engines.warm_up()
    try:
        yield served
    finally:
        served.engines.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def voice_url(channel: VoiceInput) -> AsyncIterator[str]:
    async with serve_channels([channel], scripted_dialogue) as url:
        yield url.replace("http://", "ws://") + "/webhooks/voice/ws"


@pytest_asyncio.fixture(loop_scope="module")
async def connection(voice_url: str) -> AsyncIterator[VoiceConnection]:
    opened = await VoiceConnection.open(voice_url, mint_token("turn-ender"))
    try:
        yield opened
    finally:
        await opened.close()


async def assert_every_turn_ended_once_and_last(connection: VoiceConnection) -> None:
    """After one more answered turn, no earlier turn got anything after its turn_end."""
    closing = await connection.type("a latte please")
    assert closing.outcome == "answered", closing.events
    for turn in connection.turns.values():
        assert turn.events.count("turn_end") == 1, (turn.number, turn.events)
        assert turn.events[-1] == "turn_end", (turn.number, turn.events)


def assert_answered_aloud(turn: Turn) -> None:
    assert turn.outcome == "answered" and not turn.errors, turn.events
    assert turn.bot_texts == [SHORT_REPLY]
    assert turn.audio and turn.events.index("bot_message") < turn.events.index("reply_audio")


async def test_a_typed_turn_ends_after_its_reply_audio(connection: VoiceConnection) -> None:
    assert connection.hello["protocol"] == PROTOCOL_VERSION
    assert_answered_aloud(await connection.type("can I get a latte"))
    await assert_every_turn_ended_once_and_last(connection)


async def test_a_spoken_turn_ends_after_its_reply_audio(
    connection: VoiceConnection, speak: Speak
) -> None:
    pcm = speak("two hash browns please")
    await connection.start(pcm.sample_rate)
    turn = await connection.speak(pcm)
    assert turn.transcript, turn.events
    assert_answered_aloud(turn)
    await assert_every_turn_ended_once_and_last(connection)


async def test_a_press_without_speech_ends_as_no_speech(connection: VoiceConnection) -> None:
    await connection.start(16_000)
    turn = await connection.speak(Pcm(bytes(16_000), 16_000))  # half a second of silence
    assert turn.events == ["no_speech", "turn_end"] and turn.outcome == "no_speech"
    await assert_every_turn_ended_once_and_last(connection)


async def test_a_failing_dialogue_ends_the_turn_as_an_error(connection: VoiceConnection) -> None:
    turn = await connection.type("break something")
    assert turn.outcome == "error", turn.events
    assert [error["code"] for error in turn.errors] == ["dialogue_failed"]
    await assert_every_turn_ended_once_and_last(connection)


async def test_a_failing_recogniser_ends_the_turn_as_an_error(
    connection: VoiceConnection, channel: VoiceInput, speak: Speak, monkeypatch: pytest.MonkeyPatch
) -> None:
    class BrokenRecogniser:
        async def recognise(self, audio: np.ndarray, phrases: tuple[str, ...] = ()) -> None:
            raise RecognitionError("the recogniser broke, on purpose")

    async def broken() -> BrokenRecogniser:
        return BrokenRecogniser()

    monkeypatch.setattr(channel.engines, "recogniser", broken)
    pcm = speak("a large latte")
    await connection.start(pcm.sample_rate)
    turn = await connection.speak(pcm)
    assert turn.outcome == "error" and turn.transcript is None, turn.events
    assert [error["code"] for error in turn.errors] == ["recognition_failed"]
    monkeypatch.undo()
    await assert_every_turn_ended_once_and_last(connection)


async def test_an_interrupt_ends_the_turn_as_cancelled(connection: VoiceConnection) -> None:
    await connection.send_json({"type": "text", "text": "read me the menu"})
    await connection.pump_until(lambda: any(t.audio for t in connection.turns.values()))
    await connection.send_json({"type": "interrupt"})
    menu = await connection.next_turn(("text",), timeout_s=30.0)
    assert menu.outcome == "cancelled", menu.events
    spoken_s = len(menu.audio) / 2 / 22_050
    assert spoken_s < len(LONG_REPLY) / 30  # far less than reading it all (~15 chars/s)
    await assert_every_turn_ended_once_and_last(connection)


async def test_a_turn_ends_once_as_an_error_even_when_a_stage_breaks_on_it(
    connection: VoiceConnection, channel: VoiceInput, speak: Speak, monkeypatch: pytest.MonkeyPatch
) -> None:
    class GarbledRecogniser:
        """Answers with something that is no transcript: a bug, not a recognition error."""

        async def recognise(self, audio: np.ndarray, phrases: tuple[str, ...] = ()) -> object:
            return object()

    async def garbled() -> GarbledRecogniser:
        return GarbledRecogniser()

    monkeypatch.setattr(channel.engines, "recogniser", garbled)
    pcm = speak("a large latte")
    await connection.start(pcm.sample_rate)
    turn = await connection.speak(pcm, timeout_s=20.0)
    assert turn.outcome == "error" and turn.errors, turn.events
    monkeypatch.undo()
    await assert_every_turn_ended_once_and_last(connection)
