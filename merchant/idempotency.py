"""Run a write at most once per `Idempotency-Key`, and replay its first response after.

The record is inserted *before* the work, in the same transaction: a concurrent request
with the same key then waits on (PostgreSQL) or queues behind (SQLite) the unique
constraint, and finds the finished record instead of doing the work twice. Only
successful responses are kept, because a refused request changed nothing and may be
retried with the same key once the customer has fixed the problem (say, verified a PIN).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from merchant import models
from merchant.clock import Clock
from merchant.db import Database
from merchant.errors import ApiError, conflict

ORDERS = "orders"
CANCELS = "cancels"
PAYMENTS = "payments"
HANDOFFS = "handoffs"

Body = dict[str, Any]
Operation = Callable[[Session], tuple[int, Body]]
Replay = Callable[[Session, Body], Body]


@dataclass(frozen=True)
class Outcome:
    status_code: int
    body: Body
    replayed: bool


def fingerprint(request: Any) -> str:
    """A digest of the parsed request, so key reuse with another body can be refused."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def customer_key(customer_id: str, key: str | None) -> str | None:
    """`key` in the customer's own key space: another customer sending the same key neither
    replays this customer's response nor collides with it."""
    if key is None:
        return None
    return hashlib.sha256(f"{customer_id}\n{key}".encode()).hexdigest()


def run_once(
    database: Database,
    clock: Clock,
    *,
    scope: str,
    key: str | None,
    request_fingerprint: str,
    operation: Operation,
    on_replay: Replay | None = None,
    unstored: Sequence[str] = (),
) -> Outcome:
    """Run `operation` in one transaction, or replay the stored response for `key`.

    Keys named in `unstored` (secrets such as a confirmation token) are returned but not
    kept; `on_replay` may fill them in again, inside a transaction, when replaying.
    """
    if key is None:
        with database.sessions.begin() as session:
            status_code, body = operation(session)
        return Outcome(status_code, body, replayed=False)
    try:
        with database.sessions.begin() as session:
            record = _find(session, scope, key)
            if record is not None:
                return _replay(session, record, request_fingerprint, on_replay)
            record = models.IdempotencyRecord(
                scope=scope,
                key=key,
                fingerprint=request_fingerprint,
                created_at=clock.now(),
            )
            session.add(record)
            session.flush()
            status_code, body = operation(session)
            record.status_code = status_code
            record.response = {name: value for name, value in body.items() if name not in unstored}
        return Outcome(status_code, body, replayed=False)
    except IntegrityError:
        # Either a twin request with this key finished first (replay it), or the
        # operation broke another constraint, which the caller turns into a refusal.
        with database.sessions.begin() as session:
            record = _find(session, scope, key)
            if record is None:
                raise
            return _replay(session, record, request_fingerprint, on_replay)


def _find(session: Session, scope: str, key: str) -> models.IdempotencyRecord | None:
    query = select(models.IdempotencyRecord).where(
        models.IdempotencyRecord.scope == scope, models.IdempotencyRecord.key == key
    )
    record: models.IdempotencyRecord | None = session.scalars(query).first()
    return record


def _replay(
    session: Session,
    record: models.IdempotencyRecord,
    request_fingerprint: str,
    on_replay: Replay | None,
) -> Outcome:
    if record.fingerprint != request_fingerprint:
        raise key_reused()
    body = dict(record.response)
    if on_replay is not None:
        body = on_replay(session, body)
    return Outcome(record.status_code, body, replayed=True)


def key_reused() -> ApiError:
    return conflict(
        "idempotency_key_reused",
        "This Idempotency-Key was already used for a different request; use a new key.",
    )
