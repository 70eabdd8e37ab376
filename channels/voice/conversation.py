"""The dialogue stage: a user turn goes to Rasa, the bot's messages come back.

Every turn passes the payment-PIN policy (``channels.pin_policy``) first, exactly as
on the REST channel: a PIN goes to the merchant with the customer's own token and
Rasa gets only the outcome; a turn that is no PIN while one is pending is asked
again here, without Rasa; PIN-length numbers reach Rasa, the client's transcript
and the log only masked.

Every turn taken here is shown on the customer's other connected devices
(``channels.shared_turns``), and a turn they took elsewhere that reaches this connection
primes recognition like a turn of its own: the speaker hears "yes" to the readback the
screen showed.

After every turn the kind of answer the reply asks for (``custom.expect``) goes
upstream to the Transcriber as an :class:`ExpectedAnswer` frame, so the next
utterance is recognised with the right words in mind.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.identity import Identity
from channels.pin_policy import PinGate, Screened, ScreenKind
from channels.shared_turns import Device
from channels.telemetry import observe_voice_stage, observed_turn
from channels.voice.pipeline import (
    BotReply,
    CustomerAt,
    ExpectedAnswer,
    Frame,
    Stage,
    Transcribed,
    TurnError,
    UserTurn,
)
from channels.voice.vocabulary import expected_answer, offered_stores
from contracts.bot_messages import QuestionKind, merchant_of
from contracts.location import ClientLocation

logger = logging.getLogger(__name__)

CHANNEL_NAME = "voice"
DIALOGUE_FAILED = "The assistant could not answer that; please retry."


class Conversation(Stage):
    """Takes each user turn to the dialogue; tells recognition what answer comes next."""

    def __init__(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        gate: PinGate,
        identity: Identity,
        device: Device | None = None,
    ) -> None:
        super().__init__()
        self._on_new_message = on_new_message
        self._gate = gate
        self._identity = identity
        self._device = device  # None: the turns taken here are shown nowhere else
        self._sender_id = identity.customer_id
        self._location: ClientLocation | None = None  # the client's latest `location`
        # The merchant in use as the replies said it (None: the one conversations start
        # with, also after a reconnect until the next reply says it).
        self._merchant: str | None = None

    async def run(self) -> None:
        # A connection opened while a PIN is asked for (a reconnect) hears it as digits.
        try:
            await self._expect([])
        except Exception:
            logger.exception("the pending PIN request of %s could not be read", self._sender_id)
        await super().run()

    async def process(self, frame: Frame) -> None:
        if isinstance(frame, CustomerAt):
            self._location = frame.location  # for the turns after it; nothing to answer
            return
        if isinstance(frame, BotReply) and frame.elsewhere is not None:
            # The question the other device's turn asked is the one open here too.
            await self._expect(frame.messages)
        if not isinstance(frame, UserTurn):
            await self.push(frame)
            return
        async with observed_turn(CHANNEL_NAME) as turn:
            try:
                reply = await self._take_turn(frame)
            except Exception:
                logger.exception("a voice turn from %s failed", self._sender_id)
                await self.push(TurnError(frame.turn, "dialogue_failed", DIALOGUE_FAILED))
                reply = BotReply(turn=frame.turn, failed=True)
            turn.outcome = "failed" if reply.failed else "answered"
        await self._expect(reply.messages)
        await self.push(reply)

    async def _take_turn(self, frame: UserTurn) -> BotReply:
        screened = await self._gate.incoming(self._sender_id, frame.text, self._identity.token)
        await self.push(
            Transcribed(frame.turn, screened.shown, frame.end_reason, masked=screened.masked)
        )
        logger.debug("voice turn from %s: %s", self._sender_id, screened.shown)
        if screened.kind is ScreenKind.REASK:
            await self._show_elsewhere(screened, list(screened.reply))
            return BotReply(turn=frame.turn, messages=list(screened.reply))
        assert screened.text_for_rasa is not None
        asked = time.monotonic()
        messages, failed = await self._ask_rasa(screened.text_for_rasa, frame)
        observe_voice_stage("dialogue", time.monotonic() - asked)
        replies = await self._gate.outgoing(self._sender_id, messages)
        await self._show_elsewhere(screened, replies)
        return BotReply(turn=frame.turn, messages=replies, failed=failed)

    async def _show_elsewhere(self, screened: Screened, replies: list[dict[str, Any]]) -> None:
        if self._device is not None:
            await self._device.took(screened, replies)

    async def _expect(self, replies: list[dict[str, Any]]) -> None:
        """Send recognition the kind of answer asked for, and the merchant in use (a reply
        that names none leaves it as it was); the PIN gate's own request wins."""
        self._merchant = merchant_of(replies) or self._merchant
        pin = await self._gate.expecting(self._sender_id)
        if pin is not None:
            expected = ExpectedAnswer(
                QuestionKind.PIN, pin_digits=pin.digits, merchant=self._merchant
            )
        else:
            kind, offered = expected_answer(replies), offered_stores(replies)
            expected = ExpectedAnswer(kind, stores=offered, merchant=self._merchant)
        await self.push_upstream(expected)

    async def _ask_rasa(self, text: str, frame: UserTurn) -> tuple[list[dict[str, Any]], bool]:
        """What Rasa said, and whether it failed (what it said before failing still counts).

        An answer recovered from poor audio carries its confidence in the metadata
        (``contracts.heard_answer``): the dialogue holds a money-moving yes to it.
        """
        turn = frame.turn
        collector = CollectingOutputChannel()
        metadata: dict[str, Any] = {"modality": "voice" if frame.spoken else "text"}
        if frame.heard is not None:
            metadata.update(frame.heard.metadata())
        if self._location is not None:
            metadata.update(self._location.metadata())
        message = UserMessage(
            text,
            collector,
            self._sender_id,
            input_channel=CHANNEL_NAME,
            metadata=metadata,
        )
        # Shielded: if the client hangs up mid-turn, Rasa still finishes the turn and
        # saves the tracker, so an order half-way through payment is never left torn.
        try:
            await asyncio.shield(self._on_new_message(message))
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("the assistant failed on a voice turn from %s", self._sender_id)
            await self.push(TurnError(turn, "dialogue_failed", DIALOGUE_FAILED))
            return collector.messages, True
        return collector.messages, False
