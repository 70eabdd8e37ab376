"""The Wyoming channel over real TCP, with the ``wyoming`` package's own client.

Each request is made the way Home Assistant makes it: a new connection per request; for
the conversation entity one ``transcript`` with ``context`` (conversation, device and
satellite ids), read until ``handled``/``not-handled``; for speech-to-text ``transcribe``,
``audio-start``, ``audio-chunk``..., ``audio-stop``, read until ``transcript``. The dialogue
and the recogniser are stand-ins that record what they got (the real assistant behind this
channel: tests/ecosystem/test_wyoming_assist.py).
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import stat
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import pytest_asyncio
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import RasaException
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info

from channels.identity import Identity
from channels.notifications import Notifier
from channels.pin_policy import MASK, SECRET_NOT_EXPECTED, PinGate
from channels.pin_store import InMemoryPendingPins
from channels.settings import RasaSettings
from channels.voice.settings import VoiceSettings
from channels.voice.vocabulary import DIGIT_PHRASES, ORDER_LEAD, YES_NO_PHRASES
from channels.wyoming.channel import WyomingInput
from channels.wyoming.devices import DeviceLinks, LinkError
from channels.wyoming.service import Recognition, WyomingService
from channels.wyoming.settings import WyomingSettings
from speech.pcm import Samples
from speech.recognition import Transcript as Heard
from tests.channels.serving import free_port

READ_TIMEOUT_S = 10.0
KITCHEN = "4c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"
KITCHEN_SATELLITE = "assist_satellite.kitchen"


class Dialogue:
    """Asks "Shall I pay?" after "check out", fails on "crash", echoes anything else."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if message.text == "crash":
            raise RuntimeError("the dialogue fell over")
        reply: dict[str, Any] = {"text": f"You said: {message.text}"}
        if message.text == "check out":
            reply = {"text": "That's ¥12.50.\n\nShall I pay?", "custom": {"expect": "pay"}}
        await message.output_channel.send_response(message.sender_id, copy.deepcopy(reply))


@dataclass
class Ears:
    """A recogniser that hears a fixed text and records what it was primed with."""

    heard: str = "yes please"
    phrases: list[tuple[str, ...]] = field(default_factory=list)
    samples: list[int] = field(default_factory=list)

    def transcribe(self, audio: Samples, phrases: Sequence[str] = ()) -> Heard:
        self.phrases.append(tuple(phrases))
        self.samples.append(len(audio))
        return Heard(self.heard, audio_s=len(audio) / 16_000, processing_s=0.01)

    async def recognise(self, audio: Samples, phrases: Sequence[str] = ()) -> Heard:
        return self.transcribe(audio, phrases)

    def close(self) -> None:
        pass


@dataclass
class Served:
    port: int
    dialogue: Dialogue
    ears: Ears
    links: DeviceLinks
    notices: Notifier

    async def ask(self, *events: Event) -> Event:
        """One connection: send ``events``, return the first answer that ends the request."""
        async with AsyncTcpClient("127.0.0.1", self.port) as client:
            for event in events:
                await client.write_event(event)
            while True:
                answer = await asyncio.wait_for(client.read_event(), READ_TIMEOUT_S)
                assert answer is not None, "the server closed the connection without answering"
                if answer.type in ("info", "handled", "not-handled", "transcript", "error"):
                    return answer

    async def say(self, text: str, device: str | None = KITCHEN) -> Event:
        context: dict[str, Any] = {"conversation_id": "01JCONVERSATION"}
        if device:
            context |= {"device_id": device, "satellite_id": KITCHEN_SATELLITE}
        return await self.ask(Transcript(text, context=context, language="en").event())

    async def speak(
        self, pcm: bytes, context: dict[str, Any] | None, rate: int = 16_000, channels: int = 1
    ) -> Event:
        chunk = AudioChunk(rate=rate, width=2, channels=channels, audio=pcm)
        return await self.ask(
            Transcribe(language="en", context=context).event(),
            AudioStart(rate=rate, width=2, channels=channels).event(),
            chunk.event(),
            AudioStop().event(),
        )


