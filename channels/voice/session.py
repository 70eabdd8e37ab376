"""One voice connection: reads the socket and feeds the pipeline.

The socket loop only parses and validates; everything slow happens in the stages
(see ``channels.voice.pipeline``). Nothing here writes to the socket: what the
client is told leaves through the pipeline's last stage, the
:class:`~channels.voice.output.Output`. A bad frame or message earns one ``error``
message and is dropped; the connection and the conversation go on. When the client
goes away (or stops reading), audio not yet ended is dropped, but a turn Rasa
already started finishes (the tracker, keyed by sender id, holds the order for the
next connection).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

from channels.identity import Identity
from channels.pin_policy import PinGate
from channels.shared_turns import Device
from channels.voice.conversation import Conversation
from channels.voice.engines import VoiceEngines
from channels.voice.listening import Listener, Transcriber
from channels.voice.output import Output
from channels.voice.pipeline import (
    AudioIn,
    CustomerAt,
    Elsewhere,
    EndOfSpeech,
    Interruption,
    News,
    Notice,
    UserText,
)
from channels.voice.speaking import Speaker
from contracts.bot_messages import SharedTurn
from contracts.voice_protocol import (
    SUPPORTED_SAMPLE_RATES,
    ClientMessage,
    EndOfUtterance,
    ErrorMessage,
    Hello,
    Interrupt,
    Location,
    ProtocolError,
    SharedTurns,
    Start,
    Started,
    Text,
    check_audio_frame,
    parse_client_message,
)
from speech.pcm import pcm16_to_samples
from speech.recognition import SAMPLE_RATE
from speech.resampling import Resampler
from speech.synthesis.base import AUDIO_FORMAT

logger = logging.getLogger(__name__)


class VoiceSession:
    def __init__(
        self,
        socket: Any,
        output: Output,
        identity: Identity,
        engines: VoiceEngines,
        gate: PinGate,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        reply_lead_s: float,
        device: Device | None = None,
    ) -> None:
        self._socket = socket
        sender_id = self.sender_id = identity.customer_id
        self._settings = engines.settings
        self._output = output
        self._resampler: Resampler | None = None
        self._listener = Listener(engines.endpointer())
        transcriber = Transcriber(engines, sender_id)
        conversation = Conversation(on_new_message, gate, identity, device)
        speaker = self._speaker = Speaker(engines, reply_lead_s)
        self._listener.link(transcriber).link(conversation).link(speaker).link(output)
        self._stages = (self._listener, transcriber, conversation, speaker)

    async def run(self) -> None:
        """Until the client leaves or can no longer be sent anything."""
        hello = Hello(
            sender_id=self.sender_id,
            sample_rates=SUPPORTED_SAMPLE_RATES,
            max_frame_bytes=self._settings.max_frame_bytes,
            max_utterance_s=self._settings.max_utterance_s,
            reply_audio={"format": AUDIO_FORMAT, "channels": 1},
        )
        await self._listener.put(Notice(hello))  # first, before anything is read
        tasks = [asyncio.create_task(stage.run()) for stage in self._stages]
        gone = asyncio.create_task(self._output.gone())
        reading = asyncio.create_task(self._read())
        try:
            await asyncio.wait({reading, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # The output outlives the session: its owner sends what is left and closes.
            for task in (reading, gone, *tasks):
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(reading, gone, *tasks, return_exceptions=True)
            logger.debug("voice connection of %s closed", self.sender_id)

    async def tell(self, messages: list[dict[str, Any]]) -> None:
        """A notification (channels/notifications.py): said and shown as a turn of the
        assistant's own, after any turn already under way."""
        await self._listener.put(News(messages))

    async def show(self, turn: SharedTurn) -> None:
        """A turn the customer took on another device (channels/shared_turns.py): shown and
        said here as a turn of its own, after any turn already under way."""
        await self._listener.put(Elsewhere(turn))

    async def _read(self) -> None:
        while True:
            try:
                data = await self._socket.recv()
            except Exception as error:  # Sanic's WebsocketClosed, websockets' ConnectionClosed
                logger.debug("voice socket of %s ended: %s", self.sender_id, type(error).__name__)
                return
            if data is None:
                return
            try:
                if isinstance(data, (bytes, bytearray, memoryview)):
                    await self._on_audio(bytes(data))
                else:
                    await self._on_message(
                        parse_client_message(data, self._settings.max_text_chars)
                    )
            except ProtocolError as error:
                await self._listener.put(Notice(ErrorMessage(error.code, error.message)))

    async def _on_audio(self, frame: bytes) -> None:
        check_audio_frame(frame, self._settings.max_frame_bytes)
        if self._resampler is None:
            raise ProtocolError(
                "audio_before_start",
                'Declare the audio first: {"type": "start", "sample_rate": 16000}.',
            )
        samples = self._resampler.process(pcm16_to_samples(frame))
        await self._listener.put(AudioIn(samples))

    async def _on_message(self, message: ClientMessage) -> None:
        if isinstance(message, Start):
            await self._flush_resampler()
            self._resampler = Resampler(message.sample_rate, SAMPLE_RATE)
            self._listener.end_on_silence(message.endpointing == "server")
            started = Started(sample_rate=message.sample_rate, endpointing=message.endpointing)
            await self._listener.put(Notice(started))
        elif isinstance(message, EndOfUtterance):
            await self._flush_resampler()
            await self._listener.put(EndOfSpeech())
        elif isinstance(message, Text):
            await self._listener.put(UserText(message.text))
        elif isinstance(message, Interrupt):
            await self._listener.put(Interruption(reason="client"))
        elif isinstance(message, Location):
            await self._listener.put(CustomerAt(message.location))
        elif isinstance(message, SharedTurns):
            self._speaker.speak_turns_elsewhere = message.spoken

    async def _flush_resampler(self) -> None:
        if self._resampler is not None:
            tail = self._resampler.flush()
            if len(tail):
                await self._listener.put(AudioIn(tail))
