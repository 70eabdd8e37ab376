"""How each resource looks on the wire (docs/merchant-api.md): the one place rows become JSON.

Bodies are plain JSON-ready dicts because idempotent responses are stored and replayed
verbatim. Instants are shown in the platform's zone (Asia/Shanghai, +08:00).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contracts.pricing import ChosenOption, PricedLine
from merchant import models, stays
from merchant.catalogue import Item, OptionGroup
from merchant.menu import breakfast_hours
from merchant.order_states import STAFF_ACTIONS, TRANSITIONS
from merchant.settings import PLATFORM_TIMEZONE

Body = dict[str, Any]


def instant(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(PLATFORM_TIMEZONE).isoformat()


def clock_time(moment: Any) -> str:
    return f"{moment:%H:%M}"


def merchant_body(merchant: models.Merchant, store_count: int) -> Body:
    return {
        "id": merchant.id,
        "name": merchant.name,
        "currency": merchant.currency,
        "timezone": merchant.timezone,
        "breakfast": hours_body(merchant),
        "names": list(merchant.names or [merchant.name]),
        "kind": merchant.kind,
        "store_count": store_count,
    }


def hours_body(merchant: models.Merchant) -> Body | None:
    """The breakfast window, or None for a merchant that serves everything all day."""
    hours = breakfast_hours(merchant)
    if hours is None:
        return None
    return {"start": clock_time(hours.start), "end": clock_time(hours.end)}


def item_body(item: Item, available: bool) -> Body:
    return {
        "sku": item.sku,
        "name": item.name,
        "category": item.category,
        "daypart": item.daypart,
        "aliases": list(item.aliases),
        "available": available,
        "description": item.description,
        "price": item.price,
        "options": [option_group_body(group) for group in item.options],
        "combo": None if item.combo is None else {"includes": list(item.combo.includes)},
    }


def option_group_body(group: OptionGroup) -> Body:
    return {
        "id": group.id,
        "name": group.name,
        "default": group.default,
        "choices": [
            {
                "id": choice.id,
                "name": choice.name,
                "price": choice.price,
                "aliases": list(choice.aliases),
            }
            for choice in group.choices
        ],
    }


def store_body(store: models.Store, open_now: bool, distance_m: float | None = None) -> Body:
    return {
        "id": store.id,
        "merchant_id": store.merchant_id,
        "name": store.name,
        "address": store.address,
        "opens": clock_time(store.opens),
        "closes": clock_time(store.closes),
        "open_now": open_now,
        "aliases": list(store.aliases),
        "lat": store.lat,
        "lon": store.lon,
        "city": store.city,
        "district": store.district,
        "landmarks": list(store.landmarks or []),
        "services": list(store.services or []),
        "distance_m": None if distance_m is None else round(distance_m),
    }


def line_body(line: PricedLine | models.OrderLine) -> Body:
    """A priced line, from a quote or from a stored order (whose options are stored as
    this same JSON)."""
    if isinstance(line, PricedLine):
        options = [chosen_option_body(option) for option in line.options]
    else:
        options = [dict(option) for option in line.options]
    return {
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "options": options,
        "unit_price": line.unit_price,
        "line_total": line.line_total,
    }


def chosen_option_body(option: ChosenOption) -> Body:
    return {
        "group": option.group,
        "group_name": option.group_name,
        "choice": option.choice,
        "choice_name": option.choice_name,
        "price": option.price,
        "default": option.default,
    }


def order_body(order: models.Order, confirmation_token: str | None = None) -> Body:
    body: Body = {
        "id": str(order.number),
        "customer_id": order.customer_id,
        "merchant_id": order.merchant_id,
        "store_id": order.store_id,
        "store_name": order.store.name,
        "pickup_time": instant(order.pickup_time),
        "asap": order.asap,
        "items": [line_body(line) for line in order.lines],
        "total": order.total,
        "currency": order.currency,
        "status": order.status,
        "created_at": instant(order.created_at),
        "pickup_code": order.pickup_code,
        "ready_at": instant(order.ready_at),
        "status_changed_at": instant(order.status_changed_at),
        "stay": stay_body(order),
    }
    if confirmation_token is not None:
        body["confirmation_token"] = confirmation_token
    return body


def stay_body(order: models.Order) -> Body | None:
    """A booking's stay in an order body (None for a menu order)."""
    stay = stays.stay_body(order)
    if stay is not None:
        stay["free_cancel_until"] = instant(stay["free_cancel_until"])
    return stay


def staff_order_body(order: models.Order) -> Body:
    """An order as the store's staff see it: what to make and hand over, not who paid."""
    return {
        "id": str(order.number),
        "store_id": order.store_id,
        "status": order.status,
        "pickup_code": order.pickup_code,
        "pickup_time": instant(order.pickup_time),
        "asap": order.asap,
        "ready_at": instant(order.ready_at),
        "items": [line_body(line) for line in order.lines],
        "created_at": instant(order.created_at),
        "status_changed_at": instant(order.status_changed_at),
        "actions": staff_actions(order.status),
    }


def staff_actions(status: str) -> list[str]:
    """The staff actions TRANSITIONS allows from `status`, for the staff screen's buttons."""
    return [action for action in STAFF_ACTIONS if status in TRANSITIONS[action]]


def staff_body(staff: models.Staff, stores: list[models.Store]) -> Body:
    return {
        "staff_id": staff.staff_id,
        "role": staff.role,
        "stores": [{"id": store.id, "name": store.name} for store in stores],
    }


def payment_body(payment: models.Payment) -> Body:
    return {
        "id": payment.id,
        "order_id": str(payment.order_number),
        "amount": payment.amount,
        "currency": payment.currency,
        "status": payment.status,
        "created_at": instant(payment.created_at),
        "refunded_at": instant(payment.refunded_at),
    }


def account_body(account: models.Account, locked_until: datetime | None) -> Body:
    return {
        "customer_id": account.customer_id,
        "balance": account.balance,
        "currency": account.currency,
        "voice_pay_limit": account.voice_pay_limit,
        "default_merchant_id": account.default_merchant_id,
        "default_store_id": account.default_store_id,
        "voice_pay_locked_until": instant(locked_until),
        "pin_set": account.pin_hash is not None,
    }


def handoff_body(handoff: models.Handoff) -> Body:
    return {
        "id": handoff.id,
        "customer_id": handoff.customer_id,
        "reason": handoff.reason,
        "transcript": list(handoff.transcript),
        "status": handoff.status,
        "created_at": instant(handoff.created_at),
    }


def notification_body(event: models.OrderEvent) -> Body:
    return {
        "id": event.id,
        "order_id": str(event.order_number),
        "status": event.status,
        "at": instant(event.created_at),
    }


def security_event_body(event: models.SecurityEvent) -> Body:
    return {"kind": event.kind, "created_at": instant(event.created_at), **event.details}
