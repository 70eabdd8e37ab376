"""Capturing a payment: every check and every change of docs/merchant-api.md "Payments".

All changes (debit, order paid, token and PIN verification used up, payment stored)
happen in the caller's one transaction, after the order and account rows are locked,
so a concurrent duplicate either waits and sees the order paid, or hits the database's
one-captured-payment-per-order index. Locking the account also serialises the daily
no-PIN total: two payments of one customer cannot both spend the same allowance.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.money import format_money
from merchant import models, rooms, stays
from merchant.accounts import ensure_account, pin_not_set, refuse_if_locked
from merchant.errors import ApiError, conflict
from merchant.menu import store_hours
from merchant.ordering import (
    CAPTURED,
    PAID,
    PLACED,
    book_again,
    find_order,
    token_matches,
    transition,
)
from merchant.runtime import Runtime
from merchant.schedule import check_store_open
from merchant.schemas import PaymentRequest

log = logging.getLogger(__name__)

PAYMENT_ID_BYTES = 8
OVER_PAYMENT_LIMIT = "over_payment_limit"
OVER_DAILY_LIMIT = "over_daily_limit"


def capture_payment(
    session: Session, runtime: Runtime, customer_id: str, request: PaymentRequest
) -> models.Payment:
    """Charge `customer_id` for their order, confirmed with its token, for its exact total."""
    if not request.confirmation_token:
        raise ApiError(
            400,
            "confirmation_required",
            "A payment needs the order's confirmation token, given only after the customer "
            "confirmed the order.",
            field="confirmation_token",
        )
    order = find_order(session, request.order_id, customer_id, for_update=True)
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
    now = runtime.clock.now()
    _check_confirmation_fresh(order, now, runtime)
    if request.amount != order.total:
        raise conflict(
            "amount_mismatch",
            f"Order {order.number} comes to {format_money(order.total)}, not "
            f"{format_money(request.amount)}; read the order back to the customer again.",
            amount=request.amount,
            total=order.total,
        )
    _check_still_collectable(order, now, runtime)
    account = ensure_account(session, runtime, customer_id)
    verification = None
    need = _pin_need(session, runtime, account, order.total, now)
    if need is not None:
        # A lock only stops what needs the PIN: small payments within the limits go on.
        refuse_if_locked(account, runtime)
        if account.pin_hash is None:
            raise pin_not_set()
        verification = _fresh_verification(session, runtime, order)
        if verification is None:
            raise need.refusal(account.pin_digits)
    if account.balance < order.total:
        raise ApiError(
            402,
            "insufficient_balance",
            f"The balance is {format_money(account.balance)}, not enough for "
            f"{format_money(order.total)}.",
            balance=account.balance,
            amount=order.total,
        )
    # The kitchen starts now: an as-soon-as-possible order's ready time is estimated again.
    book_again(session, runtime, order)
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
    session.add(payment)
    # A booking takes its room for each night here, in the payment's transaction: with
    # the last room, one of two payments gets it and the other is refused, charging nothing.
    rooms.reserve(session, runtime, order.merchant, order)
    # Paid: the order gets its pickup code, and the store sees it.
    transition(session, runtime, order, "pay")
    if verification is not None:
        verification.consumed_at = now
        verification.payment_id = payment.id
    session.flush()
    log.info(
        "payment %s captured for order %d: %d fen%s",
        payment.id,
        order.number,
        order.total,
        " with PIN" if verification is not None else "",
    )
    return payment


def _check_confirmation_fresh(order: models.Order, now: datetime, runtime: Runtime) -> None:
    """A confirmation is good for `ORDERLY_CONFIRMATION_TTL_SECONDS` after the order was
    placed. A replay of `POST /orders` hands out a new token but not a new deadline."""
    if now > order.created_at + runtime.confirmation_ttl:
        raise conflict(
            "confirmation_expired",
            f"The confirmation of order {order.number} has expired; read the order back to "
            "the customer and confirm again.",
        )


def _check_still_collectable(order: models.Order, now: datetime, runtime: Runtime) -> None:
    """The store must still be able to hand the order over: a scheduled pickup time must
    not have passed, and the store must be open when the order is due (an ASAP order is
    due at its pickup time or now, whichever is later). A booking is due at check-in."""
    if stays.stay_of(order) is not None:
        if now > order.pickup_time:
            local = order.pickup_time.astimezone(runtime.clock.zone)
            raise conflict(
                "check_in_passed",
                f"Booking {order.number} was for check-in at {local:%H:%M} on "
                f"{stays.spoken_date(local.date())}, which has passed; it cannot be paid.",
            )
        return
    if not order.asap and now > order.pickup_time:
        local = order.pickup_time.astimezone(runtime.clock.zone)
        raise conflict(
            "pickup_time_passed",
            f"Order {order.number} was for pickup at {local:%H:%M}, which has passed; "
            "it cannot be paid. Place it again for a later time.",
            pickup_time=local.isoformat(),
        )
    due = max(order.pickup_time, now).astimezone(runtime.clock.zone)
    check_store_open(order.store.name, store_hours(order.store), due)


@dataclass(frozen=True)
class PinNeed:
    """Why this payment needs the PIN, with the numbers the assistant can say."""

    reason: str
    amount: int
    voice_pay_limit: int
    daily_no_pin_limit: int
    no_pin_spent_today: int

    def refusal(self, pin_digits: int | None) -> ApiError:
        if self.reason == OVER_PAYMENT_LIMIT:
            message = (
                f"Payments over {format_money(self.voice_pay_limit)} by voice need the "
                f"customer's PIN; this order is {format_money(self.amount)}."
            )
        else:
            message = (
                f"Voice payments without a PIN are limited to "
                f"{format_money(self.daily_no_pin_limit)} a day and "
                f"{format_money(self.no_pin_spent_today)} is used today, so this "
                f"{format_money(self.amount)} order needs the customer's PIN."
            )
        return ApiError(
            403,
            "pin_required",
            message,
            reason=self.reason,
            amount=self.amount,
            voice_pay_limit=self.voice_pay_limit,
            daily_no_pin_limit=self.daily_no_pin_limit,
            no_pin_spent_today=self.no_pin_spent_today,
            pin_digits=pin_digits,
        )


def _pin_need(
    session: Session, runtime: Runtime, account: models.Account, amount: int, now: datetime
) -> PinNeed | None:
    """None when the payment may go through without a PIN: within the per-payment limit and
    within what is left of the daily no-PIN total."""
    daily_limit = runtime.settings.daily_no_pin_limit
    spent = no_pin_spent_today(session, runtime, account.customer_id, now)
    reason = None
    if amount > account.voice_pay_limit:
        reason = OVER_PAYMENT_LIMIT
    elif spent + amount > daily_limit:
        reason = OVER_DAILY_LIMIT
    if reason is None:
        return None
    return PinNeed(reason, amount, account.voice_pay_limit, daily_limit, spent)


def no_pin_spent_today(session: Session, runtime: Runtime, customer_id: str, now: datetime) -> int:
    """Captured payments without a PIN on the customer's local day (the platform's zone)."""
    zone = runtime.clock.zone
    start = datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)
    with_pin = select(models.PinVerification.payment_id).where(
        models.PinVerification.payment_id.is_not(None)
    )
    query = select(func.coalesce(func.sum(models.Payment.amount), 0)).where(
        models.Payment.customer_id == customer_id,
        models.Payment.status == CAPTURED,
        models.Payment.created_at >= start,
        models.Payment.created_at < start + timedelta(days=1),
        models.Payment.id.not_in(with_pin),
    )
    return int(session.scalar(query) or 0)


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
