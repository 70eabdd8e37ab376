"""Pickup slots and ready times (issue 17 §4): docs/merchant-api.md "Pickup slots".

A store's day is cut into slots of the pack's `pickup.slot_minutes` from local midnight,
and each slot takes at most `slot_capacity` orders (the store's own in `stores.csv`, else
the pack's). An order holds a place in the slot of its pickup time from the moment it is
read back (placed), so two customers cannot both be promised the last place; unpaid, it
lets go when its confirmation can no longer pay, or when its customer places a newer one
(so placing and never paying cannot block a store); cancelled or refunded, at once.
Occupancy is counted from the orders themselves: nothing else to keep in step.

As soon as possible, the order is ready at

    now + prep_minutes + slot_minutes × ⌊queue ÷ slot_capacity⌋

where `queue` is the store's paid orders not yet ready that are due by `now + prep`: the
kitchen makes a slot's worth of orders at once, so each full batch ahead of an order costs it
one slot. Orders the store is late with stay in the queue, so a busy store's new orders are
told a later time. If that moment's slot is full, the order takes the first free one after.

`PickupSlots` locks the store's row before it counts (`SELECT ... FOR UPDATE`): on
PostgreSQL two orders for one store wait for each other, and SQLite runs one write at a
time anyway (merchant/db.py), so concurrent orders cannot overfill a slot.

A paid order not ready by its estimate moves later when the customer reads it
(`move_late_estimates`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from merchant import models
from merchant.errors import conflict
from merchant.order_states import HOLDS_SLOT, PLACED, QUEUED
from merchant.packs.schema import Pickup
from merchant.runtime import Runtime

# How many later slots a refusal offers.
OFFERED_SLOTS = 3


@dataclass(frozen=True)
class SlotRules:
    """A store's pickup rules: from its merchant's pack, with the store's own capacity."""

    slot: timedelta
    capacity: int
    prep: timedelta

    @classmethod
    def of(cls, merchant: models.Merchant, store: models.Store | None = None) -> SlotRules:
        pickup = Pickup.parse_obj(merchant.pickup or {})
        capacity = store.slot_capacity if store is not None else None
        return cls(
            slot=timedelta(minutes=pickup.slot_minutes),
            capacity=capacity or pickup.slot_capacity,
            prep=timedelta(minutes=pickup.prep_minutes),
        )


