"""Choosing a merchant in the conversation: by name, by item, and the two questions that may
take ("which one?" and "start a new cart there, or finish this one first?").

The cart belongs to one merchant. Ordering from another with items in the cart asks first,
and nothing is lost silently: "no", "finish this one" or the current merchant's name keep
the cart; "yes", "start a new cart" or the other merchant's name empty it (the question
says so) and go on there. An order said with the switch ("a cortado", which only another
merchant sells) is kept in the question and ordered there once the customer agrees.
Merchant rules (which merchant sells what) come from the platform; the merchant in use is
the `merchant_id` slot (actions/merchant_in_use.py).
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import cart as carts
from actions.base import MerchantAction
from actions.checkout import Checkout
from actions.edits import read_edit
from actions.merchant_in_use import (
    MENU_KIND,
    find_merchant,
    menu_merchants,
    merchant_for_items,
    merchant_in_use,
    merchant_named,
    nearest_first,
    use_merchant,
)
from actions.merchants.backend import Merchant, MerchantBackend
from actions.phrasing import join_words
from actions.pickup import PICKED_SLOT
from actions.questions import Question, ask, expect, open_question
from actions.settings import Settings
from actions.state import OrderState, checkout_reset, latest_entities, latest_intent
from contracts.bot_messages import QuestionKind
from contracts.cart_edits import EDIT_ENTITY, REMOVE, CartEdit
from contracts.location import fold_place

# How a kind of merchant is said when merchants are listed.
KIND_WORDS = {"menu": "food and drinks", "booking": "bookings"}
BOOKING_KIND = "booking"
BOOK_STAY = "book_stay"  # the intent of a stay asked for (actions/booking.py)
STAY_SLOT = "stay"
# Answers to "start a new cart there, or finish this one first?" said in words.
_NEW_CART = re.compile(r"\b(?:new|start|switch|fresh|empty|go there|over there|book)\b")
_KEEP_CART = re.compile(r"\b(?:finish|keep|this one|stay|first|current)\b")


def choose_payload(merchant: Merchant) -> str:
    """A button's payload: the merchant chosen, read without the NLU."""
    return f'/choose_merchant{{"merchant": "{merchant.id}"}}'


def listing(merchants: list[Merchant]) -> str:
    return join_words([f"{m.name} ({KIND_WORDS.get(m.kind, m.kind)})" for m in merchants])


def pending_order(tracker: Tracker) -> dict[str, Any]:
    """The order said with a switch, kept to be ordered at the merchant chosen: items, or
    a stay ("book a room in Hangzhou for Friday", `intent` book_stay)."""
    message = tracker.latest_message or {}
    entities = [dict(e) for e in latest_entities(tracker) if e.get("entity") != "merchant"]
    text = str(message.get("text") or "")
    if latest_intent(tracker)[0] == BOOK_STAY:
        return {"text": text, "entities": entities, "intent": BOOK_STAY}
    if not any(e.get("entity") == "item" for e in entities):
        return {}
    return {"text": text, "entities": entities}


def in_progress(tracker: Tracker) -> bool:
    """Whether the customer has something a switch would let go: items in the cart, or a
    stay being booked (the `stay` slot, emptied once paid)."""
    return bool(OrderState.from_tracker(tracker).cart or tracker.get_slot(STAY_SLOT))


def _wants_new_cart(tracker: Tracker, current: str | None, target: str) -> bool | None:
    """The answer to "start a new cart at X, or finish this one first?": True for a new
    cart (yes, "start a new one", X's name), False to keep this one (no, "finish this one
    first", this merchant's name), None for anything else."""
    named = merchant_named(tracker)
    if named is not None:
        return True if named == target else False if named == current else None
    words = fold_place(str(tracker.latest_message.get("text") or ""))
    if _NEW_CART.search(words):
        return True
    intent, _ = latest_intent(tracker)
    if _KEEP_CART.search(words) or intent == "deny":
        return False
    return True if intent == "affirm" else None


