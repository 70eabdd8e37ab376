"""Menu questions: what is on, prices, combos, breakfast hours, stores."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import MerchantAction
from actions.cart import SIZE_GROUP, read_entities, valid_options
from actions.choosing import ActionListMerchants
from actions.merchant_in_use import merchant_id_of, merchant_in_use, merchant_named
from actions.merchants.backend import MenuItem
from actions.phrasing import (
    DRINK_GROUP,
    custom,
    item_name,
    join_words,
    menu_payload,
    not_caught,
)
from actions.state import latest_entities
from contracts.money import format_money


def sizes(item: MenuItem) -> list[tuple[str, int]]:
    """(size name, price) of each size of the item; one entry when it has no sizes."""
    group = item.group(SIZE_GROUP)
    if group is None or item.group(DRINK_GROUP) is not None:
        return [("regular", item.price)]
    return [(c.name.lower(), price_with(item, {SIZE_GROUP: c.id})) for c in group.choices]


def price_words(item: MenuItem) -> str:
    prices = sizes(item)
    if len(prices) == 1:
        return format_money(prices[0][1])
    return join_words([f"{name} {format_money(price)}" for name, price in prices])


def price_with(item: MenuItem, options: dict[str, str]) -> int:
    """The unit price with these choices instead of the defaults."""
    price = item.price
    for group in item.options:
        chosen = group.choice(options.get(group.id, group.default))
        default = group.choice(group.default)
        price += (chosen.price if chosen else 0) - (default.price if default else 0)
    return price


class ActionShowMenu(MerchantAction):
    action_name = "action_show_menu"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        # "what's on the menu at the bakery": that merchant's; with none in use, which one?
        merchant_id = merchant_named(tracker) or merchant_in_use(tracker, self.settings)
        if merchant_id is None:
            return await ActionListMerchants(self.backend, self.settings).act(dispatcher, tracker)
        menu = await self.backend.menu(merchant_id)
        title = "Breakfast menu" if menu.breakfast_served else "All-day menu"
        listing = "; ".join(f"{item.name} {price_words(item)}" for item in menu.items)
        dispatcher.utter_message(
            text=f"On the {title.lower()} now: {listing}.",
            json_message=custom(menu=menu_payload(menu, title)),
        )
        return []


class ActionTellPrice(MerchantAction):
    action_name = "action_tell_price"
    needs_merchant = True

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        menu = await self.backend.menu(
            merchant_id_of(tracker, self.settings), include_unavailable=True
        )
        said = read_entities(latest_entities(tracker))
        answers = []
        for mention in said.mentions:
            item = menu.find(mention.sku or "")
            if item is None:
                continue
            options = valid_options(item, {**said.loose.options, **mention.options})
            if options:
                words = " ".join(
                    c.name.lower()
                    for g in item.options
                    if g.id in options and (c := g.choice(options[g.id])) is not None
                )
                answers.append(
                    f"a {words} {item.name} is {format_money(price_with(item, options))}"
                )
            else:
                answers.append(f"{item.name}: {price_words(item)}")
            if not item.available:
                answers[-1] += " (not being served right now)"
        # "how much is a large blorp?": the words that name nothing are said back.
        missed = f"I didn't catch {not_caught(said.unplaced)}." if said.unplaced else ""
        if not answers:
            text = f"{'Sorry, ' + missed if missed else ''} Which item would you like the price of?"
            dispatcher.utter_message(text=text.strip())
        else:
            text = join_words(answers)
            dispatcher.utter_message(text=f"{text[0].upper()}{text[1:]}. {missed}".strip())
        return []


class ActionExplainCombo(MerchantAction):
    action_name = "action_explain_combo"
    needs_merchant = True

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        menu = await self.backend.menu(
            merchant_id_of(tracker, self.settings), include_unavailable=True
        )
        combos = [item for item in menu.items if item.group(DRINK_GROUP) is not None]
        for item in combos:
            drinks = item.group(DRINK_GROUP)
            assert drinks is not None
            parts = join_words([item_name(sku, menu) for sku in item.includes])
            choices = " or ".join(c.name for c in drinks.choices)
            size = item.group(SIZE_GROUP)
            upsize = next((c for c in size.choices if c.price > 0), None) if size else None
            more = (
                f" A {upsize.name.lower()} drink is {format_money(upsize.price)} more."
                if upsize
                else ""
            )
            served = "" if item.available else " It's served at breakfast only."
            contents = f"{parts}, with " if parts else "with "
            price = format_money(item.price)
            dispatcher.utter_message(
                text=f"The {item.name} is {price}: {contents}{choices}.{more}{served}"
            )
        if not combos:
            dispatcher.utter_message(text="We don't have a combo right now.")
        return []


class ActionBreakfastHours(MerchantAction):
    action_name = "action_breakfast_hours"
    needs_merchant = True

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        menu = await self.backend.menu(merchant_id_of(tracker, self.settings))
        hours = f"{menu.breakfast_start} to {menu.breakfast_end}"
        if menu.breakfast_served:
            text = f"Yes, breakfast is served until {menu.breakfast_end} ({hours})."
        else:
            text = f"Breakfast is served from {hours}, so not right now; the all-day menu is on."
        dispatcher.utter_message(text=text)
        return []
