"""Saying the last turn again ("sorry?", "say that again"): useful by voice above all."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import cart as carts
from actions.base import MerchantAction
from actions.edits import read_edit
from actions.ordering import Ordering
from actions.questions import ask, open_question
from actions.state import latest_entities
from contracts.cart_edits import COMPLAIN


class ActionRepeat(MerchantAction):
    """Repeats the assistant's previous turn word for word, buttons and cards included.

    Repeating a question re-asks it: its pending question stays open for the next
    message, a readback stays a readback, a PIN request stays a PIN request (the
    channel's guard sees the request again).
    """

    action_name = "action_repeat"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        said = carts.read_entities(latest_entities(tracker))
        edit = read_edit(latest_entities(tracker))
        if edit is not None and edit.verb == COMPLAIN:
            # "you misheard me" heard as "sorry?": nothing changes, and what to change is
            # asked, never the order said again as if it were right
            return await Ordering(self.backend, self.settings).update(
                dispatcher, tracker, "change_item"
            )
        if said.mentions or said.loose.options:
            # "sorry, large for that one" heard as "sorry?": words that say what to order or
            # change are never a request to hear the last turn again (a count alone is not
            # enough: "say that one more time").
            intent = "order_item" if said.mentions else "change_item"
            return await Ordering(self.backend, self.settings).update(dispatcher, tracker, intent)
        previous_turn: list[dict[str, Any]] = []
        user_turns = 0
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                user_turns += 1
                if user_turns == 2:
                    break
            elif event.get("event") == "bot" and user_turns == 1:
                previous_turn.insert(0, event)
        if not previous_turn:
            dispatcher.utter_message(text="I haven't said anything yet. What would you like?")
        for event in previous_turn:
            data = event.get("data") or {}
            dispatcher.utter_message(
                text=event.get("text"), buttons=data.get("buttons"), json_message=data.get("custom")
            )
        question = open_question(tracker)
        return [ask(tracker, question.kind, question.subject)] if question else []
