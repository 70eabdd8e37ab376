"""Stays: what a booking merchant (a hotel chain) has free, with the price (issue 17 §3).

Public like the menu: availability and prices are no one's secret. Booking itself is
`POST /orders` (the stay as the order's one line) and paying it `POST /payments`, the
same path as a menu order: docs/merchant-api.md "Stays".
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from contracts.merchant_api import StayOffers
from merchant.menu import find_merchant
from merchant.responses import Body, instant
from merchant.rooms import offers
from merchant.routes.catalogue import MerchantId
from merchant.routes.documented import VALIDATION, errors
from merchant.runtime import RuntimeDependency

router = APIRouter(tags=["stays"])
# Offers one search answers at most: every room type of every hotel of a city fits.
MAX_OFFERS = 50
DEFAULT_OFFERS = 10
Count = Annotated[int, Query(ge=1, le=1000)]
Identifier = Annotated[str | None, Query(min_length=1, max_length=128)]


@router.get(
    "/merchants/{merchant_id}/stays",
    response_model=StayOffers,
    responses=errors(404, *VALIDATION),
)
def stays(
    merchant_id: MerchantId,
    runtime: RuntimeDependency,
    check_in: Annotated[date, Query(description="YYYY-MM-DD, the merchant's local date")],
    nights: Count = 1,
    guests: Count = 1,
    hotel_id: Identifier = None,
    city: Identifier = None,
    room_type: Identifier = None,
    limit: Annotated[int, Query(ge=1, le=MAX_OFFERS)] = DEFAULT_OFFERS,
) -> Body:
    """The stays free from `check_in` for `nights` nights for `guests` people, at the hotel
    or the city's hotels (else every hotel), of the room type (else every type), each with
    its total; with none free, up to three `alternatives`."""
    with runtime.database.sessions.begin() as session:
        merchant = find_merchant(session, merchant_id)
        found, others = offers(
            session,
            runtime,
            merchant,
            check_in=check_in,
            nights=nights,
            guests=guests,
            hotel_id=hotel_id,
            city=city,
            room_type=room_type,
            limit=limit,
        )
        return {
            "merchant_id": merchant.id,
            "now": instant(runtime.clock.now()),
            "offers": found,
            "alternatives": others,
        }
