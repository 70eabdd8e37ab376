"""A store's staff: their accounts, their sign-in, and what they may do to orders.

Staff accounts are made by the operator (`python -m merchant add-staff`), never over the
API. A staff member signs in for a token of the audience `orderly-staff`
(merchant.identity), and acts only on the orders of the stores their row lists: an order
of another store is as unknown to them as a missing one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from merchant import models
from merchant.errors import ApiError, forbidden, invalid, not_found
from merchant.hashing import hash_secret, secret_matches
from merchant.identity import CUSTOMER_ID_FORMAT, absent_hash
from merchant.order_states import CANCELLED, OPEN_STATES, PLACED
from merchant.ordering import expire_uncollected, order_number, transition
from merchant.runtime import Runtime

log = logging.getLogger(__name__)

STAFF_ROLE = "staff"
ROLES = (STAFF_ROLE, "manager")
# Staff can refund any order of their stores: a longer password than a customer's.
MIN_STAFF_PASSWORD_LENGTH = 8
# Wrong passwords are counted per id; staff ids get their own space, so a stranger
# hammering staff "u1" never throttles customer "u1".
THROTTLE_PREFIX = "staff:"


@dataclass(frozen=True)
class StaffMember:
    """The verified staff member behind a request, with the stores they serve."""

    staff_id: str
    role: str
    stores: tuple[str, ...]

    def refuse_other_store(self, store_id: str) -> None:
        if store_id not in self.stores:
            raise forbidden(f"Staff member {self.staff_id} does not serve store {store_id!r}.")


def add_staff(
    runtime: Runtime, staff_id: str, stores: list[str], password: str, role: str = STAFF_ROLE
) -> bool:
    """Create the staff member, or give an existing one this password, role and stores.
    True when created. Unknown stores, a malformed id or a short password are refused."""
    if not CUSTOMER_ID_FORMAT.match(staff_id):
        raise invalid("invalid_request", "A staff id is 1 to 64 letters, digits, '.', '_', '@' "
                      "or '-'.", field="staff_id")  # fmt: skip
    if role not in ROLES:
        raise invalid("invalid_request", f"A role is one of {', '.join(ROLES)}.", field="role")
    if len(password) < MIN_STAFF_PASSWORD_LENGTH:
        raise invalid(
            "invalid_request",
            f"A staff password has at least {MIN_STAFF_PASSWORD_LENGTH} characters.",
            field="password",
        )
    if not stores:
        raise invalid(
            "invalid_request", "A staff member serves at least one store.", field="stores"
        )
    password_hash = hash_secret(password)  # slow on purpose: outside the transaction
    with runtime.database.sessions.begin() as session:
        known = set(session.scalars(select(models.Store.id).where(models.Store.id.in_(stores))))
        unknown = [store for store in stores if store not in known]
        if unknown:
            raise not_found("unknown_store", f"There is no store {unknown[0]!r}.", field="stores")
        staff = session.get(models.Staff, staff_id)
        created = staff is None
        if staff is None:
            staff = models.Staff(staff_id=staff_id, created_at=runtime.clock.now())
            session.add(staff)
        staff.password_hash = password_hash
        staff.role = role
        staff.stores = list(dict.fromkeys(stores))
    log.info("staff %s %s for %s", staff_id, "added" if created else "updated", stores)
    return created


def check_staff_password(runtime: Runtime, client: str, staff_id: str, password: str) -> None:
    """Pass when `password` is the staff member's; 401 otherwise, 429 while throttled by
    the same throttle as customers' sign-ins. Unknown ids cost and answer the same."""
    throttle = runtime.sign_in_throttle
    key = THROTTLE_PREFIX + staff_id
    throttle.admit(client, key)
    with runtime.database.sessions.begin() as session:
        staff = session.get(models.Staff, staff_id)
        stored_hash = None if staff is None else staff.password_hash
    if secret_matches(password, stored_hash or absent_hash()) and stored_hash is not None:
        return
    throttle.wrong_password(client, key)
    log.info("wrong password for a staff id")
    raise ApiError(
        401,
        "invalid_credentials",
        "That staff id and password do not match.",
        headers={"WWW-Authenticate": 'Bearer realm="orderly-staff"'},
    )


def find_staff(session: Session, staff_id: str) -> StaffMember | None:
    staff = session.get(models.Staff, staff_id)
    if staff is None:
        return None
    return StaffMember(staff.staff_id, staff.role, tuple(staff.stores))


def open_orders(session: Session, runtime: Runtime, store_id: str) -> list[models.Order]:
    """The store's paid, unfinished orders, oldest first (ready ones past the window are
    marked uncollected first)."""
    expire_uncollected(session, runtime, models.Order.store_id == store_id)
    query = (
        select(models.Order)
        .where(models.Order.store_id == store_id, models.Order.status.in_(OPEN_STATES))
        .order_by(models.Order.created_at, models.Order.number)
    )
    return list(session.scalars(query))


def act_on_order(
    session: Session, runtime: Runtime, staff: StaffMember, order_id: str, action: str
) -> models.Order:
    """Apply a staff action to an order of one of the staff member's stores."""
    number = order_number(order_id)
    order = None if number is None else session.get(models.Order, number)
    # Another store's order, or one nobody paid for, is none of this staff's business.
    if order is None or order.store_id not in staff.stores or order.status in (PLACED, CANCELLED):
        raise not_found(
            "unknown_order", f"There is no paid order {order_id!r} at your stores.", field="id"
        )
    expire_uncollected(session, runtime, models.Order.number == order.number)
    return transition(session, runtime, order, action)
