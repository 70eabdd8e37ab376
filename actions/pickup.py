"""Where and when to pick up: the account's nearest store, as soon as possible, unless told."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import MerchantAction
from actions.checkout import Checkout
from actions.phrasing import pickup_words
from actions.questions import answered, ask, expect
from actions.state import awaiting_order, latest_entity
from contracts.bot_messages import QuestionKind


class ActionSetPickup(MerchantAction):
    """Changes the pickup store and/or time; an order waiting for its yes is read again."""

    action_name = "action_set_pickup"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        store_id = latest_entity(tracker, "store")
        pickup_time = latest_entity(tracker, "pickup_time")
        if not store_id and not pickup_time:
            stores = await self.backend.stores(self.settings.merchant_id)
            names = ", ".join(s.name for s in stores)
            dispatcher.utter_message(
                text=f"Which store, and what time? We have {names}.",
                json_message=expect(QuestionKind.STORE_TIME),
            )
            return [ask(tracker, QuestionKind.STORE_TIME)]
        events: list[EventType] = []
        said = []
        if store_id:
            known = {s.id: s for s in await self.backend.stores(self.settings.merchant_id)}
            store = known.get(store_id)
            if store is None:
                dispatcher.utter_message(text="Sorry, I don't know that store.")
                return [answered()]
            events.append(SlotSet("store_id", store_id))
            said.append(f"pickup at {store.name} ({store.opens}-{store.closes})")
        if pickup_time:
            events.append(SlotSet("pickup_time", None if pickup_time == "asap" else pickup_time))
            said.append(pickup_words(pickup_time))
        dispatcher.utter_message(text="OK, " + " ".join(said) + ".")
        if not awaiting_order(tracker):
            return [*events, answered()]
        checkout = Checkout(self.backend, self.settings)
        events += await checkout.abandon(dispatcher, tracker)
        tracker.add_slots(events)
        return events + await checkout.readback(dispatcher, tracker)
