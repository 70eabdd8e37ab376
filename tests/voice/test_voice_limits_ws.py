"""Recognition saturated, over a real websocket: the customer hears a busy reply, not silence.

The channel is served by a real Sanic server with one recognition worker and no
room to wait. The recogniser is held by the test (it answers only when released),
so "saturated" is exact; speech comes from Piper and the endpointing is the real
Silero VAD. Reply audio comes from an instant synthesizer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import numpy as np
import pytest
import pytest_asyncio
from rasa.core.channels.channel import UserMessage

from channels.identity import IdentitySettings, TokenVerifier
from channels.voice import VoiceInput
from channels.voice.listening import BUSY_REPLY
from channels.voice.settings import VoiceSettings
from clients.voice_client.connection import VoiceConnection
from speech.recognition import Transcript
from speech.synthesis import SpeechAudio
from tests.channels.serving import serve_channels
from tests.tokens import TEST_JWT_SECRET, mint_token
from tests.voice.conftest import Speak

pytestmark = pytest.mark.asyncio(loop_scope="module")


class HeldRecogniser:
    """Hears "a latte" once the test releases it."""

    def __init__(self) -> None:
        self.released = asyncio.Event()
        self.calls = 0

    async def recognise(self, audio: np.ndarray, phrases: tuple[str, ...] = ()) -> Transcript:
        self.calls += 1
        await self.released.wait()
        return Transcript(text="a latte", audio_s=len(audio) / 16_000, processing_s=0.1)


class InstantSynthesizer:
    name = "instant"
    sample_rate = 22_050

    def synthesize(self, text: str) -> SpeechAudio:
        return SpeechAudio(pcm=bytes(4410), sample_rate=self.sample_rate)


async def scripted_dialogue(message: UserMessage) -> None:
    await message.output_channel.send_text_message(message.sender_id, "Added one latte.")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served() -> AsyncIterator[tuple[str, HeldRecogniser]]:
    channel = VoiceInput(
        VoiceSettings(lexicon_url=None, asr_processes=0, asr_workers=1, max_waiting_recognitions=0),
        verifier=TokenVerifier(IdentitySettings(secret=TEST_JWT_SECRET)),
    )
    recogniser, synthesizer = HeldRecogniser(), InstantSynthesizer()

    async def held() -> HeldRecogniser:
        return recogniser

    async def instant() -> InstantSynthesizer:
        return synthesizer

    channel.engines.recogniser = held  # type: ignore[method-assign,assignment]
    channel.engines.synthesizer = instant  # type: ignore[method-assign,assignment]
    async with serve_channels([channel], scripted_dialogue) as url:
        yield url.replace("http://", "ws://") + "/webhooks/voice/ws", recogniser


async def test_an_utterance_that_finds_recognition_saturated_gets_a_spoken_busy_reply(
    served: tuple[str, HeldRecogniser], speak: Speak
) -> None:
    url, recogniser = served
    pcm = speak("a latte please")
    first = await VoiceConnection.open(url, mint_token("first-caller"))
    second = await VoiceConnection.open(url, mint_token("second-caller"))
    try:
        await first.start(pcm.sample_rate)
        await second.start(pcm.sample_rate)
        waiting = asyncio.create_task(first.speak(pcm, timeout_s=30.0))
        while recogniser.calls == 0:  # the only worker is now busy with the first
            await asyncio.sleep(0.05)
        busy = await second.speak(pcm, timeout_s=10.0)  # before: silence until released
        assert busy.outcome == "error", busy.events
        assert [e["code"] for e in busy.errors] == ["recognition_busy"]
        assert busy.bot_texts == [BUSY_REPLY] and busy.audio, busy.events  # heard, not shown only
        assert recogniser.calls == 1  # it never reached the recogniser
        recogniser.released.set()
        answered = await waiting
        assert answered.outcome == "answered" and answered.transcript == "a latte"
    finally:
        await first.close()
        await second.close()
