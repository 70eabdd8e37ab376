"""Rooms: a hotel's rooms per room type and night, and what to offer when a night is full.

A hotel has its pack's count of each room type every night; `room_nights` records only
what is booked. Rooms are taken in the payment's transaction (`reserve`, one conditional
UPDATE per night: `booked < rooms`), so two customers paying for the last room at once
cannot both get it, and a refund gives the nights back (`release`). A full night is refused
with up to three alternatives: another room type at the same hotel, the nearest hotel in
the same city, then neighbouring dates. The stay itself (its dates, price and
cancellation window) is merchant/stays.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from contracts.pricing import Quote
from merchant import models
from merchant.errors import ApiError, conflict, not_found
from merchant.menu import load_menu, merchant_stores
from merchant.runtime import Runtime
from merchant.schemas import OrderRequest
from merchant.stays import (
    Stay,
    StayRules,
    check_dates,
    check_in_at,
    plural,
    price_stay,
    read_stay,
    spoken_date,
    stay_of,
)

# How far the neighbouring dates offered for a full stay reach, in days either side.
NEIGHBOUR_DAYS = (1, -1, 2, -2, 3, -3, 7, -7)
MOST_ALTERNATIVES = 3
EARTH_RADIUS_M = 6_371_000


def price_booking(
    session: Session,
    runtime: Runtime,
    merchant: models.Merchant,
    hotel: models.Store,
    request: OrderRequest,
) -> tuple[Quote, datetime]:
    """A stay order's priced line and its check-in instant (the order's `pickup_time`);
    a night with no room of the type left is refused with the nearest alternatives."""
    rules = StayRules.of(merchant)
    stay = read_stay(request, runtime)
    line = price_stay(session, runtime, merchant, rules, stay)
    if rooms_left(session, rules, stay) < 1:
        raise full(session, runtime, merchant, rules, stay, hotel.name, line.name)
    return Quote(lines=(line,), total=line.line_total, currency=merchant.currency), check_in_at(
        runtime, rules, stay
    )


# --- rooms -----------------------------------------------------------------------------


def rooms_left(session: Session, rules: StayRules, stay: Stay) -> int:
    """Rooms of the stay's type free at its hotel on every one of its nights."""
    table = models.RoomNight
    query = select(table.booked).where(
        table.hotel_id == stay.hotel_id,
        table.room_type == stay.room_type,
        table.night.in_(stay.night_dates),
    )
    booked = max(session.scalars(query).all(), default=0)
    return rules.rooms_of(stay.room_type) - booked


def reserve(
    session: Session, runtime: Runtime, merchant: models.Merchant, order: models.Order
) -> None:
    """Take the booking's room for each of its nights, in the payment's transaction. One
    conditional UPDATE per night: with the last room, one of two payments changes the row
    and the other finds it full and is refused (its transaction, the debit included, rolls
    back)."""
    stay = stay_of(order)
    if stay is None:
        return
    rules = StayRules.of(merchant)
    rooms = rules.rooms_of(stay.room_type)
    table = models.RoomNight.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for night in stay.night_dates:
        session.execute(
            dialect.insert(table)
            .values(
                merchant_id=merchant.id,
                hotel_id=stay.hotel_id,
                room_type=stay.room_type,
                night=night,
                booked=0,
            )
            .on_conflict_do_nothing()
        )
        taken = session.execute(
            update(table)
            .where(
                table.c.hotel_id == stay.hotel_id,
                table.c.room_type == stay.room_type,
                table.c.night == night,
                table.c.booked < rooms,
            )
            .values(booked=table.c.booked + 1)
        )
        if taken.rowcount != 1:
            line = order.lines[0]
            raise full(session, runtime, merchant, rules, stay, order.store.name, line.name)


def release(session: Session, order: models.Order) -> None:
    """Give a refunded booking's nights back."""
    stay = stay_of(order)
    if stay is None:
        return
    table = models.RoomNight.__table__
    session.execute(
        update(table)
        .where(
            table.c.hotel_id == stay.hotel_id,
            table.c.room_type == stay.room_type,
            table.c.night.in_(stay.night_dates),
            table.c.booked > 0,
        )
        .values(booked=table.c.booked - 1)
    )


# --- a full night and its alternatives -------------------------------------------------------


def full(
    session: Session,
    runtime: Runtime,
    merchant: models.Merchant,
    rules: StayRules,
    stay: Stay,
    hotel_name: str,
    room_name: str,
) -> ApiError:
    """`409 room_unavailable`, with up to three stays that are free: another room type at
    the same hotel, the nearest hotel in the city, then neighbouring dates."""
    found = alternatives(session, runtime, merchant, rules, stay)
    return conflict(
        "room_unavailable",
        f"{hotel_name} has no {room_name} free for {plural(stay.nights, 'night')} from "
        f"{spoken_date(stay.check_in)}.",
        alternatives=found,
    )


