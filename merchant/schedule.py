"""When an order can be picked up, and whether the store and the food are there then. Pure.

All checks read the pickup time, not the order time: at 10:25 an as-soon-as-possible
order is ready at 10:35, after breakfast, so it cannot include a muffin.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from merchant.catalogue import BREAKFAST, Hours, Item
from merchant.errors import conflict, invalid


def resolve_pickup(now: datetime, requested: datetime, *, zone: ZoneInfo) -> datetime:
    """A requested pickup time in `zone`, later today (as soon as possible is a ready time
    from the store's queue: merchant.pickup_slots).

    A requested time without a UTC offset is read as the merchant's local time.
    """
    local_now = now.astimezone(zone)
    if requested.tzinfo is None:
        requested = requested.replace(tzinfo=zone)
    pickup = requested.astimezone(zone).replace(microsecond=0)
    if pickup <= local_now:
        raise invalid(
            "invalid_pickup_time",
            f"That pickup time has passed; it is {local_now:%H:%M} now. "
            "Choose a later time today, or as soon as possible.",
            field="pickup_time",
        )
    if pickup.date() != local_now.date():
        raise invalid(
            "invalid_pickup_time",
            "Orders can only be picked up today.",
            field="pickup_time",
        )
    return pickup


def check_store_open(store_name: str, hours: Hours, pickup: datetime) -> None:
    if not hours.contains(pickup.time()):
        raise conflict(
            "store_closed",
            f"The {store_name} store is open {hours.label}, "
            f"so it cannot hand over an order at {pickup:%H:%M}.",
            opens=f"{hours.start:%H:%M}",
            closes=f"{hours.end:%H:%M}",
        )


def is_available(item: Item, breakfast: Hours | None, moment: datetime) -> bool:
    """A breakfast item is available in the breakfast window (and never at a merchant
    without one: the seed refuses that combination)."""
    if item.daypart != BREAKFAST:
        return True
    return breakfast is not None and breakfast.contains(moment.time())


def all_available(items: Iterable[Item], breakfast: Hours | None, moment: datetime) -> bool:
    return all(is_available(item, breakfast, moment) for item in items)


def check_available(items: Iterable[Item], breakfast: Hours | None, pickup: datetime) -> None:
    for item in items:
        if not is_available(item, breakfast, pickup):
            window = f" ({breakfast.label})" if breakfast is not None else ""
            raise conflict(
                "item_unavailable",
                f"{item.name} is only served at breakfast{window}.",
                sku=item.sku,
            )
