"""Handing a customer the changes of their orders they have not been told about.

`order_events` is the outbox: every transition writes its row in the transaction that made
it (merchant.ordering.transition), born delivered when the customer made it themselves in a
conversation (pay, cancel). What the store or the platform did waits until a client of the
customer is there to hear it; `claim` then marks it delivered with one conditional UPDATE
per row, so when two channel processes claim for one customer at once each change goes to
exactly one of them, and a customer who connects later hears it once.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from merchant import models
from merchant.ordering import expire_uncollected
from merchant.runtime import Runtime


def claim(session: Session, runtime: Runtime, customer_id: str) -> list[models.OrderEvent]:
    """Mark the customer's undelivered changes delivered and return them: the newest change
    of each order only (an order accepted, started and made ready while nobody listened is
    told once, as ready), oldest first."""
    # A ready order past the window becomes uncollected when someone looks: this look too.
    expire_uncollected(session, runtime, models.Order.customer_id == customer_id)
    pending = session.scalars(
        select(models.OrderEvent)
        .where(
            models.OrderEvent.customer_id == customer_id,
            models.OrderEvent.delivered_at.is_(None),
        )
        .order_by(models.OrderEvent.id)
    ).all()
    now = runtime.clock.now()
    newest: dict[int, models.OrderEvent] = {}
    for event in pending:
        taken = session.execute(
            update(models.OrderEvent)
            .where(models.OrderEvent.id == event.id, models.OrderEvent.delivered_at.is_(None))
            .values(delivered_at=now)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # 0: another process claimed it first
            newest[event.order_number] = event
    return sorted(newest.values(), key=lambda event: event.id)
