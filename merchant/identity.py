"""Sandbox sign-in and the customer tokens it issues (JWT, HS256, PyJWT).

A token names the customer in `sub`, is issued by `orderly-sandbox` for the audience
`orderly` and expires after `ORDERLY_TOKEN_TTL_SECONDS`. Token times are real UNIX time,
not the platform clock that `ORDERLY_NOW` may fix, because other services (the channels)
verify the same tokens against their own real clocks. Wrong-password locks, like
everything else the platform decides, follow the platform clock.

The channels verify tokens with their own small verifier; nothing here is imported by them.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime

import jwt
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from merchant import models
from merchant.accounts import ensure_account
from merchant.errors import ApiError, unauthorized
from merchant.hashing import hash_secret, secret_matches
from merchant.runtime import Runtime
from merchant.security_events import SIGN_IN_FAILED, SIGN_IN_LOCKED, record_event

log = logging.getLogger(__name__)

ISSUER = "orderly-sandbox"
AUDIENCE = "orderly"
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
    customer_id: str, *, secret: str, ttl_seconds: int, now: float | None = None
) -> IssuedToken:
    issued_at = int(time.time() if now is None else now)
    claims = {
        "sub": customer_id,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": issued_at,
        "exp": issued_at + ttl_seconds,
    }
    return IssuedToken(jwt.encode(claims, secret, algorithm=ALGORITHM), ttl_seconds)


def token_customer(token: str, *, secret: str) -> str:
    """The customer a valid token names; a 401 `unauthorized` error for anything else."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as error:
        raise unauthorized("The token has expired; sign in again.", "token_expired") from error
    except jwt.InvalidTokenError as error:
        raise unauthorized("The token is not valid; sign in again.", "invalid_token") from error
    subject = claims["sub"]
    if not isinstance(subject, str) or not CUSTOMER_ID_FORMAT.match(subject):
        raise unauthorized("The token does not name a valid customer.", "invalid_token")
    return subject


def sign_in(runtime: Runtime, customer_id: str, password: str) -> None:
    """Check the password, or enrol a new customer with it; raise on a wrong password.

    Hashing takes tens of milliseconds of CPU on purpose, so it runs outside any
    transaction: on SQLite a transaction holds the database's one write lock, and a
    sign-in holding it would stall every order and payment behind it. A wrong password
    is counted (and the refusal raised) only after its transaction committed.
    """
    sessions = runtime.database.sessions
    now = runtime.clock.now()
    with sessions.begin() as session:
        credential = session.get(models.Credential, customer_id)
        stored_hash = None if credential is None else credential.password_hash
        locked_until = None if credential is None else credential.locked_until
    if stored_hash is None:
        new_hash = hash_secret(password)
        with sessions.begin() as session:
            stored_hash = _enrol(session, runtime, customer_id, new_hash, now)
        if stored_hash is None:
            return
    # Checked before the hash too: while locked, the password is not even looked at.
    still_locked = runtime.sign_in_lockout.locked_until(locked_until, now)
    if still_locked is not None:
        raise sign_in_locked(still_locked, now, runtime)
    _record_attempt(runtime, customer_id, secret_matches(password, stored_hash), now)


def _record_attempt(runtime: Runtime, customer_id: str, matches: bool, now: datetime) -> None:
    """Count the attempt under the row lock; raise the refusal after committing it."""
    refusal: ApiError | None = None
    with runtime.database.sessions.begin() as session:
        credential = session.get(models.Credential, customer_id, with_for_update=True)
        if credential is None:  # deleted meanwhile: nothing to sign in to
            raise _invalid_credentials()
        locked_until = runtime.sign_in_lockout.locked_until(credential.locked_until, now)
        if locked_until is not None:
            refusal = sign_in_locked(locked_until, now, runtime)
        elif matches:
            credential.failed_attempts = 0
        else:
            refusal = _count_failure(session, runtime, credential, now)
    if refusal is not None:
        raise refusal


def _count_failure(
    session: Session, runtime: Runtime, credential: models.Credential, now: datetime
) -> ApiError:
    customer_id = credential.customer_id
    outcome = runtime.sign_in_lockout.after_failure(credential.failed_attempts, now)
    credential.failed_attempts = outcome.failed_attempts
    if outcome.locked_until is not None:
        credential.locked_until = outcome.locked_until
        local = outcome.locked_until.astimezone(runtime.clock.zone)
        record_event(session, runtime, customer_id, SIGN_IN_LOCKED, locked_until=local.isoformat())
        log.warning("sign-in locked for %s after wrong passwords", customer_id)
        return sign_in_locked(outcome.locked_until, now, runtime)
    record_event(session, runtime, customer_id, SIGN_IN_FAILED)
    log.info("wrong password for %s", customer_id)
    return _invalid_credentials()


def _invalid_credentials() -> ApiError:
    return ApiError(
        401,
        "invalid_credentials",
        "That customer id and password do not match.",
        headers={"WWW-Authenticate": 'Bearer realm="orderly"'},
    )


def _enrol(
    session: Session, runtime: Runtime, customer_id: str, password_hash: str, now: datetime
) -> str | None:
    """Create the credential (and the account if needed). Returns None when enrolled, or
    the hash of the credential a concurrent first sign-in created a moment ago."""
    ensure_account(session, runtime, customer_id)
    credential = models.Credential(
        customer_id=customer_id,
        password_hash=password_hash,
        failed_attempts=0,
        locked_until=None,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(credential)
    except IntegrityError:
        existing: models.Credential | None = session.get(models.Credential, customer_id)
        if existing is None:
            raise
        return existing.password_hash
    log.info("enrolled %s", customer_id)
    return None


def sign_in_locked(locked_until: datetime, now: datetime, runtime: Runtime) -> ApiError:
    local = locked_until.astimezone(runtime.clock.zone)
    wait = max(1, int((locked_until - now).total_seconds()))
    return ApiError(
        429,
        "sign_in_locked",
        f"Too many wrong passwords for this customer id; try again after {local:%H:%M}.",
        headers={"Retry-After": str(wait)},
        locked_until=local.isoformat(),
    )
