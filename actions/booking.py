"""Booking a stay at a booking merchant (issue 17 §3): "book a room in Hangzhou for this
Friday, two nights", "a twin room at the West Lake one from the 12th to the 14th for two
people".

What the customer said (actions/stay_words.py) is kept in the `stay` slot and merged turn
by turn; the first missing detail (the city, the hotel, the check-in day, the nights, the
guests, the room type) is asked with the one pending question (actions/questions.py,
kind `stay`). With nothing missing, the stay is placed as an order with one line (the room
type, with the check-in, nights and guests as its options) and read back with the same
payment question as a cart: the same explicit yes, limits and PIN (actions/checkout.py).
A full night is answered with the platform's alternatives, offered by number. The rules
(prices, rooms, dates, the cancellation window) are the platform's: merchant/stays.py.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import stay_phrasing as say
from actions.checkout import CONFIRM_BUTTONS, Checkout, pay_question
from actions.merchant_in_use import MAX_NAMED, merchant_id_of, use_merchant
from actions.merchants.backend import (
    LineRequest,
    Menu,
    MerchantBackend,
    MerchantRejected,
    OrderRequest,
    Store,
)
from actions.phrasing import readback_payload
from actions.questions import ask, expect, open_question
from actions.settings import Settings
from actions.state import awaiting_order, latest_entities
from actions.stay_words import (
    bare_count,
    check_out_nights,
    chosen_place,
    read_stay_words,
)
from contracts.bot_messages import QuestionKind
from contracts.merchant_api import StayOffer

BOOKING = "booking"
SLOT = "stay"
# What a stay needs, asked in this order, one question at a time.
DETAILS = ("city", "hotel_id", "check_in", "nights", "guests", "room_type")
# The platform's refusal fields, as the detail to ask again.
REFUSED_FIELDS = {
    "items.0.options.check_in": "check_in",
    "items.0.options.nights": "nights",
    "items.0.options.guests": "guests",
    "items.0.sku": "room_type",
    "store_id": "hotel_id",
}
# Questions whose yes or no moves money: their short answers are read as such, not as a stay.
_MONEY_QUESTIONS = (QuestionKind.PAY, QuestionKind.CANCEL, QuestionKind.PIN)
# Questions about which merchant to order from, asked at a hotel too.
_MERCHANT_QUESTIONS = (QuestionKind.MERCHANT_CHOICE, QuestionKind.NEW_CART)


def merchant_in_use(settings: Settings, tracker: Tracker) -> str:
    """The merchant this conversation books with: the merchant in use
    (actions/merchant_in_use.py)."""
    return merchant_id_of(tracker, settings)


class Booking:
    """One booking turn; shared by the actions a booking customer's messages reach."""

    def __init__(self, backend: MerchantBackend, settings: Settings) -> None:
        self.backend = backend
        self.settings = settings

    async def takes_turn(self, tracker: Tracker, *, answer: bool = False) -> bool:
        """Whether this message is about the stay: the answer to a stay question, or any
        message at a booking merchant, except a short `answer` (yes, no) to a payment,
        cancel or PIN question, which is about the money, an answer to a question about
        the merchant, and a message naming a menu item (room types are no lexicon items)."""
        if any(entity.get("entity") == "item" for entity in latest_entities(tracker)):
            return False  # a menu item ("a cortado" at the hotel): it chooses its merchant
        question = open_question(tracker)
        if question is not None and question.kind == QuestionKind.STAY:
            return True
        if question is not None and question.kind in _MERCHANT_QUESTIONS:
            return False  # "yes", "finish this one first": actions/choosing.py answers them
        if answer and question is not None and question.kind in _MONEY_QUESTIONS:
            return False
        merchant_id = merchant_in_use(self.settings, tracker)
        if not merchant_id:
            return False  # no merchant in use yet: what is said chooses one (actions/choosing.py)
        menu = await self.backend.menu(merchant_id)
        return menu.kind == BOOKING

    async def turn(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        merchant_id = merchant_in_use(self.settings, tracker)
        menu = await self.backend.menu(merchant_id, include_unavailable=True)
        if menu.kind != BOOKING:
            return await self._choose_hotel(dispatcher, tracker)
        hotels = await self.backend.stores(merchant_id)
        text = str(tracker.latest_message.get("text") or "")
        before = dict(tracker.get_slot(SLOT) or {})
        heard = read_stay_words(text, date.fromisoformat(menu.now[:10]), hotels, menu.items)
        stay = _merged(before, heard.said(), _answer(tracker, text, heard.said()), hotels)
        events: list[EventType] = []
        checkout_id = tracker.get_slot("checkout_id")
        if awaiting_order(tracker):
            checkout = Checkout(self.backend, self.settings)
            if stay == before:  # nothing changed: the payment question stands
                return await checkout.reask(dispatcher, tracker)
            # A change after the readback: that order is let go, the next one is new.
            events += await checkout.abandon(dispatcher, tracker)
            checkout_id = next(e["value"] for e in events if e.get("name") == "checkout_id")
        missing = next((detail for detail in DETAILS if not stay.get(detail)), None)
        if missing is not None:
            asked = self._ask(dispatcher, tracker, missing, stay, hotels, menu)
            return [*events, SlotSet(SLOT, stay), *asked]
        return events + await self.read_back(dispatcher, tracker, stay, hotels, checkout_id)

    async def _choose_hotel(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        """A stay asked for at a menu merchant ("book a room in Hangzhou for Friday" at the
        bakery) chooses the booking merchant, as an item only one merchant sells chooses
        that one: at once, or asked first when an order is in progress (nothing is lost
        silently); several booking merchants are asked about."""
        from actions.choosing import Choosing, in_progress  # it reads stays through here

        choosing = Choosing(self.backend, self.settings)
        hotels = [m for m in await self.backend.merchants() if m.kind == BOOKING]
        if not hotels:
            dispatcher.utter_message(
                text="This shop takes orders, not bookings. What would you like to order?"
            )
            return []
        if len(hotels) > 1:
            return await choosing.ask_which(dispatcher, tracker, hotels[:MAX_NAMED])
        if in_progress(tracker):
            return await choosing.ask_new_cart(dispatcher, tracker, hotels[0])
        dispatcher.utter_message(text=f"That's for {hotels[0].name}: booking there now.")
        events = use_merchant(tracker, hotels[0].id)
        return events + await self.turn(dispatcher, tracker)

    def _ask(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        detail: str,
        stay: dict[str, Any],
        hotels: list[Store],
        menu: Menu,
        lead: str = "",
    ) -> list[EventType]:
        words = say.question(detail, hotels, menu, stay.get("city"))
        offered = [hotel for hotel in hotels if hotel.city == stay.get("city")]
        choices = [hotel.id for hotel in offered] if detail == "hotel_id" else []
        buttons = [{"title": hotel.name, "payload": hotel.name} for hotel in offered if choices]
        dispatcher.utter_message(
            text=f"{lead} {words}".strip(),
            buttons=buttons,
            json_message=expect(QuestionKind.STAY),
        )
        return [ask(tracker, QuestionKind.STAY, {"detail": detail, "choices": choices})]

    async def read_back(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        stay: dict[str, Any],
        hotels: list[Store],
        checkout_id: str | None,
    ) -> list[EventType]:
        """Place the stay unpaid and ask the payment question, as a cart's readback does."""
        merchant_id = merchant_in_use(self.settings, tracker)
        options = (
            ("check_in", str(stay["check_in"])),
            ("guests", str(stay["guests"])),
            ("nights", str(stay["nights"])),
        )
        request = OrderRequest(
            customer_id=tracker.sender_id,
            merchant_id=merchant_id,
            lines=(LineRequest(sku=str(stay["room_type"]), options=options),),
            store_id=str(stay["hotel_id"]),
        )
        try:
            placed = await self.backend.place_order(
                request, _order_key(tracker.sender_id, checkout_id, stay)
            )
        except MerchantRejected as error:
            return await self._refused(dispatcher, tracker, stay, hotels, error)
        order = placed.order
        hotel = next((h for h in hotels if h.id == order.store_id), None)
        dispatcher.utter_message(
            text=f"{say.readback_text(order, hotel)} {pay_question(order)} Please say yes or no.",
            buttons=CONFIRM_BUTTONS,
            json_message=expect(QuestionKind.PAY, readback=readback_payload(order)),
        )
        return [
            SlotSet(SLOT, stay),
            SlotSet("order_id", order.id),
            SlotSet("confirmation_token", placed.confirmation_token),
            ask(tracker, QuestionKind.PAY, {"order_id": order.id, "amount": order.total}),
        ]

    async def _refused(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        stay: dict[str, Any],
        hotels: list[Store],
        error: MerchantRejected,
    ) -> list[EventType]:
        if error.code == "room_unavailable":
            offers = [StayOffer.parse_obj(o) for o in error.details.get("alternatives") or []]
            dispatcher.utter_message(
                text=say.alternatives_text(error.message, offers),
                buttons=say.offer_buttons(offers),
                json_message=expect(QuestionKind.STAY),
            )
            subject = {"detail": "alternative", "choices": [o.dict() for o in offers]}
            return [SlotSet(SLOT, stay), ask(tracker, QuestionKind.STAY, subject)]
        detail = REFUSED_FIELDS.get(str(error.details.get("field") or ""))
        if detail is None:
            dispatcher.utter_message(text=error.message)
            return [SlotSet(SLOT, stay)]
        stay = {key: value for key, value in stay.items() if key != detail}
        menu = await self.backend.menu(merchant_in_use(self.settings, tracker))
        asked = self._ask(dispatcher, tracker, detail, stay, hotels, menu, error.message)
        return [SlotSet(SLOT, stay), *asked]


def _answer(tracker: Tracker, text: str, said: dict[str, Any]) -> dict[str, Any]:
    """What a short answer means for the stay question just asked: a bare number for the
    nights or guests, "the second one" for an offered hotel or alternative, a date for
    the check-out when the nights were asked."""
    question = open_question(tracker)
    if question is None or question.kind != QuestionKind.STAY:
        return {}
    detail = question.subject.get("detail")
    choices = list(question.subject.get("choices") or [])
    place = chosen_place(text)
    if place is not None and place <= len(choices):
        chosen = choices[place - 1]
        if detail == "alternative":
            offer = StayOffer.parse_obj(chosen)
            return {
                "hotel_id": offer.hotel_id,
                "city": offer.city,
                "room_type": offer.room_type,
                "check_in": offer.check_in,
                "nights": offer.nights,
                "guests": offer.guests,
            }
        return {"hotel_id": chosen}
    number = bare_count(text)
    if detail in ("nights", "guests") and number is not None and not said:
        return {detail: number}
    known = dict(tracker.get_slot(SLOT) or {})
    if detail == "nights" and "check_in" in said and "nights" not in said:
        # "until Sunday" to "How many nights?": the day said is the check-out.
        nights = check_out_nights(known.get("check_in"), date.fromisoformat(said["check_in"]))
        return {"nights": nights, "check_in": known["check_in"]} if nights else {}
    return {}


def _merged(
    stay: dict[str, Any], said: dict[str, Any], answer: dict[str, Any], hotels: list[Store]
) -> dict[str, Any]:
    """The stay so far with what was just said: a hotel brings its city; a new city lets go
    of a hotel elsewhere; a check-out date gives the nights."""
    merged = {**stay, **{k: v for k, v in said.items() if k != "check_out"}, **answer}
    check_out = said.get("check_out")
    if check_out and merged.get("check_in"):
        merged["nights"] = check_out_nights(merged["check_in"], date.fromisoformat(check_out))
    city_of = {hotel.id: hotel.city for hotel in hotels}
    if "hotel_id" in answer or "hotel_id" in said:
        merged["city"] = city_of.get(merged["hotel_id"], merged.get("city"))
    elif merged.get("hotel_id") and city_of.get(merged["hotel_id"]) != merged.get("city"):
        merged.pop("hotel_id")
    return {key: value for key, value in merged.items() if value is not None}


def _order_key(sender_id: str, checkout_id: str | None, stay: dict[str, Any]) -> str:
    """Placing exactly this stay in this checkout once (a new checkout, a new order)."""
    content = json.dumps([sender_id, checkout_id, stay], sort_keys=True)
    return "stay-" + hashlib.sha256(content.encode()).hexdigest()[:32]
