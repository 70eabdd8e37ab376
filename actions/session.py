"""A new conversation session: the cart carries over, pending questions do not.

After ``session_expiration_time`` (bot/domain/session.yml) a "yes" must not confirm a
payment read back in an earlier session: the pending question and the order waiting
for its yes are dropped (the order is cancelled when the merchant says it is unpaid),
so the next checkout reads a new order back.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import MerchantAction
from actions.checkout import Checkout
from actions.questions import SLOT

# Slots that belong to a moment of the conversation, not to the order being built.
DROPPED = frozenset({SLOT, "order_id", "confirmation_token", "checkout_id"})


class ActionSessionStart(MerchantAction):
    action_name = "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        config = domain.get("session_config") or {}
        carry_over = bool(config.get("carry_over_slots_to_new_session", True))
        kept: list[EventType] = []
        if carry_over:
            kept = [
                SlotSet(name, value)
                for name, value in tracker.slots.items()
                if value is not None and name not in DROPPED and name != "session_started_metadata"
            ]
            # Cancelled only if the merchant says it is unpaid; merchant errors are caught.
            await Checkout(self.backend, self.settings).abandon(dispatcher, tracker)
        return [SessionStarted(), *kept, ActionExecuted("action_listen")]
