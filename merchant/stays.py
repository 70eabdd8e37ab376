"""Bookings: a booking merchant's orders are stays (issue 17 §3, docs/merchant-api.md "Stays").

A stay is an order with one line: the room type (its sku), with the check-in date, the
nights and the guests as the line's options (docs/design/merchant-model.md §2). It is
placed, read back, confirmed and paid through the same order and payment path as a menu
order (merchant.ordering, merchant.payments). This module reads a stay from an order
request and from an order, prices it (the room type's price per night, times the nights)
and keeps its cancellation window: free until the pack's `cancel.free_until_minutes_before`
check-in, refused after. The rooms themselves are merchant/rooms.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from contracts.pricing import ChosenOption, PricedLine
from merchant import models
from merchant.errors import conflict, invalid, not_found
from merchant.menu import load_menu
from merchant.runtime import Runtime
from merchant.schemas import OrderRequest

BOOKING = "booking"
CHECK_IN, NIGHTS, GUESTS, ROOM_TYPE = "check_in", "nights", "guests", "room_type"
# How far the neighbouring dates offered for a full stay reach, in days either side.
NEIGHBOUR_DAYS = (1, -1, 2, -2, 3, -3, 7, -7)
MOST_ALTERNATIVES = 3
EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class Stay:
    """One room of `room_type` at `hotel_id` for `nights` nights from `check_in`."""

    hotel_id: str
    room_type: str
    check_in: date
    nights: int
    guests: int

    @property
    def check_out(self) -> date:
        return self.check_in + timedelta(days=self.nights)

    @property
    def night_dates(self) -> list[date]:
        return [self.check_in + timedelta(days=n) for n in range(self.nights)]

    def moved(self, **changes: Any) -> Stay:
        return Stay(**{**self.__dict__, **changes})


@dataclass(frozen=True)
class StayRules:
    """A booking merchant's rules, as seeded from its pack (`merchants.booking`)."""

    check_in_time: time
    check_out_time: time
    rooms: dict[str, dict[str, int]]  # room type: {"guests", "rooms"}
    free_cancel_minutes: int

    @classmethod
    def of(cls, merchant: models.Merchant) -> StayRules:
        booking = merchant.booking or {}
        if merchant.kind != BOOKING or not booking:
            raise invalid("not_a_booking_merchant", f"{merchant.name} takes no bookings.")
        return cls(
            check_in_time=time.fromisoformat(booking["check_in"]),
            check_out_time=time.fromisoformat(booking["check_out"]),
            rooms=dict(booking["rooms"]),
            free_cancel_minutes=int((merchant.cancel or {}).get("free_until_minutes_before") or 0),
        )

    def rooms_of(self, room_type: str) -> int:
        return int(self.rooms.get(room_type, {}).get("rooms", 0))

    def sleeps(self, room_type: str) -> int:
        return int(self.rooms.get(room_type, {}).get("guests", 0))


def is_booking(merchant: models.Merchant) -> bool:
    return merchant.kind == BOOKING


# --- reading and pricing a stay ------------------------------------------------------------


def read_stay(request: OrderRequest, runtime: Runtime) -> Stay:
    """The stay an order request asks for; refusals name the field."""
    if request.store_id is None:
        raise invalid("invalid_stay", "A booking names its hotel.", field="store_id")
    if len(request.items) != 1:
        raise invalid(
            "invalid_stay",
            "A booking is one line: one room type, with its check-in, nights and guests; "
            "book a second room as a booking of its own.",
            field="items",
        )
    line = request.items[0]
    if line.quantity != 1:
        raise invalid("invalid_stay", "A booking is for one room.", field="items.0.quantity")
    options = {key.strip().lower(): value.strip() for key, value in line.options.items()}
    unknown = sorted(set(options) - {CHECK_IN, NIGHTS, GUESTS})
    if unknown:
        raise invalid(
            "invalid_stay",
            f"A booking's options are {CHECK_IN}, {NIGHTS} and {GUESTS}, not {unknown[0]}.",
            field=f"items.0.options.{unknown[0]}",
        )
    try:
        check_in = date.fromisoformat(options.get(CHECK_IN, ""))
    except ValueError:
        raise invalid(
            "invalid_stay",
            "A booking's check-in is a date written YYYY-MM-DD.",
            field=f"items.0.options.{CHECK_IN}",
        ) from None
    nights = _count(options, NIGHTS)
    guests = _count(options, GUESTS)
    return Stay(request.store_id, line.sku.strip().lower(), check_in, nights, guests)


def _count(options: dict[str, str], name: str) -> int:
    text = options.get(name, "")
    if not (text.isascii() and text.isdigit() and int(text) >= 1):
        raise invalid(
            "invalid_stay",
            f"A booking's {name} is a whole number, at least 1.",
            field=f"items.0.options.{name}",
        )
    return int(text)


