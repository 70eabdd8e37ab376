"""Sandbox sign-up and sign-in, and the customer tokens they issue (JWT, HS256, PyJWT).

`POST /identity/sign-up` creates a customer; `POST /identity/sign-in` only checks a
password, and answers an unknown id exactly as a wrong password. Password checks are
throttled (merchant/sign_in_throttle.py).

A token names the customer in `sub`, is issued by `orderly-sandbox` for the audience
`orderly` and expires after `ORDERLY_TOKEN_TTL_SECONDS`. A store's staff get tokens for the
audience `orderly-staff` (`POST /identity/staff/sign-in`). Each verifier accepts exactly one
audience (`verify_token`), so a staff token never acts as a customer, nor the reverse.
Token times are real UNIX time, not the platform clock that `ORDERLY_NOW` may fix, because
other services (the channels) verify the same tokens against their own real clocks.

The channels verify tokens with their own small verifier; nothing here is imported by them.
"""

from __future__ import annotations

import functools
import logging
import re
import secrets
import time
from dataclasses import dataclass

import jwt
from sqlalchemy.exc import IntegrityError

from merchant import models
from merchant.accounts import ensure_account
from merchant.errors import ApiError, conflict, unauthorized
from merchant.hashing import hash_secret, secret_matches
from merchant.runtime import Runtime
from merchant.security_events import SIGN_IN_FAILED, SIGN_IN_THROTTLED, record_event

log = logging.getLogger(__name__)

ISSUER = "orderly-sandbox"
AUDIENCE = "orderly"
STAFF_AUDIENCE = "orderly-staff"
ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud"]
# Customer ids travel in URLs, headers and log lines: keep them plain.
CUSTOMER_ID_FORMAT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
CUSTOMER_ID_RULE = (
    "a customer id is 1 to 64 ASCII letters, digits, '.', '_', '@' or '-', "
    "starting with a letter or digit"
)
MIN_PASSWORD_LENGTH = 4
MAX_PASSWORD_LENGTH = 128


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int


def issue_token(
    customer_id: str,
    *,
    secret: str,
    ttl_seconds: int,
    now: float | None = None,
    audience: str = AUDIENCE,
) -> IssuedToken:
    """A token for `customer_id` (or, with `audience=STAFF_AUDIENCE`, a staff id)."""
    issued_at = int(time.time() if now is None else now)
    claims = {
        "sub": customer_id,
        "iss": ISSUER,
        "aud": audience,
        "iat": issued_at,
        "exp": issued_at + ttl_seconds,
    }
    return IssuedToken(jwt.encode(claims, secret, algorithm=ALGORITHM), ttl_seconds)


def token_customer(token: str, *, secret: str) -> str:
    """The customer a valid customer token names; a 401 `unauthorized` error for anything
    else, a staff token included."""
    return verify_token(token, secret=secret, audience=AUDIENCE)


def token_staff(token: str, *, secret: str) -> str:
    """The staff id a valid staff token names; 401 for anything else, customer tokens too."""
    return verify_token(token, secret=secret, audience=STAFF_AUDIENCE)


def verify_token(token: str, *, secret: str, audience: str) -> str:
    """The subject of a valid token for exactly `audience`: the one audience check."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=ISSUER,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as error:
        raise unauthorized("The token has expired; sign in again.", "token_expired") from error
    except jwt.InvalidTokenError as error:
        raise unauthorized("The token is not valid; sign in again.", "invalid_token") from error
    subject = claims["sub"]
    # PyJWT accepts a list of audiences in the token if one matches: a token naming both
    # would otherwise act as a customer and as staff.
    if claims["aud"] != audience:
        raise unauthorized("The token is not valid; sign in again.", "invalid_token")
    if not isinstance(subject, str) or not CUSTOMER_ID_FORMAT.match(subject):
        raise unauthorized("The token does not name a valid account.", "invalid_token")
    return subject


def sign_up(runtime: Runtime, client: str, customer_id: str, password: str) -> None:
    """Create a new customer with this password: their account and credential.

    Refused (409) when the id has an account already, whether it signed up or the service
    created it (an OIDC customer, whose account must never get a sandbox password).
    Hashing takes tens of milliseconds of CPU on purpose, so it runs outside any
    transaction: on SQLite a transaction holds the database's one write lock.
    """
    refuse_without_sandbox_identity(runtime)
    runtime.sign_in_throttle.admit(client)
    password_hash = hash_secret(password)
    with runtime.database.sessions.begin() as session:
        if session.get(models.Account, customer_id) is not None:
            raise conflict(
                "customer_id_taken",
                "That customer id is taken; choose another one.",
                field="customer_id",
            )
        ensure_account(session, runtime, customer_id)
        session.add(
            models.Credential(
                customer_id=customer_id,
                password_hash=password_hash,
                created_at=runtime.clock.now(),
            )
        )
        try:
            session.flush()
        except IntegrityError as error:  # a concurrent sign-up of the same id won
            raise conflict(
                "customer_id_taken",
                "That customer id is taken; choose another one.",
                field="customer_id",
            ) from error
    log.info("signed up %s", customer_id)


def check_password(runtime: Runtime, client: str, customer_id: str, password: str) -> None:
    """Pass when `password` is the customer's; raise 401 (or 429 while throttled).

    An id nobody has gets the same answers, at the same cost, as a wrong password: a
    stranger cannot learn which ids exist.
    """
    refuse_without_sandbox_identity(runtime)
    throttle = runtime.sign_in_throttle
    throttle.admit(client, customer_id)
    with runtime.database.sessions.begin() as session:
        credential = session.get(models.Credential, customer_id)
        stored_hash = None if credential is None else credential.password_hash
    matches = secret_matches(password, stored_hash or absent_hash())
    if matches and stored_hash is not None:
        return
    filled = throttle.wrong_password(client, customer_id)
    if stored_hash is not None:
        with runtime.database.sessions.begin() as session:
            record_event(session, runtime, customer_id, SIGN_IN_FAILED)
            if filled:
                record_event(session, runtime, customer_id, SIGN_IN_THROTTLED)
    log.info("wrong password for a customer id")
    raise _invalid_credentials()


def refuse_without_sandbox_identity(runtime: Runtime) -> None:
    """With an OIDC provider (`ORDERLY_JWKS_URL`) customers are the provider's: the
    sandbox neither creates nor signs in anyone, so nobody can claim their accounts."""
    if runtime.settings.jwks_url:
        raise ApiError(
            404,
            "sandbox_identity_off",
            "Customers sign in with this deployment's identity provider, not here.",
        )


@functools.cache
def absent_hash() -> str:
    """A hash of nothing anyone knows, checked for unknown ids so they cost the same."""
    return hash_secret(secrets.token_urlsafe(32))


def _invalid_credentials() -> ApiError:
    return ApiError(
        401,
        "invalid_credentials",
        "That customer id and password do not match.",
        headers={"WWW-Authenticate": 'Bearer realm="orderly"'},
    )