def _pick_store(tracker: Tracker, subject: dict[str, Any], merchant_id: str) -> list[EventType]:
    """The pickup store a question offered with the merchant ("who has matcha near me?":
    its nearest open store), taken with it: the store said is the store the order goes to."""
    store = (subject.get("stores") or {}).get(merchant_id)
    if not isinstance(store, dict) or not store.get("id"):
        return []
    picked = {"id": str(store["id"]), "name": str(store.get("name") or store["id"])}
    tracker.slots["store_id"], tracker.slots[PICKED_SLOT] = picked["id"], picked
    return [SlotSet("store_id", picked["id"]), SlotSet(PICKED_SLOT, picked)]


class Choosing:
    """The merchant side of the dialogue, shared by the actions that choose or switch."""

    def __init__(self, backend: MerchantBackend, settings: Settings) -> None:
        self.backend = backend
        self.settings = settings

    async def for_order(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str
    ) -> tuple[list[EventType], bool] | None:
        """Before an order is taken: the merchant it goes to. None: the merchant in use.
        Else (events, done): done when a question was asked (nothing is ordered yet);
        not done when the merchant changed (the cart was empty) and the order goes on."""
        heard = read_edit(latest_entities(tracker))
        if intent in ("remove_item", "change_item") or (heard and heard.verb == REMOVE):
            return None  # an edit of the cart is the cart's merchant's ("scrap the cola")
        said = carts.read_entities(latest_entities(tracker))
        skus = [m.sku for m in said.mentions if m.sku]
        named = merchant_named(tracker)
        if named is None and not skus:
            return None
        in_use = merchant_in_use(tracker, self.settings)
        choice = await merchant_for_items(self.backend, self.settings, tracker, skus, named)
        if choice.merchant_id is None:
            return await self.ask_which(dispatcher, tracker, list(choice.candidates)), True
        target = choice.merchant_id
        if target == in_use:
            if choice.elsewhere:  # said once, by the pass that takes the order
                await self._say_elsewhere(dispatcher, target, list(choice.elsewhere))
            return None
        merchant = await find_merchant(self.backend, target)
        if merchant is None or merchant.kind != MENU_KIND:
            return None  # a booking merchant has no menu: the order stays where it is
        if in_progress(tracker):
            return await self.ask_new_cart(dispatcher, tracker, merchant), True
        if named is None:  # chosen by what was ordered: say so, the store changes too
            dispatcher.utter_message(text=f"That's from {merchant.name}: ordering there now.")
        return use_merchant(tracker, merchant.id), False

    async def _say_elsewhere(
        self,
        dispatcher: CollectingDispatcher,
        merchant_id: str,
        elsewhere: list[tuple[str, Merchant]],
    ) -> None:
        """ "Golden Crumb doesn't sell the Cortado; Copper Kettle Coffee does." """
        here = await find_merchant(self.backend, merchant_id)
        shop = here.name if here else "This shop"
        parts = []
        for sku, seller in elsewhere:
            item = (await self.backend.menu(seller.id, include_unavailable=True)).find(sku)
            name = item.name if item else sku
            parts.append(f"{shop} doesn't sell the {name}; {seller.name} does")
        switch = f"Say 'order from {elsewhere[0][1].name}' to order there."
        dispatcher.utter_message(text=f"{'; '.join(parts)}. {switch}")

    async def ask_which(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        candidates: list[Merchant],
        lead: str = "",
    ) -> list[EventType]:
        """ "Which one: Golden Crumb or Copper Kettle Coffee?" (at most three, nearest
        first), keeping any order said with it for the merchant chosen."""
        if not candidates:
            candidates = await nearest_first(
                self.backend, tracker, await menu_merchants(self.backend)
            )
        names = join_words([m.name for m in candidates]).replace(" and ", " or ")
        pending = pending_order(tracker)
        question = f"Which shop shall I order from: {names}?"
        if pending:
            question = f"Several shops sell that. {question}"
        dispatcher.utter_message(
            text=f"{lead} {question}".strip(),
            buttons=[{"title": m.name, "payload": choose_payload(m)} for m in candidates],
            json_message=expect(QuestionKind.MERCHANT_CHOICE),
        )
        subject = {"candidates": [m.id for m in candidates], "order": pending}
        return [ask(tracker, QuestionKind.MERCHANT_CHOICE, subject)]

    async def ask_new_cart(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, target: Merchant
    ) -> list[EventType]:
        """ "Your cart is at Golden Crumb. Start a new cart at Copper Kettle Coffee (this
        one is emptied), or finish this one first?" """
        current = await find_merchant(self.backend, merchant_in_use(tracker, self.settings) or "")
        here = current.name if current else "this shop"
        kept = "order"
        if current is not None and current.kind == BOOKING_KIND:
            now, what = f"Your booking at {here} isn't finished.", "booking is let go"
            kept = "booking"
        else:
            now, what = (
                f"Your cart is at {here}, and a cart holds one shop's order.",
                "cart is emptied",
            )
        start, button = f"Start a new cart at {target.name}", f"New cart at {target.name}"
        if target.kind == BOOKING_KIND:
            start, button = f"Book at {target.name}", f"Book at {target.name}"
        dispatcher.utter_message(
            text=f"{now} {start} (your {here} {what}), or finish this one first?",
            buttons=[
                {"title": button, "payload": "/affirm"},
                {"title": f"Finish the {here} {kept}", "payload": "/deny"},
            ],
            json_message=expect(QuestionKind.NEW_CART),
        )
        subject = {"merchant_id": target.id, "order": pending_order(tracker)}
        return [ask(tracker, QuestionKind.NEW_CART, subject)]

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType] | None:
        """The answer to "which shop?" or "a new cart there?"; None when the message is no
        such answer (it is then read as anything else would be)."""
        question = open_question(tracker)
        if question is None:
            return None
        if question.kind == QuestionKind.MERCHANT_CHOICE:
            chosen = await self._chosen(tracker, question)
            return (
                None if chosen is None else await self.choose(dispatcher, tracker, chosen, question)
            )
        if question.kind == QuestionKind.NEW_CART:
            target = str(question.subject.get("merchant_id") or "")
            wants = _wants_new_cart(tracker, merchant_in_use(tracker, self.settings), target)
            if wants is True:
                return await self._new_cart(dispatcher, tracker, target, question.subject)
            if wants is False:
                return await self._keep_cart(dispatcher, tracker)
        return None

    async def _chosen(self, tracker: Tracker, question: Question) -> Merchant | None:
        merchants = {m.id: m for m in await self.backend.merchants()}
        candidates = [
            merchants[c] for c in question.subject.get("candidates") or [] if c in merchants
        ]
        named = merchant_named(tracker)
        if named in merchants:
            return merchants[named]
        if len(candidates) == 1 and latest_intent(tracker)[0] == "affirm":
            return candidates[0]  # "yes" to "Shall I order it from Copper Kettle Coffee?"
        for entity in latest_entities(tracker):  # "the second one"
            if entity.get("entity") == EDIT_ENTITY:
                position = CartEdit.parse_raw(str(entity.get("value"))).target.position
                if position is not None and 0 < abs(position) <= len(candidates):
                    return candidates[position - 1 if position > 0 else position]
        return None

    async def choose(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        merchant: Merchant,
        question: Question | None = None,
    ) -> list[EventType]:
        """Order from `merchant` now: at once with an empty cart, else asked first. An order
        kept with the question ("who has matcha near me?") is taken there."""
        subject = question.subject if question is not None else {}
        if merchant.id == merchant_in_use(tracker, self.settings):
            if subject.get("order"):
                picked = [] if in_progress(tracker) else _pick_store(tracker, subject, merchant.id)
                return picked + await self._take_order(dispatcher, tracker, subject["order"])
            dispatcher.utter_message(
                text=f"You're ordering from {merchant.name}. What would you like?",
                json_message=expect(QuestionKind.MORE_OR_DONE),
            )
            return [ask(tracker, QuestionKind.MORE_OR_DONE)]
        if in_progress(tracker):
            return await self.ask_new_cart(dispatcher, tracker, merchant)
        return await self._new_cart(dispatcher, tracker, merchant.id, subject)

    async def _keep_cart(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        from actions.booking import Booking  # both import this module
        from actions.ordering import Ordering

        here = await find_merchant(self.backend, merchant_in_use(tracker, self.settings) or "")
        if here is not None and here.kind == BOOKING_KIND:
            # The stay's next question, or its payment question again.
            tracker.latest_message = {"text": "", "intent": {"name": BOOK_STAY}, "entities": []}
            return await Booking(self.backend, self.settings).turn(dispatcher, tracker)
        ordering = Ordering(self.backend, self.settings)
        menu = await ordering.menu(tracker)
        state = OrderState.from_tracker(tracker)
        return await ordering.say_cart(
            dispatcher, tracker, state, menu, "OK, your cart stays as it is."
        )

    async def _new_cart(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        merchant_id: str,
        subject: dict[str, Any],
    ) -> list[EventType]:
        """Empty the cart, order from `merchant_id`, and take the order kept with the
        question, if any, there."""
        abandoned = await Checkout(self.backend, self.settings).abandon(dispatcher, tracker)
        events: list[EventType] = [*abandoned, *OrderState().events(), *checkout_reset()]
        events += [*use_merchant(tracker, merchant_id), SlotSet(STAY_SLOT, None)]
        tracker.slots["cart"] = []
        tracker.slots[STAY_SLOT] = None
        events += _pick_store(tracker, subject, merchant_id)
        merchant = await find_merchant(self.backend, merchant_id)
        name = merchant.name if merchant else merchant_id
        order = subject.get("order") or {}
        if order:
            booking = order.get("intent") == BOOK_STAY
            dispatcher.utter_message(
                text=f"OK, booking at {name}." if booking else f"OK, a new cart at {name}."
            )
            return events + await self._take_order(dispatcher, tracker, order)
        dispatcher.utter_message(
            text=f"OK, you're ordering from {name}. What would you like?",
            json_message=expect(QuestionKind.MORE_OR_DONE),
        )
        return [*events, ask(tracker, QuestionKind.MORE_OR_DONE)]

    async def _take_order(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order: dict[str, Any]
    ) -> list[EventType]:
        """The order kept with a question, read again at the merchant now in use."""
        from actions.booking import Booking
        from actions.ordering import Ordering

        intent = str(order.get("intent") or "order_item")
        tracker.latest_message = {
            "text": order.get("text", ""),
            "intent": {"name": intent, "confidence": 1.0},
            "entities": order.get("entities") or [],
        }
        if intent == BOOK_STAY:
            return await Booking(self.backend, self.settings).turn(dispatcher, tracker)
        return await Ordering(self.backend, self.settings).update(dispatcher, tracker, "order_item")


class ActionChooseMerchant(MerchantAction):
    """ "Order from Copper Kettle", "open the coffee place", a tap on a merchant's button;
    also the answer to "which shop?" or "a new cart there?" said with a merchant's name."""

    action_name = "action_choose_merchant"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        choosing = Choosing(self.backend, self.settings)
        answered_now = await choosing.answer(dispatcher, tracker)
        if answered_now is not None:
            return answered_now
        named = merchant_named(tracker)
        merchant = await find_merchant(self.backend, named) if named else None
        if merchant is None:
            return await choosing.ask_which(dispatcher, tracker, [])
        return await choosing.choose(dispatcher, tracker, merchant)


class ActionListMerchants(MerchantAction):
    """ "What can I order?": every merchant of the platform with its kind, and which one is
    in use; the ones to order from are offered as buttons."""

    action_name = "action_list_merchants"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        merchants = await self.backend.merchants()
        in_use = await find_merchant(self.backend, merchant_in_use(tracker, self.settings) or "")
        now = f" You're ordering from {in_use.name}." if in_use else ""
        menus = [m for m in merchants if m.kind == MENU_KIND]
        dispatcher.utter_message(
            text=f"You can order from {listing(merchants)}.{now} Which shop?",
            buttons=[{"title": m.name, "payload": choose_payload(m)} for m in menus],
            json_message=expect(QuestionKind.MERCHANT_CHOICE),
        )
        subject = {"candidates": [m.id for m in menus], "order": {}}
        return [ask(tracker, QuestionKind.MERCHANT_CHOICE, subject)]
