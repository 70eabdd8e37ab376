"""Stores near the customer: "nearest open store", "which stores are near me", "a store
that's open at 6:30", "the one near my office", "near People's Square".

Where to look from, in this order (`whereabouts`):
1. a place the customer saved and names ("near my office": the platform's saved places);
2. a place said in words ("People's Square", "Xujiahui", "Nanjing Road"), found by the
   platform among its stores' landmarks, districts and cities;
3. the location the client sent with this message (``contracts.location``).
With none of them the assistant says how to give one and never guesses. The lookups
themselves (nearest open, place names) are the platform's; this module only says them.

Offers are kept in the `store_offers` slot with a `store_choice` question, so the next
message can choose by a tap (a button's payload names the store), by name, or by "the
first one" / "the nearest" (actions/store_offers.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import MerchantAction
from actions.merchant_in_use import merchant_id_of
from actions.merchants.backend import MerchantBackend
from actions.pickup import take_offer
from actions.questions import answered, ask, expect
from actions.settings import Settings
from actions.state import latest_entity
from actions.store_offers import (
    OFFERS_SLOT,
    contains_words,
    offer_slot,
    offers,
    walk_minutes,
)
from contracts.bot_messages import QuestionKind, StoreCard
from contracts.location import ClientLocation, fold_place, location_of, saved_place_name

# Stores offered at once: enough to choose from, few enough to say aloud.
MAX_OFFERS = 3
HOW_TO_SAY_WHERE = (
    "Tell me where you are: share your location (the 'use my location' button, or start "
    "the shell or voice client with --near LAT,LON), name a place ('near People's "
    "Square'), or a place you saved ('near my office')."
)
# "my office", "home": a saved place the customer may mean but has not saved.
_OWN_PLACE = re.compile(r"\bmy ([a-z]+)|\b(home)\b")
# ... but these say where they are now ("near my location") or name a route ("on my way
# to Jing'an"), not a place of their own.
_NOT_OWN_PLACE = frozenset({"way", "location", "position", "current", "area", "side", "own"})
# The name in "save this as my office", "call this place work", "this is my office".
_SAVE_AS = re.compile(
    r"\b(?:as|call (?:it|this|here)(?: place)?|this is|here is)\s+(?P<name>[a-z0-9 ]+?)"
    r"(?:\s+(?:please|save it|thanks?))*\s*$"
)


@dataclass(frozen=True)
class Whereabouts:
    """Where to look from, and how to say it ("you", "your office", "People's Square")."""

    lat: float
    lon: float
    said: str


def client_location(tracker: Tracker) -> ClientLocation | None:
    """The location the client sent with the latest message, if any."""
    return location_of(tracker.latest_message.get("metadata"))


def _text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


async def whereabouts(
    backend: MerchantBackend, settings: Settings, tracker: Tracker, merchant_id: str = ""
) -> Whereabouts | str | None:
    """Where the customer means, or a sentence saying why it is not known (a saved place
    they named but never saved), or None when nothing says where. Places said in words are
    looked up among the stores of `merchant_id` (default: the merchant in use)."""
    text = _text(tracker)
    words = fold_place(text)
    here = client_location(tracker)
    for place in await backend.saved_places(tracker.sender_id):
        if contains_words(words, place.name):
            return Whereabouts(place.lat, place.lon, f"your {place.name}")
    near = None if here is None else (here.lat, here.lon)
    places = await backend.places_named(
        merchant_id or merchant_id_of(tracker, settings), text, near
    )
    if places:
        return Whereabouts(places[0].lat, places[0].lon, places[0].name)
    for own in _OWN_PLACE.finditer(words):
        name = own.group(1) or own.group(2)
        if name not in _NOT_OWN_PLACE:
            return (
                f"You haven't saved a place called {name} yet. When you're there, share your "
                f"location and say 'save this as {'my ' if own.group(1) else ''}{name}'."
            )
    if here is not None:
        return Whereabouts(here.lat, here.lon, "you")
    return None


def open_at(tracker: Tracker) -> tuple[str | None, str | None]:
    """The time the store must be open ("open at 6:30": the `pickup_time` entity as
    HH:MM), as the platform's `open_at` and as said; (None, None) for now. The platform
    reads the time of day only, in the merchant's zone, so any date will do."""
    said = latest_entity(tracker, "pickup_time")
    if said is None or not re.fullmatch(r"\d{2}:\d{2}", said):
        return None, None
    return f"{date.today().isoformat()}T{said}:00", said


