"""Health, merchants, menus, stores and quotes: the read-only side of the platform."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query

from contracts.merchant_api import Health, Menu, Merchant, Merchants, Quote, Stores
from merchant.menu import (
    all_merchants,
    breakfast_hours,
    find_merchant,
    load_menu,
    merchant_stores,
    store_counts,
    store_hours,
    stores_by_id,
)
from merchant.pickup_slots import SlotRules
from merchant.pricing import quote
from merchant.responses import (
    Body,
    hours_body,
    instant,
    item_body,
    line_body,
    merchant_body,
    store_body,
)
from merchant.routes.documented import VALIDATION, WITH_BODY, errors
from merchant.runtime import RuntimeDependency
from merchant.schedule import is_available
from merchant.schemas import QuoteRequest
from merchant.store_network import parse_near, parse_open_at

router = APIRouter(tags=["catalogue"])
MerchantId = Annotated[str, Path(max_length=128)]
# Stores answered by one lookup: a customer is offered a few, a map shows a page.
DEFAULT_NEAR_LIMIT = 5
MAX_STORES_LIMIT = 50


@router.get(
    "/health",
    response_model=Health,
    responses=errors(),
)
def health(runtime: RuntimeDependency) -> Body:
    return {"status": "ok", "now": instant(runtime.clock.now())}


@router.get(
    "/merchants",
    response_model=Merchants,
    responses=errors(),
)
def list_merchants(runtime: RuntimeDependency) -> Body:
    with runtime.database.sessions.begin() as session:
        counts = store_counts(session)
        return {
            "merchants": [
                merchant_body(merchant, counts.get(merchant.id, 0))
                for merchant in all_merchants(session)
            ]
        }


@router.get(
    "/merchants/{merchant_id}/menu",
    response_model=Menu,
    responses=errors(404, *VALIDATION),
)
def menu(
    merchant_id: MerchantId,
    runtime: RuntimeDependency,
    everything: Annotated[
        bool, Query(alias="all", description="Include unavailable items.")
    ] = False,
) -> Body:
    """Availability is judged at the as-soon-as-possible pickup time (now + the pack's
    prep time; a busy store's queue may make an order later: merchant.pickup_slots), the
    same rule an order placed now would meet."""
    now = runtime.clock.now()
    with runtime.database.sessions.begin() as session:
        merchant = find_merchant(session, merchant_id)
        ready_at = now + SlotRules.of(merchant).prep
        breakfast = breakfast_hours(merchant)
        items = [
            item_body(item, is_available(item, breakfast, ready_at))
            for item in load_menu(session, merchant.id).values()
        ]
        return {
            "merchant_id": merchant.id,
            "kind": merchant.kind,
            "now": instant(now),
            "asap_pickup_time": instant(ready_at),
            "breakfast_served": breakfast is not None and breakfast.contains(ready_at.time()),
            "breakfast": hours_body(merchant),
            "items": items if everything else [item for item in items if item["available"]],
        }


@router.get(
    "/merchants/{merchant_id}",
    response_model=Merchant,
    responses=errors(404, *VALIDATION),
)
def merchant(merchant_id: MerchantId, runtime: RuntimeDependency) -> Body:
    """One merchant, with `store_count`: its whole store network."""
    with runtime.database.sessions.begin() as session:
        found = find_merchant(session, merchant_id)
        return merchant_body(found, store_counts(session).get(found.id, 0))


@router.get(
    "/merchants/{merchant_id}/stores",
    response_model=Stores,
    responses=errors(404, *VALIDATION),
)
def stores(
    merchant_id: MerchantId,
    runtime: RuntimeDependency,
    near: Annotated[
        str | None,
        Query(
            max_length=64,
            description="LAT,LON (WGS84 degrees): answer the network's stores nearest "
            "first, open at `open_at` (default: now), each with `distance_m`. Without it: "
            "the stores the merchant names by hand, in its order.",
        ),
    ] = None,
    open_at: Annotated[
        str | None,
        Query(
            max_length=64,
            description="ISO 8601; without an offset, the merchant's local time. Only "
            "stores open then.",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            description=f"How many stores at most (default {DEFAULT_NEAR_LIMIT} with `near`; "
            f"at most {MAX_STORES_LIMIT}, larger values are capped).",
        ),
    ] = None,
) -> Body:
    now = runtime.clock.now()
    with runtime.database.sessions.begin() as session:
        found = find_merchant(session, merchant_id)
        zone = ZoneInfo(found.timezone)
        local_now = now.astimezone(zone).time()
        at = None if open_at is None else parse_open_at(open_at, zone).time()
        if near is None:
            listed = [
                store
                for store in merchant_stores(session, found.id)
                if at is None or store_hours(store).contains(at)
            ]
            if limit is not None:
                listed = listed[: min(limit, MAX_STORES_LIMIT)]
            return {
                "stores": [
                    store_body(store, store_hours(store).contains(local_now)) for store in listed
                ]
            }
        lat, lon = parse_near(near)
        index = runtime.store_network.index(session, found.id)
        wanted = min(limit or DEFAULT_NEAR_LIMIT, MAX_STORES_LIMIT)
        nearby = index.nearest_open(lat, lon, local_now if at is None else at, wanted)
        rows = stores_by_id(session, [place.store_id for place in nearby])
        return {
            "stores": [
                store_body(
                    rows[place.store_id],
                    store_hours(rows[place.store_id]).contains(local_now),
                    place.distance_m,
                )
                for place in nearby
            ]
        }


@router.post(
    "/merchants/{merchant_id}/quotes",
    response_model=Quote,
    responses=errors(404, *WITH_BODY),
)
def create_quote(
    request: QuoteRequest,
    merchant_id: MerchantId,
    runtime: RuntimeDependency,
) -> Body:
    """Prices only: availability and opening hours are checked when the order is placed."""
    settings = runtime.settings
    with runtime.database.sessions.begin() as session:
        merchant = find_merchant(session, merchant_id)
        priced = quote(
            load_menu(session, merchant.id),
            [line.to_line() for line in request.items],
            max_quantity=settings.max_line_quantity,
            max_lines=settings.max_order_lines,
        )
        return {
            "items": [line_body(line) for line in priced.lines],
            "total": priced.total,
            "currency": merchant.currency,
        }
