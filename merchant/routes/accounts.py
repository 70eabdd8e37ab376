"""Accounts (created on first use), PIN verifications and the security log.

Every route here acts only for the verified caller: naming another customer's account
is 403, whoever asks, so nobody can read a stranger's balance or lock their PIN.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from contracts.merchant_api import Account, PinVerification, SecurityEvents
from merchant.accounts import ensure_account, verify_pin
from merchant.errors import ApiError, not_found
from merchant.menu import find_merchant, find_store
from merchant.ordering import order_number
from merchant.responses import Body, account_body, instant, security_event_body
from merchant.routes.caller import CallerDependency
from merchant.routes.documented import CUSTOMER, errors
from merchant.runtime import RuntimeDependency
from merchant.schemas import PinVerificationRequest
from merchant.security_events import recent_events
from merchant.telemetry import PIN_ATTEMPTS

router = APIRouter(tags=["accounts"])
CustomerId = Annotated[str, Path(min_length=1, max_length=128)]


@router.get(
    "/accounts/{customer_id}",
    response_model=Account,
    responses=errors(403, 404, *CUSTOMER),
)
def get_account(
    customer_id: CustomerId,
    caller: CallerDependency,
    runtime: RuntimeDependency,
    merchant_id: Annotated[
        str | None,
        Query(max_length=128, description="Show the defaults as that merchant sees them."),
    ] = None,
) -> Body:
    """With `merchant_id`, the default store is one of that merchant's: the account's own
    if it belongs to it, else the merchant's first store (the rule `POST /orders` uses)."""
    caller.refuse_other(customer_id, "read the account")
    with runtime.database.sessions.begin() as session:
        account = ensure_account(session, runtime, caller.customer_id)
        locked_until = runtime.lockout.locked_until(
            account.voice_pay_locked_until, runtime.clock.now()
        )
        body = account_body(account, locked_until)
        if merchant_id is not None:
            merchant = find_merchant(session, merchant_id)
            store = find_store(session, merchant, None, account.default_store_id)
            body.update(default_merchant_id=merchant.id, default_store_id=store.id)
        return body


@router.post(
    "/accounts/{customer_id}/pin-verifications",
    response_model=PinVerification,
    responses=errors(403, 404, 409, 413, 423, *CUSTOMER),
)
def create_pin_verification(
    request: PinVerificationRequest,
    customer_id: CustomerId,
    caller: CallerDependency,
    runtime: RuntimeDependency,
) -> Body:
    """Only the customer (their own token) or the service acting for them may try a PIN, so
    nobody else can spend the customer's attempts and lock them out."""
    caller.refuse_other(customer_id, "verify a PIN")
    number = order_number(request.order_id)
    if number is None:
        raise not_found("unknown_order", "There is no such order.", field="order_id")
    with runtime.database.sessions.begin() as session:
        try:
            verification = verify_pin(session, runtime, caller.customer_id, number, request.pin)
        except ApiError as error:
            # Leave the block normally so the transaction commits: a wrong PIN must count
            # towards the lockout even though the request is refused.
            refusal = error
        else:
            PIN_ATTEMPTS.labels("verified").inc()
            return {
                "verified": True,
                "order_id": str(number),
                "expires_at": instant(verification.expires_at),
            }
    PIN_ATTEMPTS.labels(refusal.code).inc()
    raise refusal


@router.get(
    "/accounts/{customer_id}/security-events",
    response_model=SecurityEvents,
    responses=errors(403, *CUSTOMER),
)
def list_security_events(
    customer_id: CustomerId, caller: CallerDependency, runtime: RuntimeDependency
) -> Body:
    """Wrong PINs and passwords and the locks they caused, newest first (at most 100)."""
    caller.refuse_other(customer_id, "read the security log")
    with runtime.database.sessions.begin() as session:
        return {
            "events": [
                security_event_body(event) for event in recent_events(session, caller.customer_id)
            ]
        }
