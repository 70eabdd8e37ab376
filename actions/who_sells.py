""" "Who has matcha near me?": the merchants that sell an item, from the packs and the store
network (issue 17 §2).

The merchants that sell it are the platform's (each menu merchant's catalogue, as
`merchant_for_items` reads them: actions/merchant_in_use.py); with a place to look from
(the client's location, a saved place, a place said in words: actions/nearby.py) each is
said with its open store nearest there, at most three, nearest first. The answer asks
which shop to order it from with the one "which shop?" question (`merchant_choice`,
actions/choosing.py), keeping the item said, so "the first one", a name or a tap orders
it there, with pickup at the store said (and "yes" when only one merchant sells it).
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import cart as carts
from actions.base import MerchantAction
from actions.choosing import choose_payload, pending_order
from actions.merchant_in_use import (
    MAX_NAMED,
    merchant_in_use,
    sellers_of,
    with_nearest_store,
)
from actions.merchants.backend import Merchant, Store
from actions.nearby import Whereabouts, whereabouts
from actions.phrasing import join_words
from actions.questions import answered, ask, expect
from actions.state import latest_entities
from actions.store_offers import walk_minutes
from contracts.bot_messages import QuestionKind

WHICH_ITEM = "Which item are you looking for? Name it, and I'll tell you who sells it."
SHARE_WHERE = (
    "Share your location, or say where you are ('near People's Square'), to hear the "
    "nearest open stores."
)


def _seller_words(merchant: Merchant, store: Store | None, where: Whereabouts) -> str:
    if store is None:
        return f"{merchant.name} (no store open near {where.said} now)"
    minutes = walk_minutes(store.distance_m or 0)
    return f"{merchant.name} at {store.name} ({minutes} min walk)"


class ActionWhoSells(MerchantAction):
    """ "Who has matcha near me?", "which shops sell cortados": who sells the item, nearest
    first, and which of them to order it from."""

    action_name = "action_who_sells"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        said = carts.read_entities(latest_entities(tracker))
        sku = next((m.sku for m in said.mentions if m.sku), None)
        if sku is None:
            dispatcher.utter_message(text=WHICH_ITEM)
            return [answered()]
        merchants = await sellers_of(self.backend, sku)
        if not merchants:
            dispatcher.utter_message(text="No shop here sells that now.")
            return [answered()]
        found = (await self.backend.menu(merchants[0].id, include_unavailable=True)).find(sku)
        item = found.name if found else sku
        where = await self._where(tracker, merchants)
        stores: dict[str, dict[str, str]] = {}  # each merchant's store said, taken with it
        if isinstance(where, Whereabouts):
            ranked = await with_nearest_store(self.backend, where, merchants)
            named = [merchant for merchant, _ in ranked]
            stores = {m.id: {"id": s.id, "name": s.name} for m, s in ranked if s is not None}
            listing = "; ".join(
                f"{number}. {_seller_words(merchant, store, where)}"
                for number, (merchant, store) in enumerate(ranked, 1)
            )
            answer = f"The {item} near {where.said}: {listing}."
        else:
            named = merchants[:MAX_NAMED]
            sold_by = join_words([m.name for m in named])
            answer = f"The {item} is sold by {sold_by}. {where or SHARE_WHERE}"
        if len(named) == 1:
            question = f"Shall I order it from {named[0].name}?"
        else:
            question = "Which shop shall I order it from?"
        dispatcher.utter_message(
            text=f"{answer} {question}",
            buttons=[{"title": m.name, "payload": choose_payload(m)} for m in named],
            json_message=expect(QuestionKind.MERCHANT_CHOICE),
        )
        subject = {
            "candidates": [m.id for m in named],
            "order": pending_order(tracker),
            "stores": stores,
        }
        return [ask(tracker, QuestionKind.MERCHANT_CHOICE, subject)]

    async def _where(self, tracker: Tracker, sellers: list[Merchant]) -> Whereabouts | str | None:
        """Where to look from (actions/nearby.py). A place said in words is found among the
        stores of the merchant in use, else of the first sellers ("near People's Square":
        a landmark of Golden Crumb's stores, asked with no merchant in use)."""
        in_use = merchant_in_use(tracker, self.settings)
        merchant_ids = [*([in_use] if in_use else []), *(m.id for m in sellers[:MAX_NAMED])]
        why: str | None = None
        for merchant_id in dict.fromkeys(merchant_ids):
            looked = await whereabouts(self.backend, self.settings, tracker, merchant_id)
            if isinstance(looked, Whereabouts):
                return looked
            why = why or looked  # a saved place named but never saved
        return why
