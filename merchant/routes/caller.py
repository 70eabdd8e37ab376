"""Who is calling: the one dependency every customer endpoint takes.

Two credentials are accepted, both as `Authorization: Bearer ...`:
- a customer token from `POST /identity/sign-in` or `/sign-up` (a JWT): the caller acts as
  its `sub`;
- the service token (`ORDERLY_SERVICE_TOKEN`, shared with the action server) together with
  `X-Orderly-Customer: <id>`: a trusted service acting for that customer.
Anything else is 401. Routes then act only on the caller's own resources.

Staff routes take `StaffDependency` instead: a staff token (audience `orderly-staff`) of a
staff member who still exists. Neither kind of token is accepted in the other's place.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from merchant.errors import forbidden, invalid, unauthorized
from merchant.identity import CUSTOMER_ID_FORMAT, CUSTOMER_ID_RULE, token_customer, token_staff
from merchant.runtime import RuntimeDependency
from merchant.staff import StaffMember, find_staff

CUSTOMER_HEADER = "X-Orderly-Customer"

# auto_error=False: a missing credential gets our JSON error body, not FastAPI's.
_bearer = HTTPBearer(auto_error=False, description="A customer token or the service token.")


@dataclass(frozen=True)
class Caller:
    """The customer a verified request acts for, whichever credential proved it."""

    customer_id: str

    def refuse_other(self, customer_id: str | None, what: str) -> None:
        """403 when a request names a customer other than the caller."""
        if customer_id is not None and customer_id != self.customer_id:
            raise forbidden(f"This credential can only {what} for {self.customer_id}.")


def get_caller(
    runtime: RuntimeDependency,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    named_customer: Annotated[str | None, Header(alias=CUSTOMER_HEADER)] = None,
) -> Caller:
    if credentials is None:
        raise unauthorized(
            "Sign in first: send Authorization: Bearer <token> (see POST /identity/sign-in).",
            "missing_credentials",
        )
    presented = credentials.credentials
    service_token = runtime.settings.service_token
    if service_token is not None and hmac.compare_digest(
        presented.encode("utf-8"), service_token.encode("utf-8")
    ):
        if named_customer is None:
            raise unauthorized(
                f"The service token must name the customer in {CUSTOMER_HEADER}.",
                "customer_not_named",
            )
        if not CUSTOMER_ID_FORMAT.match(named_customer):
            raise invalid(
                "invalid_request",
                f"Invalid {CUSTOMER_HEADER}: {CUSTOMER_ID_RULE}.",
                field=CUSTOMER_HEADER,
            )
        return Caller(named_customer)
    customer_id = token_customer(presented, secret=runtime.jwt_secret)
    if named_customer is not None and named_customer != customer_id:
        raise forbidden(f"A customer token can only act for its own customer, {customer_id}.")
    return Caller(customer_id)


# Route parameter type: `caller: CallerDependency` is the verified caller, or the route 401s.
CallerDependency = Annotated[Caller, Depends(get_caller)]


def get_token_customer(
    runtime: RuntimeDependency,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The customer of a customer token; the service token is refused (403): what only the
    customer may do (set their PIN) is never done on their behalf."""
    if credentials is None:
        raise unauthorized(
            "Sign in first: send Authorization: Bearer <token>.", "missing_credentials"
        )
    service_token = runtime.settings.service_token
    if service_token is not None and hmac.compare_digest(
        credentials.credentials.encode("utf-8"), service_token.encode("utf-8")
    ):
        raise forbidden("Only the customer, with their own token, can do this.")
    return token_customer(credentials.credentials, secret=runtime.jwt_secret)


def get_client_address(request: Request) -> str:
    """Who is asking, for throttles: the peer's address, or the client a trusted proxy names
    in `X-Forwarded-For` (`ORDERLY_TRUSTED_PROXIES`; applied by the app's middleware)."""
    return request.client.host if request.client is not None else "unknown"


def get_staff(
    runtime: RuntimeDependency,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> StaffMember:
    """The staff member of a staff token, as their account is now (stores taken away since
    the token was issued are gone at once)."""
    if credentials is None:
        raise unauthorized(
            "Sign in first: send Authorization: Bearer <token> (see POST /identity/staff/sign-in).",
            "missing_credentials",
        )
    staff_id = token_staff(credentials.credentials, secret=runtime.jwt_secret)
    with runtime.database.sessions() as session:
        staff = find_staff(session, staff_id)
    if staff is None:
        raise unauthorized("This staff account no longer exists.", "invalid_token")
    return staff


# Route parameter type: `staff: StaffDependency` is the verified staff member, or 401.
StaffDependency = Annotated[StaffMember, Depends(get_staff)]


# Route parameter types: the customer of a customer token only; the caller's address.
CustomerTokenDependency = Annotated[str, Depends(get_token_customer)]
ClientAddress = Annotated[str, Depends(get_client_address)]
