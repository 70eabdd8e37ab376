"""Where and when to pick up: the account's nearest store, as soon as possible, unless told.

A store is set here by its id or name (`ActionSetPickup`) or from the stores just offered
near the customer (actions/nearby.py, actions/store_offers.py): either way through
`take_store`, so an order waiting for its yes is read again with the new store. So is a
checkout that stopped at a full pickup slot, when a time is said or the offered one taken.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import cart as carts
from actions.base import MerchantAction
from actions.booking import Booking
from actions.checkout import THEN_READBACK, UNCLEAR, Checkout
from actions.merchant_in_use import merchant_id_of
from actions.merchants.backend import MerchantBackend, Store
from actions.phrasing import pickup_words
from actions.questions import answered, ask, expect, open_question
from actions.settings import Settings
from actions.state import awaiting_order, latest_entities, latest_entity, latest_intent
from actions.store_offers import OFFERS_SLOT, chosen_offer, walk_minutes
from contracts.bot_messages import QuestionKind

# The store last taken from those found nearby, {"id", "name"}: network stores are not in
# the hand-named list the cart would otherwise name them from.
PICKED_SLOT = "picked_store"


async def take_store(
    backend: MerchantBackend,
    settings: Settings,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    store_id: str | None,
    said: list[str],
    pickup_time: str | None = None,
    name: str | None = None,
) -> list[EventType]:
    """Set the store and/or time and say so ("OK, pickup at ..."); an order waiting for its
    yes is abandoned and read back again with them. `name`: the store's, kept for a store
    found nearby (`store_name` finds the hand-named ones without it)."""
    events: list[EventType] = []
    if store_id is not None:
        events.append(SlotSet("store_id", store_id))
        if name is not None:
            events.append(SlotSet(PICKED_SLOT, {"id": store_id, "name": name}))
    if pickup_time:
        events.append(SlotSet("pickup_time", None if pickup_time == "asap" else pickup_time))
        said = [*said, pickup_words(pickup_time)]
    dispatcher.utter_message(text="OK, " + " ".join(said) + ".")
    checkout = Checkout(backend, settings)
    if awaiting_order(tracker):
        events += await checkout.abandon(dispatcher, tracker)
    elif not checking_out(tracker):
        return [*events, answered()]
    tracker.add_slots(events)
    return events + await checkout.readback(dispatcher, tracker)


async def answer_slot_offer(
    backend: MerchantBackend,
    settings: Settings,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
) -> list[EventType] | None:
    """A yes to "Shall I make it 09:10?" takes that time and reads the order back, whatever
    intent the model heard in it: "ok that one" sounds like "that's it" to it (checkout),
    and "ok that one please" like an order. None when the message is not a yes to the
    offer: no offer is open, or it names an item or another time, or it is a no."""
    question = open_question(tracker)
    if question is None or question.kind != QuestionKind.SLOT_OFFER:
        return None
    said = carts.read_entities(latest_entities(tracker))
    another_time = latest_entity(tracker, "pickup_time") is not None
    if said.mentions or said.unplaced or another_time or latest_intent(tracker)[0] == "deny":
        return None
    offered = str(question.subject.get("pickup_time"))
    return await take_store(backend, settings, dispatcher, tracker, None, [], offered)


def checking_out(tracker: Tracker) -> bool:
    """Whether the checkout is waiting for a pickup time: the one asked for was full, and
    the next free one was offered (actions/checkout.py `offer_slot`) or declined."""
    question = open_question(tracker)
    return (
        question is not None
        and question.kind in (QuestionKind.SLOT_OFFER, QuestionKind.STORE_TIME)
        and question.subject.get("then") == THEN_READBACK
    )


async def take_offer(
    backend: MerchantBackend,
    settings: Settings,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    offer: dict[str, Any],
    pickup_time: str | None = None,
) -> list[EventType]:
    """Take one of the stores offered near the customer, with its walking minutes, and the
    time the offer was made for ("a store open at 6:30") unless another is said now."""
    minutes = walk_minutes(int(offer.get("distance_m") or 0))
    said = f"pickup at {offer['name']} ({offer['opens']}-{offer['closes']}, {minutes} min walk)"
    time = pickup_time or offer.get("pickup_time")
    return [
        SlotSet(OFFERS_SLOT, None),
        *await take_store(
            backend, settings, dispatcher, tracker, str(offer["id"]), [said], time, offer["name"]
        ),
    ]


async def answer_store_choice(
    backend: MerchantBackend,
    settings: Settings,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
) -> list[EventType] | None:
    """The answer to "Which one?" after stores were offered ("the second one", "the
    nearest", a name); None when the message chooses none of them (it is then read as
    anything else would be)."""
    offer = chosen_offer(tracker)
    if offer is None:
        return None
    time = latest_entity(tracker, "pickup_time")
    return await take_offer(backend, settings, dispatcher, tracker, offer, time)


def store_name(tracker: Tracker, stores: list[Store], store_id: str) -> str:
    """What to call the pickup store: a hand-named one by its name, one of the network
    found nearby by the name kept when it was taken (neither is in the short list the
    platform names by hand), else its id."""
    named = next((store.name for store in stores if store.id == store_id), None)
    picked = tracker.get_slot(PICKED_SLOT)
    if named is None and isinstance(picked, dict) and picked.get("id") == store_id:
        named = str(picked.get("name") or "") or None
    return named or store_id


# "can I change the pickup time?", "a different store": words about where or when.
_SPEAKS_OF_PICKUP = re.compile(
    r"\b(?:pick(?:ing)?[ -]?up|store|shop|branch|location|time|when|where|collect)\b", re.I
)


class ActionSetPickup(MerchantAction):
    """Changes the pickup store and/or time; an order waiting for its yes is read again."""

    action_name = "action_set_pickup"
    needs_merchant = True

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        booking = Booking(self.backend, self.settings)
        if await booking.takes_turn(tracker):  # "at the West Lake one": the stay's hotel
            return await booking.turn(dispatcher, tracker)
        chosen = await answer_store_choice(self.backend, self.settings, dispatcher, tracker)
        if chosen is not None:
            return chosen  # a tap on an offered store, or its name
        store_id = latest_entity(tracker, "store")
        pickup_time = latest_entity(tracker, "pickup_time")
        heard = carts.read_entities(latest_entities(tracker))
        if (
            not store_id
            and not pickup_time
            and (heard.mentions or heard.loose.options or heard.loose.quantity)
        ):
            # "oh wait, small please" heard as a pickup change: it says what to order
            from actions.ordering import Ordering  # it imports this module

            return await Ordering(self.backend, self.settings).update(
                dispatcher, tracker, "change_item" if not heard.mentions else "order_item"
            )
        pending = open_question(tracker)
        text = str(tracker.latest_message.get("text") or "")
        if (
            not store_id
            and not pickup_time
            and pending
            and pending.kind == QuestionKind.PAY
            and not _SPEAKS_OF_PICKUP.search(text)
        ):
            # "blorf wibble" at "Shall I pay ...?", which DIET may hear as a pickup change:
            # the payment question is asked again, as for any unclear answer
            return await Checkout(self.backend, self.settings).reask(dispatcher, tracker, UNCLEAR)
        if not store_id and not pickup_time:
            stores = await self.backend.stores(merchant_id_of(tracker, self.settings))
            names = ", ".join(s.name for s in stores)
            dispatcher.utter_message(
                text=f"Which store, and what time? We have {names}.",
                json_message=expect(QuestionKind.STORE_TIME),
            )
            return [ask(tracker, QuestionKind.STORE_TIME)]
        said = []
        if store_id:
            known = {
                s.id: s for s in await self.backend.stores(merchant_id_of(tracker, self.settings))
            }
            store = known.get(store_id)
            if store is None:
                dispatcher.utter_message(text="Sorry, I don't know that store.")
                return [answered()]
            said.append(f"pickup at {store.name} ({store.opens}-{store.closes})")
        return await take_store(
            self.backend, self.settings, dispatcher, tracker, store_id, said, pickup_time
        )