class PickupSlots:
    """One store's slots within one transaction, its row locked for the transaction."""

    def __init__(
        self, session: Session, runtime: Runtime, merchant: models.Merchant, store: models.Store
    ) -> None:
        self.session = session
        self.runtime = runtime
        self.store = store
        self.rules = SlotRules.of(merchant, store)
        session.execute(
            select(models.Store.id).where(models.Store.id == store.id).with_for_update()
        )

    def slot_of(self, moment: datetime) -> datetime:
        """The start of the slot `moment` falls in, in the platform's zone."""
        local = moment.astimezone(self.runtime.clock.zone)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight + ((local - midnight) // self.rules.slot) * self.rules.slot

    def book(
        self,
        pickup: datetime,
        *,
        fits: Callable[[datetime], bool],
        order: models.Order | None = None,
    ) -> datetime:
        """The slot of a pickup at `pickup` if it has room (not counting `order` itself, when
        it is being booked again); else `409 slot_full` offering the next free slots that
        `fits` (the store is open, everything ordered is served then)."""
        start = self.slot_of(pickup)
        end_of_day = self._end_of_day(start)
        taken = self._taken(start, end_of_day, order)
        if taken.get(start, 0) < self.rules.capacity:
            return start
        offers: list[datetime] = []
        slot = start + self.rules.slot
        while slot < end_of_day and len(offers) < OFFERED_SLOTS:
            if taken.get(slot, 0) < self.rules.capacity and fits(slot):
                offers.append(slot)
            slot += self.rules.slot
        raise self._full(start, offers)

    def as_soon_as_possible(self, order: models.Order | None = None) -> datetime:
        """When an order placed (or paid) now will be ready: the formula above, then the
        first slot with room. Past the end of the day: the end of the day, which the store's
        hours then refuse."""
        now = self.runtime.clock.now()
        due = now + self.rules.prep
        queue = self._queue(due, order)
        estimate = due + self.rules.slot * (queue // self.rules.capacity)
        start = self.slot_of(estimate)
        end_of_day = self._end_of_day(start)
        taken = self._taken(start, end_of_day, order)
        while start < end_of_day and taken.get(start, 0) >= self.rules.capacity:
            start += self.rules.slot
        return max(estimate, start)

    def _queue(self, due: datetime, order: models.Order | None) -> int:
        query = select(func.count()).where(
            models.Order.store_id == self.store.id,
            models.Order.status.in_(QUEUED),
            models.Order.ready_at <= due,
            *self._not(order),
        )
        return int(self.session.scalar(query) or 0)

    def _taken(
        self, start: datetime, end: datetime, order: models.Order | None
    ) -> dict[datetime, int]:
        """Places held in each slot from `start` to `end`, by slot start."""
        fresh = self.runtime.clock.now() - self.runtime.confirmation_ttl
        # Of a customer's unpaid orders, only the newest holds a place: the assistant reads
        # back one order at a time, and placing without paying must not block a store's day.
        newest_unpaid = (
            select(func.max(models.Order.number))
            .where(models.Order.status == PLACED, models.Order.created_at > fresh)
            .group_by(models.Order.customer_id)
        )
        holds = or_(
            models.Order.status.in_(HOLDS_SLOT),
            models.Order.number.in_(newest_unpaid),
        )
        query = (
            select(models.Order.slot_start, func.count())
            .where(
                models.Order.store_id == self.store.id,
                models.Order.slot_start >= start,
                models.Order.slot_start < end,
                holds,
                *self._not(order),
            )
            .group_by(models.Order.slot_start)
        )
        return {slot: int(count) for slot, count in self.session.execute(query)}

    def _end_of_day(self, moment: datetime) -> datetime:
        local = moment.astimezone(self.runtime.clock.zone)
        return local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)

    @staticmethod
    def _not(order: models.Order | None) -> tuple[object, ...]:
        if order is None or order.number is None:
            return ()
        return (models.Order.number != order.number,)

    def _full(self, start: datetime, offers: list[datetime]) -> Exception:
        end = start + self.rules.slot
        said = [f"{offer:%H:%M}" for offer in offers]
        times = " and ".join([", ".join(said[:-1]), said[-1]] if len(said) > 1 else said)
        then = (
            f"The next free pickup times are {times}."
            if len(offers) > 1
            else f"The next free pickup time is {times}."
            if offers
            else "There is no free pickup time left today that suits this order."
        )
        return conflict(
            "slot_full",
            f"The {self.store.name} store is fully booked for pickup between {start:%H:%M} "
            f"and {end:%H:%M}. {then}",
            field="pickup_time",
            slot_start=start.isoformat(),
            slot_end=end.isoformat(),
            capacity=self.rules.capacity,
            next_free=[offer.isoformat() for offer in offers],
        )


def move_late_estimates(session: Session, runtime: Runtime, *where: Any) -> None:
    """Orders (those matching `where`) paid and not ready whose ready time has passed: the
    store is behind with them, and "ready around 08:10" said at 08:30 would be wrong. Each
    estimate moves to now + one slot for the batch the order is in, plus one per full batch
    of the store's unready orders ahead of it (placed before it, for its slot or earlier).

    Swept lazily by the customer's reads (their order and their list), like uncollected
    orders, so no background task runs and the platform's movable clock decides. Two reads
    at once write the same value.
    """
    now = runtime.clock.now()
    late = (
        select(models.Order)
        .where(models.Order.status.in_(QUEUED), models.Order.ready_at < now, *where)
        .order_by(models.Order.number)
    )
    for order in session.scalars(late).all():
        merchant = session.get(models.Merchant, order.merchant_id)
        rules = SlotRules.of(merchant, order.store)
        ahead = session.scalar(
            select(func.count()).where(
                models.Order.store_id == order.store_id,
                models.Order.status.in_(QUEUED),
                models.Order.number < order.number,
                models.Order.slot_start <= order.slot_start,
            )
        )
        order.ready_at = now + rules.slot * (1 + int(ahead or 0) // rules.capacity)
