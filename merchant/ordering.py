"""Placing and cancelling orders: the rules of docs/merchant-api.md "Orders".

An order is priced (merchant.pricing), timed (merchant.schedule) and stored with the
hash of a one-time confirmation token. The token itself goes back to the caller once:
the assistant hands it to the payment only after the customer's explicit yes.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from merchant import models
from merchant.accounts import ensure_account
from merchant.errors import conflict, not_found
from merchant.menu import (
    breakfast_hours,
    find_merchant,
    find_store,
    load_menu,
    store_hours,
)
from merchant.pricing import quote
from merchant.responses import chosen_option_body
from merchant.runtime import Runtime
from merchant.schedule import check_available, check_store_open, resolve_pickup
from merchant.schemas import OrderRequest

log = logging.getLogger(__name__)

PLACED, PAID, CANCELLED, REFUNDED = "placed", "paid", "cancelled", "refunded"
CAPTURED = "captured"
TOKEN_BYTES = 24
# Up to ten ASCII digits: every order number fits a 32-bit integer column.
ORDER_NUMBER_FORMAT = re.compile(r"[0-9]{1,10}")


def hash_token(token: str) -> str:
    """Tokens are long and random, so a plain SHA-256 is enough to keep them unusable."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, stored_hash: str | None) -> bool:
    return stored_hash is not None and hmac.compare_digest(hash_token(token), stored_hash)


def issue_token(order: models.Order) -> str:
    """A new one-time confirmation token for `order`; any earlier one stops working."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    order.confirmation_token_hash = hash_token(token)
    return token


def place_order(
    session: Session, runtime: Runtime, customer_id: str, request: OrderRequest
) -> tuple[models.Order, str]:
    """Check, price and store an order for `customer_id` (the verified caller); return it
    with its confirmation token."""
    merchant = find_merchant(session, request.merchant_id)
    account = ensure_account(session, runtime, customer_id)
    store = find_store(session, merchant, request.store_id, account.default_store_id)
    now = runtime.clock.now()
    pickup = resolve_pickup(
        now, request.pickup_time, prep=runtime.asap_prep, zone=runtime.clock.zone
    )
    menu = load_menu(session, merchant.id)
    settings = runtime.settings
    priced = quote(
        menu,
        [line.to_line() for line in request.items],
        max_quantity=settings.max_line_quantity,
        max_lines=settings.max_order_lines,
    )
    check_store_open(store.name, store_hours(store), pickup)
    check_available((menu[line.sku] for line in priced.lines), breakfast_hours(merchant), pickup)
    order = models.Order(
        customer_id=account.customer_id,
        merchant_id=merchant.id,
        store_id=store.id,
        pickup_time=pickup,
        asap=request.pickup_time is None,
        total=priced.total,
        currency=merchant.currency,
        status=PLACED,
        created_at=now,
        lines=[
            models.OrderLine(
                position=position,
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                options=[chosen_option_body(option) for option in line.options],
                unit_price=line.unit_price,
                line_total=line.line_total,
            )
            for position, line in enumerate(priced.lines)
        ],
        store=store,
    )
    token = issue_token(order)
    session.add(order)
    session.flush()
    log.info(
        "order %d placed for %s, total %d fen",
        order.number,
        order.customer_id,
        order.total,
    )
    return order, token


def order_number(order_id: str) -> int | None:
    """The number behind a public order id ("1001"), or None if it cannot be one.

    Only ASCII digits: `str.isdigit` also accepts "²" or "١", which `int` then refuses.
    """
    text = order_id.strip()
    return int(text) if ORDER_NUMBER_FORMAT.fullmatch(text) else None


def find_order(
    session: Session, order_id: str, customer_id: str, *, for_update: bool = False
) -> models.Order:
    """`customer_id`'s order `order_id`; someone else's order is as unknown as a missing one,
    so order numbers (which count up) reveal nothing about other customers."""
    number = order_number(order_id)
    order = (
        None if number is None else session.get(models.Order, number, with_for_update=for_update)
    )
    if order is None or order.customer_id != customer_id:
        raise not_found("unknown_order", f"There is no order {order_id!r}.", field="order_id")
    return order


def cancel_order(
    session: Session, runtime: Runtime, customer_id: str, order_id: str
) -> models.Order:
    """Cancel an unpaid order, or refund a paid one; cancelling twice changes nothing."""
    order = find_order(session, order_id, customer_id, for_update=True)
    if order.status in (CANCELLED, REFUNDED):
        return order
    now = runtime.clock.now()
    if now >= order.pickup_time:
        raise conflict(
            "too_late_to_cancel",
            f"Order {order.number} was due for pickup at "
            f"{order.pickup_time.astimezone(runtime.clock.zone):%H:%M}; it can no longer be "
            "cancelled.",
        )
    order.confirmation_token_hash = None
    if order.status == PAID:
        _refund(session, order, now)
        order.status = REFUNDED
    else:
        order.status = CANCELLED
    log.info("order %d %s", order.number, order.status)
    return order


def _refund(session: Session, order: models.Order, now: datetime) -> None:
    query = (
        select(models.Payment)
        .where(
            models.Payment.order_number == order.number,
            models.Payment.status == CAPTURED,
        )
        .with_for_update()
    )
    for payment in session.scalars(query):
        account = session.get(models.Account, payment.customer_id, with_for_update=True)
        account.balance += payment.amount
        payment.status = REFUNDED
        payment.refunded_at = now
        log.info(
            "payment %s refunded, %d fen back to %s",
            payment.id,
            payment.amount,
            account.customer_id,
        )
