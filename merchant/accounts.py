"""Sandbox accounts: created on first use, with a balance and a voice-pay limit, and a PIN
once the customer sets one (`PUT /identity/pin`): no account has one before.

The attempt counter and the lock live on the ACCOUNT, not on a conversation, so starting
a new chat or a new order does not give a guesser fresh attempts.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from merchant import models
from merchant.errors import ApiError, conflict, not_found
from merchant.hashing import hash_secret, secret_matches
from merchant.runtime import Runtime
from merchant.security_events import PIN_INCORRECT, PIN_LOCKED, PIN_SET, record_event

log = logging.getLogger(__name__)

PAYABLE = "placed"


def ensure_account(session: Session, runtime: Runtime, customer_id: str) -> models.Account:
    """The customer's account, created with the sandbox defaults if it does not exist yet.

    Returns the row locked for update (on PostgreSQL): callers go on to change it.
    """
    account = session.get(models.Account, customer_id, with_for_update=True)
    if account is not None:
        return account
    settings = runtime.settings
    account = models.Account(
        customer_id=customer_id,
        balance=settings.sandbox_balance,
        currency="CNY",
        voice_pay_limit=settings.voice_pay_limit,
        default_merchant_id=settings.default_merchant_id,
        default_store_id=settings.default_store_id,
        pin_hash=None,
        pin_digits=None,
        failed_pin_attempts=0,
        voice_pay_locked_until=None,
        created_at=runtime.clock.now(),
    )
    try:
        with session.begin_nested():
            session.add(account)
    except IntegrityError:
        # A concurrent first request created it a moment ago: use that one.
        account = session.get(models.Account, customer_id, with_for_update=True)
        if account is None:
            raise
        return account
    log.info("created sandbox account %s", customer_id)
    return account


def refuse_if_locked(account: models.Account, runtime: Runtime) -> None:
    locked_until = runtime.lockout.locked_until(account.voice_pay_locked_until, runtime.clock.now())
    if locked_until is not None:
        raise pin_locked(locked_until, runtime)


def pin_locked(locked_until: datetime, runtime: Runtime) -> ApiError:
    local = locked_until.astimezone(runtime.clock.zone)
    return ApiError(
        423,
        "pin_locked",
        "Payments that need the PIN are locked after too many wrong PINs; "
        f"try again after {local:%H:%M}.",
        locked_until=local.isoformat(),
    )


# What the assistant tells a customer whose payment needs a PIN they have not set.
HOW_TO_SET_A_PIN = (
    "Set your own payment PIN first: type /pin in the shell (make shell), or open Settings "
    "in the web widget; both ask for your password. A PIN can't be set by voice."
)


def pin_not_set() -> ApiError:
    return ApiError(
        409,
        "pin_not_set",
        f"This payment needs the customer's PIN, and none is set yet. {HOW_TO_SET_A_PIN}",
    )


def set_pin(runtime: Runtime, customer_id: str, pin: str) -> None:
    """Make `pin` the customer's PIN (hashed outside the transaction, like passwords).

    A wrong-PIN lock in force stays: whoever holds the password cannot lift it early.
    """
    pin_hash = hash_secret(pin)
    with runtime.database.sessions.begin() as session:
        account = ensure_account(session, runtime, customer_id)
        replaced = account.pin_hash is not None
        account.pin_hash = pin_hash
        account.pin_digits = len(pin)
        account.failed_pin_attempts = 0
        record_event(session, runtime, customer_id, PIN_SET, replaced=replaced)
    log.info("PIN %s for %s", "changed" if replaced else "set", customer_id)


def verify_pin(
    session: Session, runtime: Runtime, customer_id: str, order_number: int, pin: str
) -> models.PinVerification:
    """Check `pin` for a payment of one order; count wrong PINs and lock after too many.

    The caller must commit even when this raises `pin_incorrect` or `pin_locked`, so
    the attempt is counted: see routes/accounts.py.
    """
    account = ensure_account(session, runtime, customer_id)
    refuse_if_locked(account, runtime)
    order = session.get(models.Order, order_number)
    if order is None or order.customer_id != customer_id:
        raise not_found(
            "unknown_order",
            f"{customer_id} has no order {order_number}.",
            field="order_id",
        )
    if order.status != PAYABLE:
        raise conflict(
            "order_not_payable",
            f"Order {order_number} is {order.status}; there is nothing to pay.",
        )
    if account.pin_hash is None:
        raise pin_not_set()
    now = runtime.clock.now()
    if not secret_matches(pin, account.pin_hash):
        outcome = runtime.lockout.after_failure(account.failed_pin_attempts, now)
        account.failed_pin_attempts = outcome.failed_attempts
        if outcome.locked_until is not None:
            account.voice_pay_locked_until = outcome.locked_until
            local = outcome.locked_until.astimezone(runtime.clock.zone)
            record_event(
                session,
                runtime,
                customer_id,
                PIN_LOCKED,
                order_id=str(order_number),
                locked_until=local.isoformat(),
            )
            log.warning("voice payment locked for %s after wrong PINs", customer_id)
            raise pin_locked(outcome.locked_until, runtime)
        record_event(
            session,
            runtime,
            customer_id,
            PIN_INCORRECT,
            order_id=str(order_number),
            attempts_left=outcome.attempts_left,
        )
        log.info("wrong PIN for %s, %d attempts left", customer_id, outcome.attempts_left)
        raise ApiError(
            403,
            "pin_incorrect",
            f"That PIN is not right. {outcome.attempts_left} "
            f"{'attempt' if outcome.attempts_left == 1 else 'attempts'} left.",
            attempts_left=outcome.attempts_left,
        )
    account.failed_pin_attempts = 0
    verification = models.PinVerification(
        customer_id=customer_id,
        order_number=order_number,
        created_at=now,
        expires_at=now + timedelta(seconds=runtime.settings.pin_verification_ttl_seconds),
    )
    session.add(verification)
    session.flush()
    log.info("PIN verified for %s, order %d", customer_id, order_number)
    return verification