@pytest_asyncio.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    settings = WyomingSettings(port=free_port(), data_dir=tmp_path, follow_up_s=60)
    ears = Ears()
    recognition = Recognition(VoiceSettings(), settings.follow_up_s, recogniser=ears)
    channel = WyomingInput(
        settings,
        gate=PinGate(InMemoryPendingPins(), allowed_submit_urls=[], takes_pin=False),
        recognition=recognition,
    )
    dialogue = Dialogue()
    notices = Notifier(RasaSettings(redis_url=None))
    service = WyomingService(
        settings, dialogue, channel.gate, channel.links, recognition, notices=notices
    )
    await channel.start(service)
    try:
        yield Served(settings.port, dialogue, ears, channel.links, notices)
    finally:
        await channel.stop()


async def test_describe_offers_the_dialogue_and_the_recogniser(served: Served) -> None:
    info = Info.from_event(await served.ask(Describe().event()))
    assert [p.name for p in info.handle] == ["orderly"]
    assert info.handle[0].installed and info.handle[0].models[0].languages == ["en"]
    assert [p.name for p in info.asr] == ["orderly-whisper"]


async def test_an_unlinked_device_is_told_how_to_link_it(served: Served) -> None:
    answer = await served.say("a cola")
    assert NotHandled.is_type(answer.type)
    text = NotHandled.from_event(answer).text or ""
    assert f"python -m launch link-device {KITCHEN} --customer" in text
    assert served.dialogue.received == []


async def test_a_request_naming_no_device_reaches_nobody(served: Served) -> None:
    answer = await served.say("a cola", device=None)
    assert NotHandled.is_type(answer.type) and "named no device" in str(answer.data)
    assert served.dialogue.received == []


async def test_a_linked_devices_transcript_is_its_customers_and_the_reply_is_speakable(
    served: Served,
) -> None:
    served.links.link(KITCHEN, "alice")
    answer = await served.say("check out")
    assert Handled.from_event(answer).text == "That's 12 yuan 50. Shall I pay?"
    [message] = served.dialogue.received
    assert (message.sender_id, message.text, message.input_channel) == (
        "alice",
        "check out",
        "wyoming",
    )
    # The satellite's entity id works as well as the device id.
    served.links.link("assist_satellite.hall", "bob")
    async with AsyncTcpClient("127.0.0.1", served.port) as client:
        context = {"satellite_id": "assist_satellite.hall"}
        await client.write_event(Transcript("hello", context=context).event())
        assert Handled.is_type((await client.read_event() or Event("none")).type)
    assert served.dialogue.received[-1].sender_id == "bob"


async def test_a_pin_said_to_home_assistant_is_masked_and_never_taken(served: Served) -> None:
    served.links.link(KITCHEN, "alice")
    await served.say("my pin is 2 4 6 8 1 0")
    await served.say("it's 246810 for order 1001")
    said = [str(m.text) for m in served.dialogue.received]
    assert said == [SECRET_NOT_EXPECTED, f"it's {MASK} for order 1001"]


async def test_what_is_said_to_home_assistant_is_shown_on_the_customers_screen(
    served: Served,
) -> None:
    """channels/shared_turns.py: the widget beside the speaker follows it; a PIN said there
    reaches the screen masked, and another customer's screen sees nothing."""
    served.links.link(KITCHEN, "alice")
    alice = Identity("alice", 2**31, "token-of-alice")
    bob = Identity("bob", 2**31, "token-of-bob")
    async with (
        served.notices.connected(alice, None) as screen,
        served.notices.connected(bob, None) as strangers_screen,
    ):
        await served.say("check out")
        shown = await asyncio.wait_for(screen.get(), READ_TIMEOUT_S)
        [turn] = shown.turns
        assert (turn.channel, turn.said) == ("wyoming", "check out")
        assert " ".join(m.text or "" for m in turn.messages).split() == [
            "That's", "¥12.50.", "Shall", "I", "pay?"
        ]  # fmt: skip
        await served.say("my pin is 2 4 6 8 1 0")
        [turn] = (await asyncio.wait_for(screen.get(), READ_TIMEOUT_S)).turns
        assert turn.masked and not any(ch.isdigit() for ch in turn.said), turn.said
        assert strangers_screen.empty()


