"""The dialogue stage: a user turn goes to Rasa, the bot's messages come back.

Every turn passes the payment-PIN policy (``channels.pin_policy``) first, exactly as
on the REST channel: a PIN goes to the merchant with the customer's own token and
Rasa gets only the outcome; a turn that is no PIN while one is pending is asked
again here, without Rasa; PIN-length numbers reach Rasa, the client's transcript
and the log only masked.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.identity import Identity
from channels.pin_policy import PinGate, ScreenKind
from channels.telemetry import observe_voice_stage, observed_turn
from channels.voice.outbox import Outbox
from channels.voice.pipeline import BotReply, Frame, Stage, UserTurn
from channels.voice.vocabulary import OpenQuestions
from contracts.voice_protocol import BotMessage, ErrorMessage, TranscriptMessage

logger = logging.getLogger(__name__)

CHANNEL_NAME = "voice"


class Conversation(Stage):
    def __init__(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        gate: PinGate,
        identity: Identity,
        outbox: Outbox,
        questions: OpenQuestions,
    ) -> None:
        super().__init__()
        self._questions = questions
        self._on_new_message = on_new_message
        self._gate = gate
        self._identity = identity
        self._sender_id = identity.customer_id
        self._outbox = outbox

    async def process(self, frame: Frame) -> None:
        if not isinstance(frame, UserTurn):
            await self.push(frame)
            return
        async with observed_turn(CHANNEL_NAME) as turn:
            try:
                reply = await self._take_turn(frame)
            except Exception:
                logger.exception("a voice turn from %s failed", self._sender_id)
                await self._report_failure(frame.turn)
                reply = BotReply(turn=frame.turn, failed=True)
            turn.outcome = "failed" if reply.failed else "answered"
        # Whatever happened, the reply goes on to the Speaker, which ends the turn.
        await self.push(reply)

    async def _take_turn(self, frame: UserTurn) -> BotReply:
        screened = await self._gate.incoming(self._sender_id, frame.text, self._identity.token)
        await self._outbox.put(
            TranscriptMessage(
                turn=frame.turn,
                text=screened.shown,
                masked=screened.masked,
                end_reason=frame.end_reason,
            )
        )
        logger.debug("voice turn from %s: %s", self._sender_id, screened.shown)
        failed = False
        if screened.kind is ScreenKind.REASK:
            replies = list(screened.reply)
        else:
            assert screened.text_for_rasa is not None
            asked = time.monotonic()
            messages, failed = await self._ask_rasa(
                screened.text_for_rasa, frame.turn, frame.spoken
            )
            observe_voice_stage("dialogue", time.monotonic() - asked)
            replies = await self._gate.outgoing(self._sender_id, messages)
        self._questions.asked(self._sender_id, replies)
        for message in replies:
            await self._outbox.put(BotMessage(turn=frame.turn, message=message))
        return BotReply(turn=frame.turn, messages=replies, failed=failed)

    async def _report_failure(self, turn: int) -> None:
        message = "The assistant could not answer that; please retry."
        await self._outbox.put(ErrorMessage("dialogue_failed", message, turn))

    async def _ask_rasa(
        self, text: str, turn: int, spoken: bool
    ) -> tuple[list[dict[str, Any]], bool]:
        """What Rasa said, and whether it failed (what it said before failing still counts)."""
        collector = CollectingOutputChannel()
        message = UserMessage(
            text,
            collector,
            self._sender_id,
            input_channel=CHANNEL_NAME,
            metadata={"modality": "voice" if spoken else "text"},
        )
        # Shielded: if the client hangs up mid-turn, Rasa still finishes the turn and
        # saves the tracker, so an order half-way through payment is never left torn.
        try:
            await asyncio.shield(self._on_new_message(message))
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("the assistant failed on a voice turn from %s", self._sender_id)
            await self._report_failure(turn)
            return collector.messages, True
        return collector.messages, False
