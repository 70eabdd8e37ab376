"""The store's side: staff sign-in, the open orders, the transitions, and their live feed.

Every route here takes a staff token (audience `orderly-staff`) and acts only on the
stores the staff member serves. The transitions are `merchant.ordering.transition`: a
retried one answers the order as it is (200), a wrong-state one is 409 `wrong_state`
naming the current state.

The live feed (`/staff/orders/stream`, server-sent events) watches `order_events`, the
outbox every status change writes, and sends the store's open orders whenever a new event
of that store appears. It reads the database rather than in-process signals so that it
sees changes made by any platform process; a look every half second keeps the staff
screen within a second of the customer.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from contracts.merchant_api import StaffAccount, StaffOrder, StaffOrders, Token
from merchant import models
from merchant.identity import STAFF_AUDIENCE, issue_token
from merchant.order_states import STAFF_ACTIONS
from merchant.ordering import expire_uncollected
from merchant.responses import Body, staff_body, staff_order_body
from merchant.routes.caller import ClientAddress, StaffDependency
from merchant.routes.documented import CUSTOMER, WITH_BODY, errors
from merchant.runtime import Runtime, RuntimeDependency
from merchant.schemas import StaffSignInRequest
from merchant.staff import (
    StaffMember,
    act_on_order,
    check_staff_password,
    find_staff,
    open_orders,
)

router = APIRouter(tags=["staff"])
OrderId = Annotated[str, Path(max_length=32)]
StoreId = Annotated[str, Query(min_length=1, max_length=64)]
# Staff routes answer 401 without a valid staff token, like customer routes without theirs.
STAFF = CUSTOMER

FEED_POLL_SECONDS = 0.5
# The feed ends after this long and the page reconnects, so a stream never outlives the
# check of the token that opened it by more than a few minutes.
FEED_SECONDS = 300.0
KEEP_ALIVE_SECONDS = 15.0


@router.post(
    "/identity/staff/sign-in",
    response_model=Token,
    responses=errors(401, 429, *WITH_BODY),
    tags=["identity"],
)
def staff_sign_in(
    request: StaffSignInRequest, runtime: RuntimeDependency, client: ClientAddress
) -> Body:
    """A staff token (audience `orderly-staff`), throttled like customers' sign-ins."""
    check_staff_password(runtime, client, request.staff_id, request.password)
    issued = issue_token(
        request.staff_id,
        secret=runtime.jwt_secret,
        ttl_seconds=runtime.settings.token_ttl_seconds,
        audience=STAFF_AUDIENCE,
    )
    return {"token": issued.token, "expires_in": issued.expires_in}


@router.get("/staff/me", response_model=StaffAccount, responses=errors(*STAFF))
def who_am_i(staff: StaffDependency, runtime: RuntimeDependency) -> Body:
    """The signed-in staff member and the stores they serve."""
    with runtime.database.sessions.begin() as session:
        row = session.get(models.Staff, staff.staff_id)
        stores = session.scalars(select(models.Store).where(models.Store.id.in_(staff.stores)))
        by_id = {store.id: store for store in stores}
        return staff_body(row, [by_id[store] for store in staff.stores if store in by_id])


@router.get("/staff/orders", response_model=StaffOrders, responses=errors(403, *STAFF))
def list_open_orders(store_id: StoreId, staff: StaffDependency, runtime: RuntimeDependency) -> Body:
    """The store's paid, unfinished orders, oldest first."""
    staff.refuse_other_store(store_id)
    with runtime.database.sessions.begin() as session:
        return _open_orders_body(session, runtime, store_id)


def _open_orders_body(session: Session, runtime: Runtime, store_id: str) -> Body:
    orders = open_orders(session, runtime, store_id)
    return {"store_id": store_id, "orders": [staff_order_body(order) for order in orders]}


def _transition_route(action: str) -> Callable[..., Body]:
    def act(order_id: OrderId, staff: StaffDependency, runtime: RuntimeDependency) -> Body:
        with runtime.database.sessions.begin() as session:
            return staff_order_body(act_on_order(session, runtime, staff, order_id, action))

    act.__name__ = f"staff_{action}"
    act.__doc__ = f"`{action}` the order (409 `wrong_state` from a state that does not allow it)."
    return act


for _action in STAFF_ACTIONS:
    router.add_api_route(
        f"/staff/orders/{{order_id}}/{_action}",
        _transition_route(_action),
        methods=["POST"],
        response_model=StaffOrder,
        responses=errors(404, 409, *STAFF),
    )


@router.get("/staff/orders/stream", include_in_schema=False)
async def order_feed(
    request: Request, store_id: StoreId, staff: StaffDependency, runtime: RuntimeDependency
) -> StreamingResponse:
    """Server-sent events: `event: orders` with the body of `GET /staff/orders` at once and
    after every change of the store's orders."""
    staff.refuse_other_store(store_id)
    return StreamingResponse(
        _feed(request, runtime, staff, store_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _feed(
    request: Request, runtime: Runtime, staff: StaffMember, store_id: str
) -> AsyncIterator[str]:
    seen: int | None = None
    started = last_sent = time.monotonic()
    while time.monotonic() - started < FEED_SECONDS:
        if await request.is_disconnected():
            return
        look = await run_in_threadpool(_orders_if_changed, runtime, staff, store_id, seen)
        if look is None:  # no longer this store's staff: the feed stops at once
            return
        latest, body = look
        if body is not None:
            seen = latest
            last_sent = time.monotonic()
            yield f"event: orders\ndata: {json.dumps(body)}\n\n"
        elif time.monotonic() - last_sent > KEEP_ALIVE_SECONDS:
            last_sent = time.monotonic()
            yield ": still here\n\n"
        await asyncio.sleep(FEED_POLL_SECONDS)


def _orders_if_changed(
    runtime: Runtime, staff: StaffMember, store_id: str, seen: int | None
) -> tuple[int, Body | None] | None:
    """The newest event id of the store's orders, and its open orders if that changed
    (ready orders past the window are marked uncollected first, which is a change); None
    once the staff member no longer serves the store."""
    with runtime.database.sessions.begin() as session:
        now_staff = find_staff(session, staff.staff_id)
        if now_staff is None or store_id not in now_staff.stores:
            return None
        expire_uncollected(session, runtime, models.Order.store_id == store_id)
        latest = int(
            session.scalar(
                select(func.coalesce(func.max(models.OrderEvent.id), 0))
                .join(models.Order, models.Order.number == models.OrderEvent.order_number)
                .where(models.Order.store_id == store_id)
            )
            or 0
        )
        if latest == seen:
            return latest, None
        return latest, _open_orders_body(session, runtime, store_id)
