"""Placing orders and moving them through their states: docs/merchant-api.md "Orders".

An order is priced (merchant.pricing), timed (merchant.schedule) and stored with the
hash of a one-time confirmation token. The token itself goes back to the caller once:
the assistant hands it to the payment only after the customer's explicit yes.

After that an order moves only by `transition`, along the one table `TRANSITIONS`
(docs/design/merchant-model.md §4) that the payment, the customer's cancel and the staff
routes all use. A transition is one conditional UPDATE (`WHERE status = :from`) plus an
`order_events` row in the same transaction, so two staff pressing "ready" at once make one
transition and one event, and a retried transition answers the order as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from merchant import models, rooms, stays
from merchant.accounts import ensure_account
from merchant.catalogue import Item
from merchant.errors import ApiError, conflict, not_found
from merchant.menu import (
    breakfast_hours,
    find_merchant,
    find_store,
    load_menu,
    store_hours,
)
from merchant.order_states import (
    ACCEPTED,
    CANCELLED,
    CUSTOMER_ACTIONS,
    DONE,
    PAID,
    PLACED,
    READY,
    REFUNDED,
    TRANSITIONS,
)
from merchant.pickup_slots import PickupSlots, SlotRules
from merchant.pricing import quote
from merchant.responses import chosen_option_body
from merchant.runtime import Runtime
from merchant.schedule import all_available, check_available, check_store_open, resolve_pickup
from merchant.schemas import OrderRequest

log = logging.getLogger(__name__)

PICKUP_CODE_DIGITS = 3
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
    requested = (
        None
        if request.pickup_time is None
        else resolve_pickup(now, request.pickup_time, zone=runtime.clock.zone)
    )
    if stays.is_booking(merchant):
        # A stay: one room type with its dates, due at check-in (merchant/stays.py); it
        # takes rooms at payment (merchant/rooms.py), not a pickup slot.
        priced, pickup = rooms.price_booking(session, runtime, merchant, store, request)
        slot = None
    else:
        menu = load_menu(session, merchant.id)
        settings = runtime.settings
        priced = quote(
            menu,
            [line.to_line() for line in request.items],
            max_quantity=settings.max_line_quantity,
            max_lines=settings.max_order_lines,
        )
        items = [menu[line.sku] for line in priced.lines]
        pickup, slot = book_pickup(session, runtime, merchant, store, items, requested)
    order = models.Order(
        customer_id=account.customer_id,
        merchant_id=merchant.id,
        store_id=store.id,
        pickup_time=pickup,
        ready_at=pickup,
        slot_start=slot,
        asap=request.pickup_time is None and not stays.is_booking(merchant),
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
        merchant=merchant,
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


def book_pickup(
    session: Session,
    runtime: Runtime,
    merchant: models.Merchant,
    store: models.Store,
    items: list[Item],
    requested: datetime | None,
    order: models.Order | None = None,
) -> tuple[datetime, datetime]:
    """The pickup time (`requested`, or the ready time of as soon as possible) and the slot
    it holds a place in; refused when the store is closed then, an item is not served
    then, or the slot is full (offering the next slots that suit all three). `order`: the
    order being booked again, at payment, whose own place is not counted."""
    slots = PickupSlots(session, runtime, merchant, store)
    pickup = slots.as_soon_as_possible(order) if requested is None else requested
    hours, breakfast = store_hours(store), breakfast_hours(merchant)
    check_store_open(store.name, hours, pickup)
    check_available(items, breakfast, pickup)

    def fits(slot: datetime) -> bool:
        return hours.contains(slot.time()) and all_available(items, breakfast, slot)

    return pickup, slots.book(pickup, fits=fits, order=order)


def book_again(session: Session, runtime: Runtime, order: models.Order) -> None:
    """At payment: an as-soon-as-possible order gets its ready time again from the queue
    as it is now (the kitchen starts on it now), and every order makes sure of its place."""
    merchant = find_merchant(session, order.merchant_id)
    if stays.is_booking(merchant):
        return  # a stay holds rooms, not a pickup slot (merchant/rooms.py, at payment)
    menu = load_menu(session, merchant.id)
    items = [menu[line.sku] for line in order.lines if line.sku in menu]
    # Stored instants come back in UTC; hours and breakfast are read in local time.
    requested = None if order.asap else order.pickup_time.astimezone(runtime.clock.zone)
    pickup, slot = book_pickup(session, runtime, merchant, order.store, items, requested, order)
    order.pickup_time, order.ready_at, order.slot_start = pickup, pickup, slot


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
    """Cancel an unpaid order, or refund a paid one the store has not accepted yet;
    cancelling twice changes nothing."""
    order = find_order(session, order_id, customer_id, for_update=True)
    if stays.stay_of(order) is not None and order.status in TRANSITIONS["cancel"]:
        # A booking follows its pack's free-cancellation window, not the pickup time.
        stays.check_cancel_window(runtime, order)
    elif order.status in TRANSITIONS["cancel"] and runtime.clock.now() >= order.pickup_time:
        raise conflict(
            "too_late_to_cancel",
            f"Order {order.number} was due for pickup at "
            f"{order.pickup_time.astimezone(runtime.clock.zone):%H:%M}; it can no longer be "
            "cancelled.",
            status=order.status,
        )
    return transition(session, runtime, order, "cancel")


def transition(
    session: Session, runtime: Runtime, order: models.Order, action: str
) -> models.Order:
    """Apply `action` to `order`: one conditional UPDATE and its `order_events` row.

    An order already where `action` leads is answered as it is (a retry, or the other of
    two staff pressing the same button); any other state is a 409 naming the current one.
    """
    moves = TRANSITIONS[action]
    for _attempt in range(2):  # the second look follows whoever changed it meanwhile
        current = order.status
        if current not in moves:
            if current in moves.values():
                return order
            raise wrong_state(order, action)
        target = moves[current]
        now = runtime.clock.now()
        changed = session.execute(
            update(models.Order)
            .where(models.Order.number == order.number, models.Order.status == current)
            .values(status=target, status_changed_at=now)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount == 1:
            set_committed_value(order, "status", target)
            set_committed_value(order, "status_changed_at", now)
            _on_entering(session, runtime, order, now)
            session.add(
                models.OrderEvent(
                    order_number=order.number,
                    customer_id=order.customer_id,
                    status=target,
                    created_at=now,
                    delivered_at=now if action in CUSTOMER_ACTIONS else None,
                )
            )
            session.flush()
            log.info("order %d %s: %s -> %s", order.number, action, current, target)
            return order
        session.refresh(order)
    raise wrong_state(order, action)


def wrong_state(order: models.Order, action: str) -> ApiError:
    allowed = ", ".join(TRANSITIONS[action])
    return conflict(
        "wrong_state",
        f"Order {order.number} is {order.status}; it cannot be {DONE[action]} "
        f"(only an order that is {allowed}).",
        status=order.status,
    )


def _on_entering(session: Session, runtime: Runtime, order: models.Order, now: datetime) -> None:
    """What a state brings with it, whichever action led there."""
    if order.status == PAID:
        order.confirmation_token_hash = None
        order.ready_at = order.pickup_time
        _assign_pickup_code(session, runtime, order)
    elif order.status in (CANCELLED, REFUNDED):
        order.confirmation_token_hash = None
        if order.status == REFUNDED:
            _refund(session, order, now)
            rooms.release(session, order)  # a booking's nights are free again
    elif order.status == ACCEPTED:
        # Accepted late, it cannot be ready before the kitchen has had its time.
        prep = SlotRules.of(find_merchant(session, order.merchant_id)).prep
        order.ready_at = max(order.ready_at or order.pickup_time, now + prep)
    elif order.status == READY:
        order.ready_at = now


def _assign_pickup_code(session: Session, runtime: Runtime, order: models.Order) -> None:
    """A random code not yet given at this store on the pickup's local day: short to say
    and type, and not a counter, so a code tells nobody how many orders came before.

    The store's row is locked first, so two payments at one store (PostgreSQL) cannot
    both pick the same free code; SQLite runs one write transaction at a time anyway.
    """
    session.execute(
        select(models.Store.id).where(models.Store.id == order.store_id).with_for_update()
    )
    day = order.pickup_time.astimezone(runtime.clock.zone).date()
    taken = set(
        session.scalars(
            select(models.Order.pickup_code).where(
                models.Order.store_id == order.store_id,
                models.Order.pickup_date == day,
                models.Order.pickup_code.is_not(None),
            )
        )
    )
    digits = PICKUP_CODE_DIGITS
    while True:
        free = [code for code in _codes(digits) if code not in taken]
        if free:
            break
        digits += 1  # a thousand orders at one store in one day: one digit more
    order.pickup_code = secrets.choice(free)
    order.pickup_date = day


def _codes(digits: int) -> list[str]:
    """Codes of `digits` digits without a leading zero, so none is misheard as shorter."""
    return [str(code) for code in range(10 ** (digits - 1), 10**digits)]


def expire_uncollected(session: Session, runtime: Runtime, *where: Any) -> None:
    """Mark ready orders (those matching `where`) uncollected once the window has passed.

    Swept lazily, by whatever reads orders (the customer's order, the staff list and its
    live feed), so no background task has to run, the platform's movable clock decides,
    and the conditional UPDATE keeps two readers from expiring an order twice.
    """
    deadline = runtime.clock.now() - timedelta(minutes=runtime.settings.uncollected_after_minutes)
    query = select(models.Order).where(
        models.Order.status == READY, models.Order.status_changed_at <= deadline, *where
    )
    for order in session.scalars(query).all():
        transition(session, runtime, order, "expire")


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
