"""Orders: place (idempotent), read, list, cancel (idempotent); each only the caller's own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.merchant_api import Order, Orders, PlacedOrder
from merchant import idempotency, models
from merchant.idempotency import Body
from merchant.ordering import (
    PLACED,
    cancel_order,
    expire_uncollected,
    find_order,
    issue_token,
    place_order,
)
from merchant.pickup_slots import move_late_estimates
from merchant.responses import order_body
from merchant.routes.caller import Caller, CallerDependency
from merchant.routes.documented import CUSTOMER, errors
from merchant.routes.headers import IdempotencyKey
from merchant.runtime import RuntimeDependency
from merchant.schemas import OrderRequest
from merchant.telemetry import ORDERS

router = APIRouter(tags=["orders"])
OrderId = Annotated[str, Path(max_length=32)]
CONFIRMATION_TOKEN = "confirmation_token"


@router.post(
    "/orders",
    status_code=201,
    response_model=PlacedOrder,
    responses=errors(403, 404, 409, 413, *CUSTOMER),
)
def create_order(
    request: OrderRequest,
    caller: CallerDependency,
    runtime: RuntimeDependency,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    caller.refuse_other(request.customer_id, "place orders")

    def operation(session: Session) -> tuple[int, Body]:
        order, token = place_order(session, runtime, caller.customer_id, request)
        return 201, order_body(order, confirmation_token=token)

    def reissue_token(session: Session, body: Body) -> Body:
        return _reissue_token(session, caller, body)

    outcome = idempotency.run_once(
        runtime.database,
        runtime.clock,
        scope=idempotency.ORDERS,
        key=idempotency.customer_key(caller.customer_id, idempotency_key),
        request_fingerprint=idempotency.fingerprint(request.dict()),
        operation=operation,
        on_replay=reissue_token,
        unstored=(CONFIRMATION_TOKEN,),
    )
    if not outcome.replayed:
        ORDERS.labels("placed").inc()
    return JSONResponse(outcome.body, status_code=outcome.status_code)


def _reissue_token(session: Session, caller: Caller, body: Body) -> Body:
    """Only the token's hash is kept, so a replay hands out a new token (the earlier one
    stops working), or none once the order can no longer be paid."""
    order = find_order(session, body["id"], caller.customer_id, for_update=True)
    token = issue_token(order) if order.status == PLACED else None
    return {**body, CONFIRMATION_TOKEN: token}


@router.get(
    "/orders/{order_id}",
    response_model=Order,
    responses=errors(404, *CUSTOMER),
)
def get_order(order_id: OrderId, caller: CallerDependency, runtime: RuntimeDependency) -> Body:
    with runtime.database.sessions.begin() as session:
        order = find_order(session, order_id, caller.customer_id)
        expire_uncollected(session, runtime, models.Order.number == order.number)
        move_late_estimates(session, runtime, models.Order.number == order.number)
        return order_body(order)


@router.get(
    "/orders",
    response_model=Orders,
    responses=errors(403, *CUSTOMER),
)
def list_orders(
    caller: CallerDependency,
    runtime: RuntimeDependency,
    customer_id: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
) -> Body:
    """The caller's orders, newest first (`customer_id`, if given, must be the caller)."""
    caller.refuse_other(customer_id, "list orders")
    query = (
        select(models.Order)
        .where(models.Order.customer_id == caller.customer_id)
        .order_by(models.Order.created_at.desc(), models.Order.number.desc())
    )
    with runtime.database.sessions.begin() as session:
        expire_uncollected(session, runtime, models.Order.customer_id == caller.customer_id)
        move_late_estimates(session, runtime, models.Order.customer_id == caller.customer_id)
        return {"orders": [order_body(order) for order in session.scalars(query)]}


@router.post(
    "/orders/{order_id}/cancel",
    response_model=Order,
    responses=errors(404, 409, *CUSTOMER),
)
def cancel(
    order_id: OrderId,
    caller: CallerDependency,
    runtime: RuntimeDependency,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Cancels (or, once paid, refunds) only the caller's own order."""

    def operation(session: Session) -> tuple[int, Body]:
        return 200, order_body(cancel_order(session, runtime, caller.customer_id, order_id))

    outcome = idempotency.run_once(
        runtime.database,
        runtime.clock,
        scope=idempotency.CANCELS,
        key=idempotency.customer_key(caller.customer_id, idempotency_key),
        request_fingerprint=idempotency.fingerprint({"order_id": order_id}),
        operation=operation,
    )
    if not outcome.replayed:
        ORDERS.labels("cancelled").inc()
    return JSONResponse(outcome.body, status_code=outcome.status_code)
