"""How the assistant says a stay: the questions for what is missing, the readback, the
alternatives to a full night and the paid booking. Dates as people say them ("Fri 11 Dec")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from actions.merchants.backend import Menu, Order, Store
from contracts.bot_messages import StayCard
from contracts.merchant_api import StayOffer
from contracts.money import format_money


def spoken_date(day: str) -> str:
    """ "2026-12-11" as "Fri 11 Dec"."""
    parsed = date.fromisoformat(day[:10])
    return f"{parsed:%a} {parsed.day} {parsed:%b}"


def spoken_instant(moment: str) -> str:
    """ "2026-12-10T14:00:00+08:00" as "14:00 on Thu 10 Dec"."""
    parsed = datetime.fromisoformat(moment)
    return f"{parsed:%H:%M} on {spoken_date(moment)}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def join_or(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def question(detail: str, hotels: Sequence[Store], menu: Menu, city: str | None) -> str:
    """The one question for the first missing detail."""
    if detail == "city":
        cities = sorted({hotel.city for hotel in hotels if hotel.city})
        return f"Which city would you like to stay in? We have hotels in {join_or(cities)}."
    if detail == "hotel_id":
        names = [hotel.name for hotel in hotels if hotel.city == city]
        return f"Which hotel in {city}: {join_or(names)}?"
    if detail == "check_in":
        return "Which day would you like to check in?"
    if detail == "nights":
        return "How many nights?"
    if detail == "guests":
        return "How many guests?"
    rooms = [f"{item.name} ({format_money(item.price)} a night)" for item in menu.items]
    return f"Which room would you like: {join_or(rooms)}?"


def stay_card(order: Order) -> StayCard | None:
    """A booking's stay as clients show it in place of a pickup (None: not a booking)."""
    stay = order.stay
    if stay is None or len(order.lines) != 1:
        return None
    return StayCard(
        hotel=order.store_name,
        room_type=order.lines[0].name,
        check_in=stay.check_in,
        check_out=stay.check_out,
        nights=stay.nights,
        guests=stay.guests,
        check_in_from=f"{datetime.fromisoformat(order.pickup_time):%H:%M}",
        free_cancel_until=stay.free_cancel_until,
    )


def readback_text(order: Order, hotel: Store | None) -> str:
    """The booking as placed: hotel, room, dates, nights, guests, price and total."""
    stay = order.stay
    assert stay is not None  # only stays are read back here
    (line,) = order.lines
    where = f"{order.store_name}, {hotel.city}" if hotel and hotel.city else order.store_name
    return (
        f"Here is your booking: a {line.name} at {where}; check-in {spoken_date(stay.check_in)} "
        f"from {datetime.fromisoformat(order.pickup_time):%H:%M}, check-out "
        f"{spoken_date(stay.check_out)}: {plural(stay.nights, 'night')} for "
        f"{plural(stay.guests, 'guest')}, {format_money(line.unit_price)} a night. The total "
        f"is {format_money(order.total)}; free cancellation until "
        f"{spoken_instant(stay.free_cancel_until or order.pickup_time)}."
    )


def paid_text(order: Order, amount: int) -> str:
    stay = order.stay
    assert stay is not None
    return (
        f"Paid {format_money(amount)}. Your booking number is {order.id}: {order.store_name}, "
        f"check-in {spoken_date(stay.check_in)} from "
        f"{datetime.fromisoformat(order.pickup_time):%H:%M}, {plural(stay.nights, 'night')}. "
        "Thank you!"
    )


def status_text(order: Order, status: str) -> str:
    """ "Where is my booking": the booking and its state."""
    stay = order.stay
    assert stay is not None
    (line,) = order.lines
    return (
        f"Booking {order.id} (a {line.name} at {order.store_name}, check-in "
        f"{spoken_date(stay.check_in)}, {plural(stay.nights, 'night')}, "
        f"{format_money(order.total)}) is {status}."
    )


def offer_text(offer: StayOffer) -> str:
    return (
        f"a {offer.room_name} at {offer.hotel_name} from {spoken_date(offer.check_in)}, "
        f"{plural(offer.nights, 'night')}, {format_money(offer.total)}"
    )


def alternatives_text(lead: str, offers: Sequence[StayOffer]) -> str:
    if not offers:
        return f"{lead} I have nothing close to that free; try other dates or another city."
    listed = "; ".join(f"{n}. {offer_text(offer)}" for n, offer in enumerate(offers, 1))
    return f"{lead} I can offer: {listed}. Which would you like?"


def offer_buttons(offers: Sequence[StayOffer]) -> list[dict[str, Any]]:
    """A button per alternative; its payload is said as its number ("the second one")."""
    return [
        {"title": f"{offer.room_name}, {offer.hotel_name}", "payload": str(n)}
        for n, offer in enumerate(offers, 1)
    ]
