"""The spoken PIN goes through the same one policy as a typed one (channels/pin_policy.py).

Real speech (Piper) into the running stack's voice channel with Whisper tiny.en; the
order itself is typed over the same socket, so only the PIN turns depend on
recognition. Outcomes are checked on the merchant platform and in every file the
services wrote.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from clients.voice_client.connection import Turn, VoiceConnection
from launch.stack import Stack
from tests.customer import Customer
from tests.pins_at_rest import files_holding
from tests.tokens import mint_token
from tests.voice.conftest import Speak

pytestmark = pytest.mark.slow

# This file's customers' own PIN (set as customers do: no account has one before).
PIN = "357910"
PIN_SPOKEN = "my pin is three five seven nine one zero"
PIN_FORMS = ("357910", "3 5 7 9 1 0", "35 7 9 1 0", "357 910", "357-910", "3, 5, 7, 9, 1, 0")


async def spoken(connection: VoiceConnection, speak: Speak, text: str) -> Turn:
    pcm = speak(text)
    await connection.start(pcm.sample_rate)
    return await connection.speak(pcm)


def leaks(folder: Path) -> list[str]:
    """Files holding the PIN as a whole token (``tests/pins_at_rest.py``): a plain substring
    scan of the session's tracker found "357910" inside a timestamp's digits, in CI."""
    return files_holding(folder, *PIN_FORMS)


async def test_by_voice_homophones_are_asked_again_and_the_spoken_pin_pays(
    running_stack: Stack, speak: Speak
) -> None:
    url = running_stack.config.rasa_url.replace("http://", "ws://") + "/webhooks/voice/ws"
    customer = Customer.with_own_pin(running_stack, PIN)
    connection = await VoiceConnection.open(url, str(customer.token))
    try:
        await connection.type("nine egg and sausage muffins")  # 112.50: over the voice-pay limit
        await connection.type("that's all")
        turn = await connection.type("yes")
        assert turn.custom("secure_input") == {"purpose": "payment_pin", "digits": 6}

        turn = await spoken(connection, speak, "No, I want to go to the store for two.")
        assert not turn.masked
        assert turn.custom("secure_input") == {"purpose": "payment_pin", "digits": 6}
        assert any("PIN" in text for text in turn.bot_texts), turn.bot_texts

        turn = await spoken(connection, speak, PIN_SPOKEN)
        assert turn.masked and turn.transcript == "••••••"
        assert any("Paid ¥112.50" in text for text in turn.bot_texts), turn.bot_texts
    finally:
        await connection.close()
    assert leaks(running_stack.config.data_dir) == []


async def test_a_pin_spoken_when_nobody_asked_reaches_no_log(
    running_stack: Stack, speak: Speak
) -> None:
    """Issue 10, finding 4: spoken digits out of turn were logged at DEBUG (the stack's level)."""
    url = running_stack.config.rasa_url.replace("http://", "ws://") + "/webhooks/voice/ws"
    connection = await VoiceConnection.open(url, mint_token(f"voice-pin-{uuid.uuid4().hex[:8]}"))
    try:
        await connection.type("a hash brown")
        turn = await spoken(connection, speak, PIN_SPOKEN)
        # Recognition writes the digits one way or another; the policy masks them all.
        assert turn.masked, turn.transcript
        assert any("only say your PIN when I ask" in text for text in turn.bot_texts), turn
    finally:
        await connection.close()
    assert leaks(running_stack.config.data_dir) == []
