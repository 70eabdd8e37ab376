"""The security log support reads: wrong PINs and passwords, the locks and throttles they
caused, and PIN changes.

Rows are written in the same transaction as the attempt they describe, so a counted
attempt is always logged. Details never contain a submitted secret.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from merchant import models
from merchant.runtime import Runtime

PIN_INCORRECT = "pin_incorrect"
PIN_LOCKED = "pin_locked"
SIGN_IN_FAILED = "sign_in_failed"
# Wrong passwords for this id filled its window: everyone waits up to a minute.
SIGN_IN_THROTTLED = "sign_in_throttled"
PIN_SET = "pin_set"
MAX_LISTED_EVENTS = 100


def record_event(
    session: Session, runtime: Runtime, customer_id: str, kind: str, **details: Any
) -> None:
    session.add(
        models.SecurityEvent(
            customer_id=customer_id,
            kind=kind,
            details=details,
            created_at=runtime.clock.now(),
        )
    )


def recent_events(session: Session, customer_id: str) -> list[models.SecurityEvent]:
    """The customer's latest events, newest first."""
    query = (
        select(models.SecurityEvent)
        .where(models.SecurityEvent.customer_id == customer_id)
        .order_by(models.SecurityEvent.created_at.desc(), models.SecurityEvent.id.desc())
        .limit(MAX_LISTED_EVENTS)
    )
    return list(session.scalars(query))
