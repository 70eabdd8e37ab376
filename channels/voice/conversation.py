"""The dialogue stage: a user turn goes to Rasa, the bot's messages come back.

This is where the payment PIN is kept secret. When the assistant has just asked
for it (``SecureInputGuard.is_expecting_secret``), the turn's text is handed to the
guard, which sends it to the merchant and returns only the outcome for Rasa; the
client sees a masked transcript, and nothing here logs the text.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.secure_input import SECRET_NOT_EXPECTED, SecureInputGuard
from channels.voice.outbox import Outbox
from channels.voice.pipeline import BotReply, Frame, Stage, UserTurn
from channels.voice.protocol import BotMessage, ErrorMessage, TranscriptMessage

logger = logging.getLogger(__name__)

MASK = "••••••"
MIN_SECRET_DIGITS = 4
_NUMERAL = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\d(?:[\s-]?\d){5,}")
CHANNEL_NAME = "voice"


class Conversation(Stage):
    def __init__(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        guard: SecureInputGuard,
        sender_id: str,
        outbox: Outbox,
    ) -> None:
        super().__init__()
        self._on_new_message = on_new_message
        self._guard = guard
        self._sender_id = sender_id
        self._outbox = outbox

    async def process(self, frame: Frame) -> None:
        if not isinstance(frame, UserTurn):
            await self.push(frame)
            return
        try:
            await self._take_turn(frame)
        except Exception:
            # Whatever broke, the turn must still end for the client (with reply_end).
            logger.exception("a voice turn from %s failed", self._sender_id)
            message = "The assistant could not answer that; please retry."
            await self._outbox.send(ErrorMessage("dialogue_failed", message, frame.turn))
            await self.push(BotReply(turn=frame.turn))

    async def _take_turn(self, frame: UserTurn) -> None:
        text, secret = await self._screen_secret(frame.text)
        await self._outbox.send(
            TranscriptMessage(
                turn=frame.turn,
                text=MASK if secret else frame.text,
                masked=secret,
                end_reason=frame.end_reason,
            )
        )
        if not secret:
            logger.debug("voice turn from %s: %s", self._sender_id, frame.text)
        messages = await self._ask_rasa(text, frame.turn, spoken=frame.spoken)
        screened = self._guard.screen_outgoing(self._sender_id, messages)
        for message in screened:
            await self._outbox.send(BotMessage(turn=frame.turn, message=message))
        await self.push(BotReply(turn=frame.turn, messages=screened))

    async def _screen_secret(self, said: str) -> tuple[str, bool]:
        """The text Rasa may see in place of ``said``, and whether ``said`` was a secret.

        Recognition garbles the words around a PIN ("My pen is 246 810."), which the
        guard would pass on as an ordinary message. So the numerals alone go to the
        guard when a PIN is expected, or when the turn holds a run of six or more
        digits (never part of an order; a PIN or phone number said at the wrong
        moment). Numerals the guard still does not take as a PIN (a misheard
        length) are dropped rather than given to the dialogue.
        """
        expecting = self._guard.is_expecting_secret(self._sender_id)
        numerals = "".join(_NUMERAL.findall(said))
        reduce = (expecting and len(numerals) >= MIN_SECRET_DIGITS) or _DIGIT_RUN.search(said)
        candidate = numerals if reduce else said
        text = await self._guard.submit_secret(self._sender_id, candidate)
        if reduce and text == numerals:
            text = SECRET_NOT_EXPECTED
        return text, expecting or text != said

    async def _ask_rasa(self, text: str, turn: int, spoken: bool) -> list[dict[str, Any]]:
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
            message = "The assistant could not answer that; please retry."
            await self._outbox.send(ErrorMessage("dialogue_failed", message, turn))
        return collector.messages
