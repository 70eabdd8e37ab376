"""Sandbox identity: sign up, sign in (a customer id and password in, a token out), and set
the payment PIN. Every route checks a password, so every route is throttled
(merchant/sign_in_throttle.py) by the client's address."""

from __future__ import annotations

from fastapi import APIRouter

from contracts.merchant_api import PinSet, Token
from merchant.accounts import set_pin
from merchant.identity import IssuedToken, check_password, issue_token, sign_up
from merchant.responses import Body
from merchant.routes.caller import ClientAddress, CustomerTokenDependency
from merchant.routes.documented import WITH_BODY, errors
from merchant.runtime import Runtime, RuntimeDependency
from merchant.schemas import PinChangeRequest, SignInRequest

router = APIRouter(tags=["identity"])


@router.post(
    "/identity/sign-up",
    status_code=201,
    response_model=Token,
    responses=errors(404, 409, 429, *WITH_BODY),
)
def create_customer(
    request: SignInRequest, runtime: RuntimeDependency, client: ClientAddress
) -> Body:
    """A new customer id with its password; 409 `customer_id_taken` for an id in use."""
    sign_up(runtime, client, request.customer_id, request.password)
    return _token_body(_issue(runtime, request.customer_id))


@router.post(
    "/identity/sign-in",
    response_model=Token,
    responses=errors(401, 404, 429, *WITH_BODY),
)
def create_token(request: SignInRequest, runtime: RuntimeDependency, client: ClientAddress) -> Body:
    """A token for an existing customer; an unknown id is answered like a wrong password."""
    check_password(runtime, client, request.customer_id, request.password)
    return _token_body(_issue(runtime, request.customer_id))


@router.put(
    "/identity/pin",
    response_model=PinSet,
    responses=errors(401, 404, 429, *WITH_BODY),
)
def change_pin(
    request: PinChangeRequest,
    customer_id: CustomerTokenDependency,
    runtime: RuntimeDependency,
    client: ClientAddress,
) -> Body:
    """Set or change the caller's payment PIN. Only with the customer's own token and their
    password again: a token alone (a stolen one, or the service acting for them) is not
    enough, and a wrong password counts like one at sign-in."""
    check_password(runtime, client, customer_id, request.password)
    set_pin(runtime, customer_id, request.pin)
    return {"pin_set": True}


def _issue(runtime: Runtime, customer_id: str) -> IssuedToken:
    return issue_token(
        customer_id, secret=runtime.jwt_secret, ttl_seconds=runtime.settings.token_ttl_seconds
    )


def _token_body(issued: IssuedToken) -> Body:
    return {"token": issued.token, "expires_in": issued.expires_in}