def alternatives(
    session: Session, runtime: Runtime, merchant: models.Merchant, rules: StayRules, stay: Stay
) -> list[dict[str, Any]]:
    hotels = {hotel.id: hotel for hotel in merchant_stores(session, merchant.id)}
    here = hotels.get(stay.hotel_id)
    menu = load_menu(session, merchant.id)
    today = runtime.clock.now().date()
    last = today + timedelta(days=runtime.settings.max_booking_days_ahead)
    other_rooms = [
        stay.moved(room_type=sku)
        for sku in menu
        if sku != stay.room_type and rules.sleeps(sku) >= stay.guests
    ]
    nearby = [stay.moved(hotel_id=hotel.id) for hotel in _same_city(here, hotels.values())]
    dates = [
        stay.moved(check_in=stay.check_in + timedelta(days=shift))
        for shift in NEIGHBOUR_DAYS
        if today <= stay.check_in + timedelta(days=shift) <= last  # bookable dates only
    ]
    # One of each kind first, so the customer hears the choice of kinds, then the rest.
    kinds = [_free(session, rules, stays) for stays in (other_rooms, nearby, dates)]
    chosen = [kind[0] for kind in kinds if kind]
    chosen += [later for kind in kinds for later in kind[1:]]
    return [
        offer_body(
            alternative,
            hotels[alternative.hotel_id],
            menu[alternative.room_type].name,
            menu[alternative.room_type].price,
            rooms_left(session, rules, alternative),
        )
        for alternative in chosen[:MOST_ALTERNATIVES]
    ]


def _free(session: Session, rules: StayRules, stays: Iterable[Stay]) -> list[Stay]:
    return [stay for stay in stays if rooms_left(session, rules, stay) > 0][:MOST_ALTERNATIVES]


def _same_city(here: models.Store | None, hotels: Iterable[models.Store]) -> list[models.Store]:
    """The other hotels in `here`'s city, nearest first."""
    if here is None:
        return []
    others = [hotel for hotel in hotels if hotel.id != here.id and hotel.city == here.city]
    return sorted(others, key=lambda hotel: _distance_m(here, hotel))


def _distance_m(one: models.Store, other: models.Store) -> float:
    """Great-circle distance (haversine); hotels without coordinates sort last."""
    if None in (one.lat, one.lon, other.lat, other.lon):
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (one.lat, one.lon, other.lat, other.lon))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def offer_body(
    stay: Stay, hotel: models.Store, room_name: str, price: int, left: int
) -> dict[str, Any]:
    """A stay that can be booked, as the API answers it (`contracts.merchant_api.StayOffer`)."""
    return {
        "hotel_id": hotel.id,
        "hotel_name": hotel.name,
        "city": hotel.city,
        "room_type": stay.room_type,
        "room_name": room_name,
        "check_in": stay.check_in.isoformat(),
        "check_out": stay.check_out.isoformat(),
        "nights": stay.nights,
        "guests": stay.guests,
        "price_per_night": price,
        "total": price * stay.nights,
        "rooms_left": left,
    }


# --- the API's availability search ---------------------------------------------------------


def offers(
    session: Session,
    runtime: Runtime,
    merchant: models.Merchant,
    *,
    check_in: date,
    nights: int,
    guests: int,
    hotel_id: str | None,
    city: str | None,
    room_type: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The stays free for these dates at the matching hotels and room types, in the pack's
    order; when none is, the alternatives to the first that matched (else none)."""
    rules = StayRules.of(merchant)
    menu = load_menu(session, merchant.id)
    hotels = [
        hotel
        for hotel in merchant_stores(session, merchant.id)
        if (hotel_id is None or hotel.id == hotel_id)
        and (city is None or (hotel.city or "").casefold() == city.strip().casefold())
    ]
    if hotel_id is not None and not hotels:
        raise not_found(
            "unknown_store", f"{merchant.name} has no hotel {hotel_id!r}.", field="hotel_id"
        )
    if room_type is not None and room_type not in menu:
        raise not_found(
            "unknown_item", f"{merchant.name} has no room type {room_type!r}.", field="room_type"
        )
    check_dates(runtime, check_in, nights)
    wanted = [sku for sku in menu if room_type is None or sku == room_type]
    found: list[dict[str, Any]] = []
    first: Stay | None = None
    for hotel in hotels:
        for sku in wanted:
            stay = Stay(hotel.id, sku, check_in, nights, guests)
            if rules.sleeps(sku) < guests:
                continue
            first = first or stay
            left = rooms_left(session, rules, stay)
            if left > 0:
                found.append(offer_body(stay, hotel, menu[sku].name, menu[sku].price, left))
    if not found and first is not None:
        return [], alternatives(session, runtime, merchant, rules, first)
    return found[:limit], []
