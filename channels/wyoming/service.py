"""The Wyoming events Home Assistant sends, answered by the assistant.

One TCP connection per request, as Home Assistant makes them:

- ``describe`` → ``info``: a ``handle`` program (the dialogue) and, unless turned off, an
  ``asr`` program (Orderly's recogniser);
- ``transcript`` (``context``: ``conversation_id``, ``device_id``, ``satellite_id``) → the
  dialogue, as the customer the device is linked to → ``handled`` with the reply as one
  speakable text, or ``not-handled`` saying why (an unlinked device is told how to link);
- ``transcribe`` (optional ``context`` naming the device), ``audio-start``,
  ``audio-chunk``..., ``audio-stop`` → ``transcript``, recognised with the phrases the
  conversation's open question expects (:mod:`channels.voice.vocabulary`).

Home Assistant keeps pipeline transcripts, so no PIN is taken here: the gate masks PIN-length
numbers and submits nothing, and the dialogue says to pay in the widget, shell or voice.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioChunkConverter, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import (
    AsrModel,
    AsrProgram,
    Attribution,
    Describe,
    HandleModel,
    HandleProgram,
    Info,
)
from wyoming.server import AsyncEventHandler

from channels.notifications import Notifier, notifier
from channels.pin_policy import PinGate
from channels.shared_turns import Device
from channels.voice.settings import VoiceSettings
from channels.voice.vocabulary import MenuVocabulary, OpenQuestions
from channels.wyoming.devices import DeviceLinks, LinkError
from channels.wyoming.settings import WyomingSettings
from speech.pcm import SAMPLE_WIDTH_BYTES, pcm16_to_samples
from speech.recognition import SAMPLE_RATE, Recogniser, load_recogniser
from speech.synthesis.sentences import split_sentences

logger = logging.getLogger(__name__)

Dialogue = Callable[[UserMessage], Awaitable[Any]]

CHANNEL = "wyoming"
ATTRIBUTION = Attribution(name="Orderly", url="")
LINK_COMMAND = "python -m launch link-device {device} --customer YOUR_CUSTOMER_ID"
NO_DEVICE = (
    "Orderly takes orders from a voice satellite only: this request named no device. "
    "Ask through a satellite linked with " + LINK_COMMAND.format(device="DEVICE_ID") + "."
)
FAILED = "Sorry, Orderly could not answer just now. Nothing was charged; please try again."


class Recognition:
    """Orderly's recogniser for Wyoming ``asr``, primed by each conversation's open question.

    Home Assistant's speech-to-text request names no device, so a request without one is
    taken as the answer to the question last asked on this channel, if that was at most
    ``follow_up_s`` ago (Assist listens again right after a reply that asks something).
    A wrong guess costs accuracy only: the dialogue reads the answer against its own state.
    """

    def __init__(
        self,
        voice: VoiceSettings,
        follow_up_s: float,
        recogniser: Recogniser | None = None,
    ) -> None:
        # Threads in this process, loaded at the first request: no worker process or model
        # is spent unless Home Assistant uses Orderly's recognition.
        self._settings = replace(voice.recogniser(), processes=0)
        self.model_name = voice.asr_model
        self.language = voice.asr_language or "en"
        self.vocabulary = MenuVocabulary(voice.lexicon_url)
        self.questions = OpenQuestions()
        self._follow_up_s = follow_up_s
        self._last: tuple[str, float] | None = None
        self._recogniser = recogniser
        self._loading = asyncio.Lock()

    def answered(self, customer_id: str, reply: list[dict[str, Any]]) -> None:
        self.questions.asked(customer_id, reply)
        self._last = (customer_id, time.monotonic())

    def expected(self, customer_id: str | None) -> str | None:
        """The kind of answer the conversation of ``customer_id`` (or the latest) waits for."""
        if customer_id is None and self._last is not None:
            latest, at = self._last
            if time.monotonic() - at <= self._follow_up_s:
                customer_id = latest
        return self.questions.expected(customer_id) if customer_id else None

    async def recognise(self, pcm: bytes, customer_id: str | None) -> str:
        recogniser = await self._loaded()
        phrases = self.vocabulary.phrases(self.expected(customer_id))
        transcript = await recogniser.recognise(pcm16_to_samples(pcm), phrases)
        return transcript.text.strip()

    async def _loaded(self) -> Recogniser:
        async with self._loading:
            if self._recogniser is None:
                await self.vocabulary.refresh()  # the menu's names for the first request too
                loop = asyncio.get_running_loop()
                self._recogniser = await loop.run_in_executor(None, load_recogniser, self._settings)
            return self._recogniser

    def close(self) -> None:
        if self._recogniser is not None:
            self._recogniser.close()


class WyomingService:
    """Answers Wyoming requests: the dialogue for transcripts, recognition for audio."""

    def __init__(
        self,
        settings: WyomingSettings,
        dialogue: Dialogue,
        gate: PinGate,
        links: DeviceLinks,
        recognition: Recognition | None,
        notices: Notifier | None = None,
    ) -> None:
        self.settings = settings
        self._dialogue = dialogue
        self._gate = gate
        self._links = links
        self.recognition = recognition
        # Each turn is shown on the customer's other devices (channels/shared_turns.py): the
        # widget beside a Home Assistant speaker follows what is said to it.
        self._notices = notices or notifier()

    def info(self) -> Info:
        handle = HandleProgram(
            name="orderly",
            attribution=ATTRIBUTION,
            installed=True,
            description="Orders breakfast and pays for it (Orderly, on Rasa)",
            version=None,
            models=[
                HandleModel(
                    name="orderly",
                    attribution=ATTRIBUTION,
                    installed=True,
                    description="Orderly's ordering dialogue",
                    version=None,
                    languages=["en"],
                )
            ],
        )
        asr = []
        if self.recognition is not None:
            asr.append(
                AsrProgram(
                    name="orderly-whisper",
                    attribution=ATTRIBUTION,
                    installed=True,
                    description="Whisper primed with the words Orderly's last question expects",
                    version=None,
                    models=[
                        AsrModel(
                            name=self.recognition.model_name,
                            attribution=ATTRIBUTION,
                            installed=True,
                            description=f"Whisper {self.recognition.model_name}",
                            version=None,
                            languages=[self.recognition.language],
                        )
                    ],
                )
            )
        return Info(handle=[handle], asr=asr)

    def customer_of(self, context: dict[str, Any] | None) -> str | None:
        """The linked customer of the device a request's ``context`` names, if any."""
        device_id, satellite_id = _device(context)
        return self._links.customer_of(device_id, satellite_id)

    async def handle(self, transcript: Transcript) -> Handled | NotHandled:
        device_id, satellite_id = _device(transcript.context)
        if not (device_id or satellite_id):
            return NotHandled(NO_DEVICE)
        try:
            customer_id = self._links.customer_of(device_id, satellite_id)
        except LinkError as error:
            logger.error("wyoming: linked devices unreadable: %s", error)
            return NotHandled(FAILED)
        if customer_id is None:
            device = device_id or satellite_id
            logger.info("wyoming: transcript from unlinked device %s", device)
            return NotHandled(
                f"This device ({device}) is not linked to an Orderly customer yet. Its owner "
                f"can link it once with: {LINK_COMMAND.format(device=device)}"
            )
        text = transcript.text.strip()
        if not text:
            return NotHandled("I didn't hear anything. What would you like to order?")
        if len(text) > self.settings.max_text_chars:
            return NotHandled("That was too long for one request; please say less at once.")
        reply = await self._converse(customer_id, text)
        if reply is None:
            return NotHandled(FAILED)
        if self.recognition is not None:
            self.recognition.answered(customer_id, reply)
        spoken = " ".join(s for m in reply for s in split_sentences(str(m.get("text") or "")))
        return Handled(spoken)

    async def _converse(self, customer_id: str, text: str) -> list[dict[str, Any]] | None:
        # No token: this channel takes no PIN, so the gate never submits on anyone's behalf.
        screened = await self._gate.incoming(customer_id, text, bearer_token="")
        if screened.text_for_rasa is None:
            return list(screened.reply)
        collector = CollectingOutputChannel()
        try:
            await self._dialogue(
                UserMessage(
                    screened.text_for_rasa,
                    collector,
                    customer_id,
                    input_channel=CHANNEL,
                    metadata={"modality": "voice"},
                )
            )
        except Exception:
            logger.exception("the assistant failed on a Wyoming transcript of %s", customer_id)
            return None
        reply = await self._gate.outgoing(customer_id, collector.messages)
        # A request is its own device: Home Assistant opens a connection for each.
        device = Device(customer_id, uuid.uuid4().hex, CHANNEL, self._notices)
        await device.took(screened, reply)
        return reply

    async def transcribe(self, request: Transcribe | None, pcm: bytes) -> Transcript:
        assert self.recognition is not None
        context = request.context if request is not None else None
        customer_id = self.customer_of(context)
        text = await self.recognition.recognise(pcm, customer_id)
        return Transcript(text, language=self.recognition.language)

    def connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> WyomingConnection:
        return WyomingConnection(reader, writer, self)


