"""The stores just offered near the customer (actions/nearby.py), kept in the
`store_offers` slot with a `store_choice` question, and which of them the next message
chooses: a tap (its button names the store), a name, "the first one" or "the nearest".
"""

from __future__ import annotations

import math
import re
from typing import Any

from rasa_sdk import Tracker

from actions.merchants.backend import Store
from actions.questions import open_question
from actions.state import latest_entities, latest_entity
from contracts.bot_messages import QuestionKind
from contracts.cart_edits import EDIT_ENTITY, CartEdit
from contracts.location import fold_place

# An easy walking pace in a city: 80 m a minute is 4.8 km/h, the pace urban planners use
# for "a five-minute walk is 400 m". Walking minutes are distance / pace, rounded up.
WALKING_METRES_PER_MINUTE = 80
OFFERS_SLOT = "store_offers"
_NEAREST = re.compile(r"\b(?:nearest|closest)\b")


def walk_minutes(distance_m: int) -> int:
    return max(1, math.ceil(distance_m / WALKING_METRES_PER_MINUTE))


def offer_slot(store: Store, pickup_time: str | None) -> dict[str, Any]:
    """One offer as the slot keeps it; `pickup_time` is the time asked about ("open at
    6:30"), which choosing the store also takes."""
    return {
        "id": store.id,
        "name": store.name,
        "address": store.address,
        "opens": store.opens,
        "closes": store.closes,
        "distance_m": store.distance_m or 0,
        "pickup_time": pickup_time,
    }


def offers(tracker: Tracker) -> list[dict[str, Any]]:
    """The stores offered while their question is still open (for the very next message)."""
    question = open_question(tracker)
    value = tracker.get_slot(OFFERS_SLOT)
    if question is None or question.kind != QuestionKind.STORE_CHOICE:
        return []
    return (
        [o for o in value if isinstance(o, dict) and "id" in o] if isinstance(value, list) else []
    )


def contains_words(words: str, name: str) -> bool:
    """Whether folded `words` hold folded `name` as whole words."""
    return bool(name) and f" {name} " in f" {words} "


def chosen_offer(tracker: Tracker) -> dict[str, Any] | None:
    """The offered store the latest message chooses: by a store entity (a tap, or a listed
    store's name), by "the first one"/"the last one" (the NLU's `edit` position, the one
    reading of ordinals), by "the nearest", or by an offered store's name (a store entity
    of a store not offered, an alias heard inside the name, does not stop that)."""
    offered = offers(tracker)
    if not offered:
        return None
    store_id = latest_entity(tracker, "store")
    tapped = next((o for o in offered if o["id"] == store_id), None)
    if tapped is not None:
        return tapped
    for entity in latest_entities(tracker):
        if entity.get("entity") == EDIT_ENTITY:
            position = CartEdit.parse_raw(str(entity.get("value"))).target.position
            if position is not None and 0 < abs(position) <= len(offered):
                return offered[position - 1 if position > 0 else position]
    words = fold_place(str(tracker.latest_message.get("text") or ""))
    if _NEAREST.search(words):
        return offered[0]
    named = [o for o in offered if _names(words, fold_place(str(o["name"])))]
    return named[0] if len(named) == 1 else None


def _names(words: str, name: str) -> bool:
    """Whether the words name the store: its whole name, or its last two words or more
    ("Pudong 5" for "Shanghai Pudong 5": people drop the city they are in)."""
    parts = name.split()
    return any(
        contains_words(words, " ".join(parts[start:])) for start in range(max(1, len(parts) - 1))
    )
