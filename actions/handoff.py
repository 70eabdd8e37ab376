"""Handing the conversation to a person."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import MerchantAction
from actions.questions import customer_messages

TRANSCRIPT_TURNS = 10


class ActionHandoff(MerchantAction):
    """Records a hand-off request with the recent user turns so a person can pick it up."""

    action_name = "action_handoff"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        said = [
            str(event.get("text")) for event in customer_messages(tracker) if event.get("text")
        ][-TRANSCRIPT_TURNS:]
        reference = await self.backend.request_handoff(
            tracker.sender_id, "customer asked for a person", said
        )
        dispatcher.utter_message(
            text=f"I've asked a team member to take over; your reference is {reference}. "
            "They'll contact you shortly. Your cart is kept as it is."
        )
        return []