def check_dates(runtime: Runtime, check_in: date, nights: int) -> None:
    """Refuse dates no hotel could take: a past or too distant check-in, too many nights."""
    today = runtime.clock.now().date()
    where = f"items.0.options.{CHECK_IN}"
    if check_in < today:
        raise invalid(
            "invalid_stay",
            f"Check-in on {spoken_date(check_in)} has passed; today is {spoken_date(today)}.",
            field=where,
        )
    ahead = runtime.settings.max_booking_days_ahead
    if check_in > today + timedelta(days=ahead):
        raise invalid(
            "invalid_stay",
            f"Bookings open {ahead} days ahead; {spoken_date(check_in)} is further.",
            field=where,
        )
    most = runtime.settings.max_stay_nights
    if not 1 <= nights <= most:
        raise invalid(
            "invalid_stay",
            f"A booking is 1 to {most} nights.",
            field=f"items.0.options.{NIGHTS}",
        )


def check_guests(rules: StayRules, stay: Stay, room_name: str) -> None:
    if stay.guests > rules.sleeps(stay.room_type):
        raise invalid(
            "invalid_stay",
            f"A {room_name} sleeps {rules.sleeps(stay.room_type)}, not {stay.guests}.",
            field=f"items.0.options.{GUESTS}",
        )


def price_stay(
    session: Session, runtime: Runtime, merchant: models.Merchant, rules: StayRules, stay: Stay
) -> PricedLine:
    room = load_menu(session, merchant.id).get(stay.room_type)
    if room is None:
        raise not_found(
            "unknown_item",
            f"{merchant.name} has no room type {stay.room_type!r}.",
            field="items.0.sku",
        )
    check_dates(runtime, stay.check_in, stay.nights)
    check_guests(rules, stay, room.name)
    return PricedLine(
        sku=room.sku,
        name=room.name,
        quantity=stay.nights,
        unit_price=room.price,
        line_total=room.price * stay.nights,
        options=(
            _option(CHECK_IN, "Check-in", stay.check_in.isoformat(), spoken_date(stay.check_in)),
            _option(NIGHTS, "Nights", str(stay.nights), plural(stay.nights, "night")),
            _option(GUESTS, "Guests", str(stay.guests), plural(stay.guests, "guest")),
            _option(ROOM_TYPE, "Room type", room.sku, room.name),
        ),
    )


def _option(group: str, group_name: str, choice: str, choice_name: str) -> ChosenOption:
    return ChosenOption(group=group, group_name=group_name, choice=choice, choice_name=choice_name)


def check_in_at(runtime: Runtime, rules: StayRules, stay: Stay) -> datetime:
    return datetime.combine(stay.check_in, rules.check_in_time, tzinfo=runtime.clock.zone)


def stay_of(order: models.Order) -> Stay | None:
    """The stay a booking order holds (None for a menu order)."""
    if order.merchant is None or not is_booking(order.merchant) or len(order.lines) != 1:
        return None
    line = order.lines[0]
    options = {option["group"]: option["choice"] for option in line.options}
    if CHECK_IN not in options:
        return None
    return Stay(
        order.store_id,
        line.sku,
        date.fromisoformat(options[CHECK_IN]),
        int(options[NIGHTS]),
        int(options[GUESTS]),
    )


def spoken_date(day: date) -> str:
    """ "Fri 11 Dec" """
    return f"{day:%a} {day.day} {day:%b}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


# --- cancelling ------------------------------------------------------------------------------


def free_cancel_until(order: models.Order) -> datetime:
    """Until when a booking may be cancelled and refunded (the pack's window before check-in;
    the order's `pickup_time` is the check-in)."""
    minutes = int((order.merchant.cancel or {}).get("free_until_minutes_before") or 0)
    return order.pickup_time - timedelta(minutes=minutes)


def check_cancel_window(runtime: Runtime, order: models.Order) -> None:
    """A booking is cancelled (refunded once paid) until the free-cancellation deadline, and
    stands after."""
    deadline = free_cancel_until(order).astimezone(runtime.clock.zone)
    if runtime.clock.now() >= deadline:
        raise conflict(
            "cancellation_window_closed",
            f"Booking {order.number} could be cancelled free of charge until "
            f"{deadline:%H:%M} on {spoken_date(deadline.date())}; that has passed, so it "
            "stands and nothing is refunded. To change it, say 'talk to a person'.",
            free_cancel_until=deadline.isoformat(),
            status=order.status,
        )


def stay_body(order: models.Order) -> dict[str, Any] | None:
    """What an order body says of its stay (`contracts.merchant_api.StayDetails`); None for
    a menu order."""
    stay = stay_of(order)
    if stay is None:
        return None
    return {
        "hotel_id": stay.hotel_id,
        "room_type": stay.room_type,
        "check_in": stay.check_in.isoformat(),
        "check_out": stay.check_out.isoformat(),
        "nights": stay.nights,
        "guests": stay.guests,
        "free_cancel_until": free_cancel_until(order),
    }