async def test_a_dialogue_failure_is_not_handled_and_says_nothing_was_charged(
    served: Served,
) -> None:
    served.links.link(KITCHEN, "alice")
    answer = await served.say("crash")
    assert NotHandled.is_type(answer.type) and "Nothing was charged" in str(answer.data)


async def test_recognition_is_primed_by_the_question_the_conversation_was_asked(
    served: Served,
) -> None:
    served.links.link(KITCHEN, "alice")
    speech = np.zeros(16_000, dtype="<i2").tobytes()
    first = await served.speak(speech, context={"device_id": KITCHEN})
    assert Transcript.from_event(first).text == "yes please"
    assert ORDER_LEAD in served.ears.phrases[-1], "before any question: the menu"
    await served.say("check out")  # the assistant asks "Shall I pay?"
    await served.speak(speech, context={"device_id": KITCHEN})
    assert served.ears.phrases[-1] == YES_NO_PHRASES
    # Home Assistant's own speech-to-text names no device: the latest question primes it.
    await served.speak(speech, context=None)
    assert served.ears.phrases[-1] == YES_NO_PHRASES
    assert DIGIT_PHRASES not in served.ears.phrases


async def test_audio_in_another_format_is_converted_to_what_the_recogniser_hears(
    served: Served,
) -> None:
    stereo_44k = np.zeros(2 * 44_100, dtype="<i2").tobytes()  # one second, two channels
    await served.speak(stereo_44k, context=None, rate=44_100, channels=2)
    assert served.ears.samples == [pytest.approx(16_000, abs=16)]


async def test_audio_past_the_longest_utterance_is_dropped(served: Served) -> None:
    minute = np.zeros(60 * 16_000, dtype="<i2").tobytes()
    await served.speak(minute, context=None)
    assert served.ears.samples == [30 * 16_000]


async def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    port = free_port()
    holder = await asyncio.start_server(lambda r, w: None, "127.0.0.1", port)
    try:
        channel = WyomingInput(WyomingSettings(port=port, data_dir=tmp_path, asr=False))
        service = WyomingService(
            channel.settings, Dialogue(), channel.gate, channel.links, recognition=None
        )
        with pytest.raises(RasaException, match=f"127.0.0.1:{port}.*ORDERLY_WYOMING_PORT"):
            await channel.start(service)
    finally:
        holder.close()


def test_links_are_owner_only_and_read_again_when_they_change(tmp_path: Path) -> None:
    links = DeviceLinks(tmp_path / "devices.json")
    reader = DeviceLinks(tmp_path / "devices.json")
    assert reader.customer_of(KITCHEN) is None
    links.link(KITCHEN, "alice")
    assert stat.S_IMODE(os.stat(links.path).st_mode) == 0o600
    assert reader.customer_of(KITCHEN) == "alice"
    links.link(KITCHEN, "carol-the-new-owner")
    assert reader.customer_of(None, KITCHEN) == "carol-the-new-owner"
    stored = json.loads(links.path.read_text())["devices"][KITCHEN]
    assert stored["customer_id"] == "carol-the-new-owner" and stored["linked_at"]


@pytest.mark.parametrize(
    ("device", "customer"), [("../etc/passwd", "alice"), (KITCHEN, "alice smith"), ("", "a")]
)
def test_a_link_with_a_malformed_id_is_refused(tmp_path: Path, device: str, customer: str) -> None:
    with pytest.raises(LinkError):
        DeviceLinks(tmp_path / "devices.json").link(device, customer)