def store_payload(store_id: str) -> str:
    """What tapping a store sends: the set_pickup intent naming it (Rasa reads the
    entities of a "/intent{...}" message itself, no NLU)."""
    return '/set_pickup{"store": "' + store_id + '"}'


class ActionListStores(MerchantAction):
    """Stores near where the customer means, up to three, nearest first, with walking
    minutes; without a place, the stores the merchant names, and how to say where."""

    action_name = "action_list_stores"
    needs_merchant = True

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        where = await whereabouts(self.backend, self.settings, tracker)
        if not isinstance(where, Whereabouts):
            return await self._named_stores(dispatcher, tracker, where)
        at, at_said = open_at(tracker)
        found = await self.backend.nearby_stores(
            merchant_id_of(tracker, self.settings), where.lat, where.lon, at, MAX_OFFERS
        )
        when = f" at {at_said}" if at_said else " now"
        if not found:
            dispatcher.utter_message(text=f"No store near {where.said} is open{when}.")
            return [answered()]
        cards = [
            StoreCard(
                id=store.id,
                name=store.name,
                address=store.address,
                opens=store.opens,
                closes=store.closes,
                distance_m=store.distance_m or 0,
                walk_minutes=walk_minutes(store.distance_m or 0),
                payload=store_payload(store.id),
            )
            for store in found
        ]
        listing = "; ".join(
            f"{number}. {card.name}, {card.address} ({card.walk_minutes} min walk)"
            for number, card in enumerate(cards, 1)
        )
        dispatcher.utter_message(
            text=f"Open near {where.said}{when}: {listing}. Which one?",
            buttons=[
                {"title": f"{card.name} · {card.walk_minutes} min", "payload": card.payload}
                for card in cards
            ],
            json_message=expect(QuestionKind.STORE_CHOICE, stores=cards),
        )
        return [
            SlotSet(OFFERS_SLOT, [offer_slot(store, at_said) for store in found]),
            ask(tracker, QuestionKind.STORE_CHOICE),
        ]

    async def _named_stores(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, why: str | None
    ) -> list[EventType]:
        stores = await self.backend.stores(merchant_id_of(tracker, self.settings))
        listing = "; ".join(
            f"{s.name}, {s.address} ({s.opens}-{s.closes}{'' if s.open_now else ', closed now'})"
            for s in stores
        )
        dispatcher.utter_message(text=why or HOW_TO_SAY_WHERE)
        dispatcher.utter_message(text=f"Our main stores: {listing}.")
        return [answered()]


class ActionPickNearestStore(MerchantAction):
    """ "Nearest open store": the first of the stores just offered, or the nearest open one
    to where the customer means, taken at once and said with its walking minutes."""

    action_name = "action_pick_nearest_store"
    needs_merchant = True

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        offered = offers(tracker)
        if offered:  # "the nearest" after stores were offered: the first of them
            return await take_offer(self.backend, self.settings, dispatcher, tracker, offered[0])
        where = await whereabouts(self.backend, self.settings, tracker)
        if not isinstance(where, Whereabouts):
            dispatcher.utter_message(text=where or HOW_TO_SAY_WHERE)
            return [answered()]
        at, at_said = open_at(tracker)
        found = await self.backend.nearby_stores(
            merchant_id_of(tracker, self.settings), where.lat, where.lon, at, 1
        )
        if not found:
            when = f" at {at_said}" if at_said else " now"
            dispatcher.utter_message(text=f"No store near {where.said} is open{when}.")
            return [answered()]
        nearest = offer_slot(found[0], at_said)
        dispatcher.utter_message(
            text=f"The nearest open store to {where.said} is {nearest['name']}, "
            f"{nearest['address']}."
        )
        return await take_offer(self.backend, self.settings, dispatcher, tracker, nearest)


class ActionSavePlace(MerchantAction):
    """ "Save this as my office": the location the client sent, kept on the platform under
    the customer's name for it."""

    action_name = "action_save_place"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        said = _SAVE_AS.search(fold_place(_text(tracker)))
        name = saved_place_name(said.group("name")) if said else ""
        if not name:
            dispatcher.utter_message(text="What should I call it? Say 'save this as my office'.")
            return [answered()]
        here = client_location(tracker)
        if here is None:
            dispatcher.utter_message(
                text=f"I don't know where you are, so I can't save it as {name}. Share your "
                "location (the 'use my location' button, or --near LAT,LON) and say it again."
            )
            return [answered()]
        place = await self.backend.save_place(tracker.sender_id, name, here.lat, here.lon)
        dispatcher.utter_message(
            text=f"Saved this as your {place.name}. Ask for 'the store near my {place.name}' "
            "any time."
        )
        return [answered()]
