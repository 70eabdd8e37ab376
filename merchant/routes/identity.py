"""Sandbox sign-in: a customer id and password in, a customer token out."""

from __future__ import annotations

from fastapi import APIRouter

from contracts.merchant_api import Token
from merchant.identity import issue_token, sign_in
from merchant.responses import Body
from merchant.routes.documented import WITH_BODY, errors
from merchant.runtime import RuntimeDependency
from merchant.schemas import SignInRequest

router = APIRouter(tags=["identity"])


@router.post(
    "/identity/sign-in",
    response_model=Token,
    responses=errors(401, 429, *WITH_BODY),
)
def create_token(request: SignInRequest, runtime: RuntimeDependency) -> Body:
    """The first sign-in of a new customer id creates its account with this password."""
    sign_in(runtime, request.customer_id, request.password)
    issued = issue_token(
        request.customer_id,
        secret=runtime.jwt_secret,
        ttl_seconds=runtime.settings.token_ttl_seconds,
    )
    return {"token": issued.token, "expires_in": issued.expires_in}
