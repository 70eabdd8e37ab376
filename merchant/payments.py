"""Capturing a payment: every check and every change of docs/merchant-api.md "Payments".

All changes (debit, order paid, token and PIN verification used up, payment stored)
happen in the caller's one transaction, after the order and account rows are locked,
so a concurrent duplicate either waits and sees the order paid, or hits the database's
one-captured-payment-per-order index.
"""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from merchant import models
from merchant.accounts import ensure_account, refuse_if_locked
from merchant.errors import ApiError, conflict
from merchant.ordering import CAPTURED, PAID, PLACED, find_order, token_matches
from merchant.pricing import format_fen
from merchant.runtime import Runtime
from merchant.schemas import PaymentRequest

log = logging.getLogger(__name__)

PAYMENT_ID_BYTES = 8


def capture_payment(session: Session, runtime: Runtime, request: PaymentRequest) -> models.Payment:
    """Charge the customer's balance for an order they confirmed with its token."""
    if not request.confirmation_token:
        raise ApiError(
            400,
            "confirmation_required",
            "A payment needs the order's confirmation token, given only after the customer "
            "confirmed the order.",
            field="confirmation_token",
        )
    order = find_order(session, request.order_id, for_update=True)
    if order.status == PAID:
        raise conflict("order_already_paid", f"Order {order.number} is already paid.")
    if order.status != PLACED:
        raise conflict(
            "order_not_payable",
            f"Order {order.number} is {order.status} and cannot be paid.",
        )
    if not token_matches(request.confirmation_token, order.confirmation_token_hash):
        raise conflict(
            "confirmation_invalid",
            "That confirmation token is not valid for this order; read the order back to "
            "the customer and confirm again.",
        )
    account = ensure_account(session, runtime, order.customer_id)
    refuse_if_locked(account, runtime)
    verification = None
    if order.total > account.voice_pay_limit:
        verification = _fresh_verification(session, runtime, order)
        if verification is None:
            raise ApiError(
                403,
                "pin_required",
                f"Payments over {format_fen(account.voice_pay_limit)} by voice need the "
                f"customer's PIN; this order is {format_fen(order.total)}.",
                voice_pay_limit=account.voice_pay_limit,
                amount=order.total,
            )
    if account.balance < order.total:
        raise ApiError(
            402,
            "insufficient_balance",
            f"The balance is {format_fen(account.balance)}, not enough for "
            f"{format_fen(order.total)}.",
            balance=account.balance,
            amount=order.total,
        )
    now = runtime.clock.now()
    payment = models.Payment(
        id=f"pay_{secrets.token_hex(PAYMENT_ID_BYTES)}",
        order_number=order.number,
        customer_id=account.customer_id,
        amount=order.total,
        currency=order.currency,
        status=CAPTURED,
        created_at=now,
    )
    account.balance -= order.total
    order.status = PAID
    order.confirmation_token_hash = None
    session.add(payment)
    if verification is not None:
        verification.consumed_at = now
        verification.payment_id = payment.id
    session.flush()
    log.info(
        "payment %s captured for order %d: %d fen",
        payment.id,
        order.number,
        order.total,
    )
    return payment


def _fresh_verification(
    session: Session, runtime: Runtime, order: models.Order
) -> models.PinVerification | None:
    """An unexpired, unused PIN verification for exactly this order, locked for use."""
    query = (
        select(models.PinVerification)
        .where(
            models.PinVerification.order_number == order.number,
            models.PinVerification.customer_id == order.customer_id,
            models.PinVerification.consumed_at.is_(None),
            models.PinVerification.expires_at > runtime.clock.now(),
        )
        .order_by(models.PinVerification.expires_at)
        .with_for_update()
    )
    verification: models.PinVerification | None = session.scalars(query).first()
    return verification


def order_payments(session: Session, order: models.Order) -> list[models.Payment]:
    query = (
        select(models.Payment)
        .where(models.Payment.order_number == order.number)
        .order_by(models.Payment.created_at)
    )
    return list(session.scalars(query))
