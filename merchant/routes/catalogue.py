"""Health, merchants, menus, stores and quotes: the read-only side of the platform."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from contracts.merchant_api import Health, Menu, Merchants, Quote, Stores
from merchant.menu import (
    all_merchants,
    breakfast_hours,
    find_merchant,
    load_menu,
    merchant_stores,
    store_hours,
)
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

router = APIRouter(tags=["catalogue"])
MerchantId = Annotated[str, Path(max_length=128)]


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
        return {"merchants": [merchant_body(merchant) for merchant in all_merchants(session)]}


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
    """Availability is judged at the as-soon-as-possible pickup time (now + prep time),
    the same rule an order placed now would meet."""
    now = runtime.clock.now()
    ready_at = now + runtime.asap_prep
    with runtime.database.sessions.begin() as session:
        merchant = find_merchant(session, merchant_id)
        breakfast = breakfast_hours(merchant)
        items = [
            item_body(item, is_available(item, breakfast, ready_at))
            for item in load_menu(session, merchant.id).values()
        ]
        return {
            "merchant_id": merchant.id,
            "now": instant(now),
            "asap_pickup_time": instant(ready_at),
            "breakfast_served": breakfast is not None and breakfast.contains(ready_at.time()),
            "breakfast": hours_body(merchant),
            "items": items if everything else [item for item in items if item["available"]],
        }


@router.get(
    "/merchants/{merchant_id}/stores",
    response_model=Stores,
    responses=errors(404, *VALIDATION),
)
def stores(merchant_id: MerchantId, runtime: RuntimeDependency) -> Body:
    now = runtime.clock.now()
    with runtime.database.sessions.begin() as session:
        merchant = find_merchant(session, merchant_id)
        return {
            "stores": [
                store_body(store, store_hours(store).contains(now.time()))
                for store in merchant_stores(session, merchant.id)
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
