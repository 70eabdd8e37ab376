"""The actions that build the cart: what DIET heard as an order, a change, a removal, a
booking, "that's all", "show my cart" or "start over". Each routes the message to the
one place that handles it (actions/ordering.py builds the cart; actions/checkout.py reads
it back), after the words that say otherwise: a start-over with a new order, a cancel of
a placed order, a correction heard as a booking.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import cart as carts
from actions import corrections, edits
from actions.base import MerchantAction
from actions.booking import Booking
from actions.checkout import Checkout
from actions.choosing import Choosing
from actions.consent import asks_to_cancel_an_order
from actions.ordering import Ordering
from actions.orders import Orders
from actions.pickup import answer_slot_offer
from actions.questions import ask, expect
from actions.state import OrderState, fresh_start, latest_entities
from contracts.bot_messages import QuestionKind
from contracts.cart_edits import COMPLAIN, REMOVE


class ActionUpdateCart(MerchantAction):
    """Adds, changes or removes cart lines from what the customer just said."""

    action_name = "action_update_cart"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        booking = Booking(self.backend, self.settings)
        if await booking.takes_turn(tracker):  # "a twin room at the West Lake one"
            return await booking.turn(dispatcher, tracker)
        text = str(tracker.latest_message.get("text") or "")
        if corrections.after_start_over(text, latest_entities(tracker)) is not None:
            # "forget all that, just a congee", "let's start afresh" heard as an edit
            return await ActionStartOver(self.backend, self.settings).act(dispatcher, tracker)
        if await self._cancels_a_placed_order(tracker):
            # "I need to cancel that coffee order" after paying, heard as an order: the
            # placed order is named and asked about, never a new line.
            return await Orders(self.backend, self.settings).request_cancel(dispatcher, tracker)
        return await Ordering(self.backend, self.settings).update(dispatcher, tracker)

    async def _cancels_a_placed_order(self, tracker: Tracker) -> bool:
        """Whether the message asks to cancel an order, naming no line of the cart."""
        if not asks_to_cancel_an_order(str(tracker.latest_message.get("text") or "")):
            return False
        named = carts.read_entities(latest_entities(tracker)).mentions
        menu = await Ordering(self.backend, self.settings).menu(tracker)
        return carts.none_in_cart(OrderState.from_tracker(tracker).cart, named, menu)


class ActionBookStay(MerchantAction):
    """ "Book a room in Hangzhou for this Friday, two nights": a stay, asked and read back.
    At a menu merchant, words that order or correct ("oops, just two", which DIET may hear
    as a booking) change the cart; anything else chooses the booking merchant
    (actions/booking.py)."""

    action_name = "action_book_stay"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        booking = Booking(self.backend, self.settings)
        text = str(tracker.latest_message.get("text") or "")
        said = carts.read_entities(latest_entities(tracker))
        if not await booking.takes_turn(tracker) and (
            said.mentions or corrections.opens_correction(text)
        ):
            return await Ordering(self.backend, self.settings).update(
                dispatcher, tracker, "order_item"
            )
        return await booking.turn(dispatcher, tracker)


class ActionReadback(MerchantAction):
    """Places the order unpaid, reads every line back and asks for an explicit yes.

    "That's it, oh and a small grobbel": a checkout said with order words is an order
    first (actions/ordering.py reads it back after if it closes the order); words that
    name nothing are said back, never dropped on the way to the payment question.
    """

    action_name = "action_readback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        offer = await answer_slot_offer(self.backend, self.settings, dispatcher, tracker)
        if offer is not None:
            return offer  # "ok that one" (heard as "that's it") to "Shall I make it 09:10?"
        booking = Booking(self.backend, self.settings)
        if await booking.takes_turn(tracker):  # "check out" at a hotel: the stay's readback
            return await booking.turn(dispatcher, tracker)
        merchant_answer = await Choosing(self.backend, self.settings).answer(dispatcher, tracker)
        if merchant_answer is not None:
            return merchant_answer  # "finish this one first", after "a new cart there?"
        said = carts.read_entities(latest_entities(tracker))
        if said.mentions or said.unplaced:
            return await Ordering(self.backend, self.settings).update(
                dispatcher, tracker, "order_item"
            )
        text = str(tracker.latest_message.get("text") or "")
        if corrections.corrects(text) and (said.loose.quantity or said.loose.options):
            # "hmm actually just one" right after two soy milks, heard as "that's it": a
            # correction of the line just added, never "done" (as with a no, actions/answers).
            return await Ordering(self.backend, self.settings).update(
                dispatcher, tracker, "change_item"
            )
        edit = edits.read_edit(latest_entities(tracker))
        if (
            edit is not None
            and edit.verb != COMPLAIN
            and edits.points_at_lines(edit)
            and (edit.verb or said.loose.options)
        ):
            # "please upgrade all of them to large" heard as "that's it": words that ask
            # for a change to lines in the cart are never "done".
            intent = "remove_item" if edit.verb == REMOVE else "change_item"
            return await Ordering(self.backend, self.settings).update(dispatcher, tracker, intent)
        return await Checkout(self.backend, self.settings).readback(dispatcher, tracker)


class ActionShowCart(MerchantAction):
    action_name = "action_show_cart"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        ordering = Ordering(self.backend, self.settings)
        menu = await ordering.menu(tracker)
        return await ordering.say_cart(
            dispatcher, tracker, OrderState.from_tracker(tracker), menu, ""
        )


class ActionStartOver(MerchantAction):
    action_name = "action_start_over"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        merchant_answer = await Choosing(self.backend, self.settings).answer(dispatcher, tracker)
        if merchant_answer is not None:
            return merchant_answer  # "start a new one", after "a new cart there?"
        abandoned = await Checkout(self.backend, self.settings).abandon(dispatcher, tracker)
        if (new_order := _new_order_after_start_over(tracker)) is not None:
            # "start again with just a congee": the congee is ordered on the empty cart,
            # as if said on its own after the start-over.
            dispatcher.utter_message(text="OK, I've emptied your cart.")
            emptied = [*abandoned, *fresh_start()]
            fresh = tracker.copy()
            fresh.add_slots(emptied)
            fresh.latest_message = {**tracker.latest_message, "entities": new_order}
            ordering = Ordering(self.backend, self.settings)
            return emptied + await ordering.update(dispatcher, fresh, "order_item")
        dispatcher.utter_message(
            text="OK, I've emptied your cart. What would you like?",
            json_message=expect(QuestionKind.MORE_OR_DONE),
        )
        return [*abandoned, *fresh_start(), ask(tracker, QuestionKind.MORE_OR_DONE)]


def _new_order_after_start_over(tracker: Tracker) -> list[Mapping[str, Any]] | None:
    """What is ordered after a start-over said in this message, if an item is named there."""
    text = str(tracker.latest_message.get("text") or "")
    said = corrections.after_start_over(text, latest_entities(tracker))
    return said if said and any(e.get("entity") == "item" for e in said) else None
