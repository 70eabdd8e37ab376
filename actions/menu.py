"""Menu questions: what is on, prices, the combo, breakfast hours, stores."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import MerchantAction
from actions.cart import mentions_from_entities, size_name
from actions.merchants.backend import MenuItem
from actions.phrasing import item_name, join_words, menu_payload, yuan
from actions.state import latest_entities


def price_words(item: MenuItem) -> str:
    sizes = item.group("size")
    if sizes is None or item.group("drink") is not None:
        return yuan(item.price)
    return join_words([f"{s.name.lower()} {yuan(item.price + s.price)}" for s in sizes.choices])


class ActionShowMenu(MerchantAction):
    action_name = "action_show_menu"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        menu = await self.backend.menu(self.settings.merchant_id)
        title = "Breakfast menu" if menu.breakfast_served else "All-day menu"
        listing = "; ".join(f"{item.name} {price_words(item)}" for item in menu.items)
        dispatcher.utter_message(
            text=f"On the {title.lower()} now: {listing}.",
            json_message={"menu": menu_payload(menu, title)},
        )
        return []


class ActionTellPrice(MerchantAction):
    action_name = "action_tell_price"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        menu = await self.backend.menu(self.settings.merchant_id, include_unavailable=True)
        mentions, loose = mentions_from_entities(latest_entities(tracker))
        answers = []
        for mention in mentions:
            item = menu.find(mention.sku or "")
            if item is None:
                continue
            sizes = item.group("size")
            wanted = size_name(item, mention.size or loose.size)
            size = sizes.choice(wanted) if sizes and wanted else None
            if size is not None and (mention.size or loose.size):
                answers.append(
                    f"a {size.name.lower()} {item.name} is {yuan(item.price + size.price)}"
                )
            else:
                answers.append(f"{item.name}: {price_words(item)}")
            if not item.available:
                answers[-1] += " (not being served right now)"
        if not answers:
            dispatcher.utter_message(text="Which item would you like the price of?")
        else:
            text = join_words(answers)
            dispatcher.utter_message(text=text[0].upper() + text[1:] + ".")
        return []


class ActionExplainCombo(MerchantAction):
    action_name = "action_explain_combo"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        menu = await self.backend.menu(self.settings.merchant_id, include_unavailable=True)
        for item in menu.items:
            choices = item.group("drink")
            if choices is None:
                continue
            parts = join_words([item_name(sku, menu) for sku in item.includes])
            drinks = " or ".join(item_name(choice.id, menu) for choice in choices.choices)
            sizes = item.group("size")
            large = sizes.choice("large") if sizes else None
            upsize = f" A large drink is {yuan(large.price)} more." if large else ""
            served = "" if item.available else " It's served at breakfast only."
            dispatcher.utter_message(
                text=f"The {item.name} is {yuan(item.price)}: {parts}, with {drinks}."
                f"{upsize}{served}"
            )
        return []


class ActionBreakfastHours(MerchantAction):
    action_name = "action_breakfast_hours"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        menu = await self.backend.menu(self.settings.merchant_id)
        hours = f"{menu.breakfast_start} to {menu.breakfast_end}"
        if menu.breakfast_served:
            text = f"Yes, breakfast is served until {menu.breakfast_end} ({hours})."
        else:
            text = f"Breakfast is served from {hours}, so not right now; the all-day menu is on."
        dispatcher.utter_message(text=text)
        return []


class ActionListStores(MerchantAction):
    action_name = "action_list_stores"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        stores = await self.backend.stores(self.settings.merchant_id)
        listing = "; ".join(
            f"{s.name}, {s.address} ({s.opens}-{s.closes}{'' if s.open_now else ', closed now'})"
            for s in stores
        )
        dispatcher.utter_message(text=f"Our stores: {listing}.")
        return []
