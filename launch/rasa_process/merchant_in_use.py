"""The NLU hears a message as the merchant the conversation orders from sells.

Rasa's NLU components see a message and its metadata, never the conversation. One
conversation may order from several merchants (the `merchant_id` slot,
actions/merchant_in_use.py), and "soya milk" is an option word at one and an item at
another: before Rasa parses a message of a conversation, the slot goes into the message's
metadata (`contracts.lexicon.MERCHANT_IN_USE`), which `MenuEntityExtractor` reads. A message
parsed without a conversation (`/model/parse`) is heard as the merchant conversations start
with.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from contracts.lexicon import MERCHANT_IN_USE

SLOT = "merchant_id"

_installed = False


def install() -> None:
    """Wrap `MessageProcessor.parse_message` (once) to put the slot in the metadata."""
    global _installed
    if _installed:
        return
    original = MessageProcessor.parse_message

    async def parse_message(
        self: MessageProcessor,
        message: UserMessage,
        tracker: DialogueStateTracker | None = None,
        only_output_properties: bool = True,
    ) -> dict[str, Any]:
        merchant_id = tracker.get_slot(SLOT) if tracker is not None else None
        if isinstance(merchant_id, str) and merchant_id:
            message.metadata = {**(message.metadata or {}), MERCHANT_IN_USE: merchant_id}
        return await original(self, message, tracker, only_output_properties)

    MessageProcessor.parse_message = parse_message
    _installed = True