class WyomingConnection(AsyncEventHandler):
    """One client connection: its events in order, and the audio of one utterance."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, service: WyomingService
    ) -> None:
        super().__init__(reader, writer)
        self._service = service
        self._request: Transcribe | None = None
        self._audio = bytearray()
        self._converter = AudioChunkConverter(
            rate=SAMPLE_RATE, width=SAMPLE_WIDTH_BYTES, channels=1
        )
        limit_s = service.settings.max_audio_s
        self._max_audio_bytes = int(limit_s * SAMPLE_RATE) * SAMPLE_WIDTH_BYTES

    async def handle_event(self, event: Event) -> bool:
        if Describe.is_type(event.type):
            await self.write_event(self._service.info().event())
        elif Transcript.is_type(event.type):
            answer = await self._service.handle(Transcript.from_event(event))
            await self.write_event(answer.event())
        elif self._service.recognition is None:
            if Transcribe.is_type(event.type):
                await self.write_event(
                    Error("Recognition is off here (ORDERLY_WYOMING_ASR).", "asr_off").event()
                )
                return False
        elif Transcribe.is_type(event.type):
            self._request = Transcribe.from_event(event)
        elif AudioStart.is_type(event.type):
            self._audio.clear()
        elif AudioChunk.is_type(event.type):
            chunk = self._converter.convert(AudioChunk.from_event(event))
            room = self._max_audio_bytes - len(self._audio)
            self._audio += chunk.audio[: max(room, 0)]  # past the limit, the rest is dropped
        elif AudioStop.is_type(event.type):
            return await self._recognise()
        return True

    async def _recognise(self) -> bool:
        audio, self._audio = bytes(self._audio), bytearray()
        try:
            transcript = await self._service.transcribe(self._request, audio)
        except Exception as error:
            logger.exception("wyoming: recognition failed")
            await self.write_event(Error(f"Recognition failed: {error}", "asr_failed").event())
            return False
        await self.write_event(transcript.event())
        return True


def _device(context: dict[str, Any] | None) -> tuple[str | None, str | None]:
    if not isinstance(context, dict):
        return None, None
    device_id, satellite_id = context.get("device_id"), context.get("satellite_id")
    return (
        device_id if isinstance(device_id, str) and device_id else None,
        satellite_id if isinstance(satellite_id, str) and satellite_id else None,
    )
