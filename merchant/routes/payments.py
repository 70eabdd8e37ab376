"""Payments: capture (idempotent, key required) and list by order; the caller's own only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts.merchant_api import Payment, Payments
from merchant import idempotency
from merchant.errors import ApiError, conflict
from merchant.idempotency import Body
from merchant.ordering import find_order
from merchant.payments import capture_payment, order_payments
from merchant.responses import payment_body
from merchant.routes.caller import CallerDependency
from merchant.routes.documented import CUSTOMER, errors
from merchant.routes.headers import IdempotencyKey
from merchant.runtime import RuntimeDependency
from merchant.schemas import PaymentRequest
from merchant.telemetry import PAYMENTS

router = APIRouter(tags=["payments"])


@router.post(
    "/payments",
    status_code=201,
    response_model=Payment,
    responses=errors(400, 402, 403, 404, 409, 413, 423, *CUSTOMER),
)
def create_payment(
    request: PaymentRequest,
    caller: CallerDependency,
    runtime: RuntimeDependency,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    if idempotency_key is None:
        raise ApiError(
            400,
            "idempotency_key_required",
            "A payment needs an Idempotency-Key header, so that a retry cannot charge twice.",
            field="Idempotency-Key",
        )

    def operation(session: Session) -> tuple[int, Body]:
        return 201, payment_body(capture_payment(session, runtime, caller.customer_id, request))

    try:
        payment = idempotency.run_once(
            runtime.database,
            runtime.clock,
            scope=idempotency.PAYMENTS,
            key=idempotency.customer_key(caller.customer_id, idempotency_key),
            request_fingerprint=idempotency.fingerprint(request.dict()),
            operation=operation,
        )
    except IntegrityError as error:
        # The one-captured-payment-per-order index caught a concurrent second payment.
        PAYMENTS.labels("order_already_paid").inc()
        raise conflict(
            "order_already_paid", f"Order {request.order_id} is already paid."
        ) from error
    except ApiError as refusal:
        PAYMENTS.labels(refusal.code).inc()
        raise
    if not payment.replayed:
        PAYMENTS.labels("captured").inc()
    return JSONResponse(payment.body, status_code=payment.status_code)


@router.get(
    "/payments",
    response_model=Payments,
    responses=errors(404, *CUSTOMER),
)
def list_payments(
    order_id: Annotated[str, Query(min_length=1, max_length=32)],
    caller: CallerDependency,
    runtime: RuntimeDependency,
) -> Body:
    with runtime.database.sessions.begin() as session:
        order = find_order(session, order_id, caller.customer_id)
        return {"payments": [payment_body(payment) for payment in order_payments(session, order)]}
