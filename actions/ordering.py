"""Building the cart: add, correct, remove, fill in sizes and drinks, start over."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions import cart as carts
from actions.base import UNAVAILABLE, MerchantAction
from actions.checkout import abandon_unconfirmed_order
from actions.merchants import configured_backend
from actions.merchants.backend import Menu, MerchantError
from actions.phrasing import (
    cart_payload,
    describe_line,
    item_name,
    join_words,
    pickup_words,
    yuan,
)
from actions.settings import Settings
from actions.state import OrderState, fresh_start, latest_entities, latest_intent

CORRECTION_INTENTS = ("change_item", "remove_item")


async def say_cart(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    state: OrderState,
    menu: Menu,
    lead: str,
) -> None:
    """Say the cart with its total (priced by the merchant) and show it as a card."""
    settings = Settings.from_env()
    backend = configured_backend()
    if not state.cart:
        # Everything named still needs a size or drink: the form asks next.
        dispatcher.utter_message(
            text=lead
            if state.pending
            else f"{lead} Your cart is empty. What would you like?".strip()
        )
        return
    quote, account, stores = await asyncio.gather(
        backend.quote(settings.merchant_id, [line.request() for line in state.cart]),
        backend.account(tracker.sender_id),
        backend.stores(settings.merchant_id),
    )
    store_id = state.store_id or account.default_store_id
    store_name = next((s.name for s in stores if s.id == store_id), store_id)
    pickup = pickup_words(state.pickup_time)
    items = join_words([describe_line(line.request(), menu) for line in state.cart])
    follow_up = "" if state.pending else " Anything else, or shall I check out?"
    dispatcher.utter_message(
        text=f"{lead} Your cart: {items}. Total {yuan(quote.total)}, pickup at "
        f"{store_name}, {pickup}.{follow_up}".strip(),
        json_message={"cart": cart_payload(quote, {"id": store_id, "name": store_name}, pickup)},
    )


class ActionUpdateCart(MerchantAction):
    """Adds, changes or removes cart lines from what the customer just said."""

    action_name = "action_update_cart"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        menu = await self.backend.menu(self.settings.merchant_id, include_unavailable=True)
        state = OrderState.from_tracker(tracker)
        intent, _ = latest_intent(tracker)
        mentions, loose = carts.mentions_from_entities(latest_entities(tracker))
        before = state.all_lines
        if intent == "remove_item":
            after, lead = carts.remove(before, mentions, menu), "Removed."
        elif intent == "change_item" or (not mentions and (loose.quantity or loose.size)):
            after, lead = (
                carts.change(before, mentions, loose, menu, state.last_sku),
                "Changed.",
            )
        else:
            added = [line for m in mentions if (line := carts.resolve(m, menu))]
            names = join_words([describe_line(line.request(), menu) for line in added])
            after, lead = carts.add(before, added), f"Added {names}."
        if after == before:
            dispatcher.utter_message(
                text="Sorry, I didn't catch which item. Try 'a large latte', "
                "'two hash browns' or 'remove the latte'."
            )
            return []
        new_state = state.with_lines(after, menu)
        await say_cart(dispatcher, tracker, new_state, menu, lead)
        return new_state.events() + await abandon_unconfirmed_order(tracker)


class ActionShowCart(MerchantAction):
    action_name = "action_show_cart"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        menu = await self.backend.menu(self.settings.merchant_id, include_unavailable=True)
        await say_cart(dispatcher, tracker, OrderState.from_tracker(tracker), menu, "")
        return []


class ActionStartOver(MerchantAction):
    action_name = "action_start_over"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        abandoned = await abandon_unconfirmed_order(tracker)
        dispatcher.utter_message(text="OK, I've emptied your cart. What would you like?")
        return abandoned + fresh_start()


class ActionAskItemSize(MerchantAction):
    action_name = "action_ask_item_size"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        menu = await self.backend.menu(self.settings.merchant_id, include_unavailable=True)
        line = _first_missing(OrderState.from_tracker(tracker), menu, "size")
        item = menu.find(line.sku) if line else None
        sizes = item.group("size") if item else None
        if item is None or sizes is None:
            dispatcher.utter_message(text="Which size would you like?")
            return []
        options = [
            f"{size.name.lower()} ({yuan(item.price + size.price)})" for size in sizes.choices
        ]
        dispatcher.utter_message(
            text=f"Which size for the {item.name}: {join_words(options).replace(' and ', ' or ')}?",
            buttons=[
                {
                    "title": size.name,
                    "payload": '/inform{"size": "%s"}' % ("large" if i else "regular"),
                }
                for i, size in enumerate(sizes.choices)
            ],
        )
        return []


class ActionAskComboDrink(MerchantAction):
    action_name = "action_ask_combo_drink"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        menu = await self.backend.menu(self.settings.merchant_id, include_unavailable=True)
        line = _first_missing(OrderState.from_tracker(tracker), menu, "drink")
        item = menu.find(line.sku) if line else None
        choices = item.group("drink") if item else None
        if item is None or choices is None:
            dispatcher.utter_message(text="Which drink would you like with it?")
            return []
        drinks = [item_name(choice.id, menu) for choice in choices.choices]
        sizes = item.group("size")
        large = sizes.choice("large") if sizes else None
        upsize = f" A large drink is {yuan(large.price)} more." if large else ""
        dispatcher.utter_message(
            text=f"Which drink comes with your {item.name}: {' or '.join(drinks)}?{upsize}",
            buttons=[
                {"title": name, "payload": f'/inform{{"item": "{choice.id}"}}'}
                for name, choice in zip(drinks, choices.choices, strict=True)
            ],
        )
        return []


class ValidateLineDetailsForm(FormValidationAction):
    """Fills in the size or combo drink of pending lines, one question at a time.

    Answers are read from the NLU's entities; a message that answers nothing (the
    customer asked something else) is left to the rules, which resume the form.
    """

    def name(self) -> str:
        return "validate_line_details_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            return await super().run(dispatcher, tracker, domain)
        except MerchantError:
            # Nothing validated: the form rejects and the rules answer instead.
            dispatcher.utter_message(text=UNAVAILABLE)
            return []

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        menu = await _menu()
        for line in OrderState.from_tracker(tracker).pending:
            missing = line.missing(menu)
            if missing:
                return ["item_size" if missing == "size" else "combo_drink"]
        return []

    async def extract_item_size(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "item_size":
            return {}
        line = _first_missing(OrderState.from_tracker(tracker), await _menu(), "size")
        size = _answer(tracker, "size", line.sku if line else None)
        return {"item_size": size} if size else {}

    async def extract_combo_drink(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "combo_drink":
            return {}
        menu = await _menu()
        line = _first_missing(OrderState.from_tracker(tracker), menu, "drink")
        item = menu.find(line.sku) if line else None
        group = item.group("drink") if item else None
        choices = [choice.id for choice in group.choices] if group else []
        drinks = [str(e["value"]) for e in latest_entities(tracker) if e.get("entity") == "item"]
        drink = next((sku for sku in drinks if sku in choices), None)
        return {"combo_drink": drink} if drink else {}

    async def validate_item_size(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        if not value:
            return {"item_size": None}
        return await _complete(tracker, "size", size=str(value))

    async def validate_combo_drink(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        if not value:
            return {"combo_drink": None}
        size = _answer(tracker, "size", None)
        return await _complete(tracker, "drink", size=size, drink=str(value))


def _answer(tracker: Tracker, entity: str, sku: str | None) -> str | None:
    """A size the customer gave for this pending line (not for another item)."""
    intent, _ = latest_intent(tracker)
    if intent in CORRECTION_INTENTS:
        return None
    entities = latest_entities(tracker)
    groups_of_sku = {
        e.get("group") for e in entities if e.get("entity") == "item" and e.get("value") == sku
    }
    for e in entities:
        if e.get("entity") == entity and (not e.get("group") or e.get("group") in groups_of_sku):
            return str(e["value"])
    return None


async def _complete(
    tracker: Tracker, missing: str, size: str | None, drink: str | None = None
) -> dict[str, Any]:
    menu = await _menu()
    state = OrderState.from_tracker(tracker)
    pending = list(state.pending)
    index = next((i for i, line in enumerate(pending) if line.missing(menu) == missing), None)
    if index is not None:
        pending[index] = carts.complete(pending[index], size, drink, menu)
    new_state = state.with_lines(carts.add([], state.cart + pending), menu)
    slots: dict[str, Any] = {event["name"]: event["value"] for event in new_state.events()}
    return {**slots, "item_size": None, "combo_drink": None}


def _first_missing(state: OrderState, menu: Menu, missing: str) -> carts.Line | None:
    return next((line for line in state.pending if line.missing(menu) == missing), None)


async def _menu() -> Menu:
    return await configured_backend().menu(
        Settings.from_env().merchant_id, include_unavailable=True
    )
