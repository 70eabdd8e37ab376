"""How the assistant words amounts, carts and orders, for screens and for speech.

Amounts are fen (integers) until the last moment; ``yuan`` formats them exactly,
with no float on the way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from actions.cart import Line
from actions.merchants.backend import Menu, Order, PricedLine, Quote

ASAP = "as soon as possible"


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole}.{cents:02d}"


def clock_time(iso: str) -> str:
    """'2026-11-24T08:10:00+08:00' → '08:10' (the merchant's local time)."""
    try:
        return datetime.fromisoformat(iso).strftime("%H:%M")
    except ValueError:
        return iso


def item_name(sku: str | None, menu: Menu | None) -> str:
    item = menu.find(sku) if menu and sku else None
    return item.name if item else (sku or "item").replace("-", " ")


def describe_line(line: Line | PricedLine, menu: Menu | None, name: str | None = None) -> str:
    """'2 large Lattes', 'a Breakfast Combo with a large Soy Milk'."""
    item = menu.find(line.sku) if menu else None
    label = name or item_name(line.sku, menu)
    if item is not None and item.has_size_choice and line.size:
        label = f"{line.size} {label}"
    if line.drink:
        drink = item_name(line.drink, menu)
        label += f" with a {line.drink_size} {drink}" if line.drink_size else f" with {drink}"
    if line.quantity == 1:
        return f"an {label}" if label[:1].lower() in "aeiou" else f"a {label}"
    plural = label if " with " in label or label.endswith("s") else f"{label}s"
    return f"{line.quantity} {plural}"


def join_words(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def pickup_words(pickup_time: str | None) -> str:
    """The pickup slot as said: "as soon as possible", "in 20 minutes", "at 08:30"."""
    if not pickup_time or pickup_time == "asap":
        return ASAP
    if pickup_time.startswith("+"):
        return f"in {pickup_time[1:]} minutes"
    return f"at {pickup_time}"


def line_payload(line: PricedLine) -> dict[str, Any]:
    return {
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "size": line.size,
        "drink": line.drink,
        "drink_size": line.drink_size,
        "unit_price": line.unit_price,
        "line_total": line.line_total,
    }


def cart_payload(quote: Quote, store: dict[str, str], pickup: str) -> dict[str, Any]:
    return {
        "lines": [line_payload(line) for line in quote.lines],
        "total": quote.total,
        "currency": quote.currency,
        "store": store,
        "pickup": pickup,
    }


def order_payload(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "status": order.status,
        "total": order.total,
        "currency": order.currency,
        "store_name": order.store_name,
        "pickup_time": order.pickup_time,
        "items": [line_payload(line) for line in order.lines],
    }


def pickup_when(order: Order) -> str:
    if order.asap:
        return f"as soon as possible, around {clock_time(order.pickup_time)}"
    return f"at {clock_time(order.pickup_time)}"


def readback_payload(order: Order) -> dict[str, Any]:
    """The readback card: the cart's shape plus the order number."""
    return {
        "order_id": order.id,
        "lines": [line_payload(line) for line in order.lines],
        "total": order.total,
        "currency": order.currency,
        "store": {"id": order.store_id, "name": order.store_name},
        "pickup": pickup_when(order),
    }


def readback_text(order: Order, menu: Menu | None) -> str:
    """Every line with its price, the store, the pickup time and the total."""
    lines = "; ".join(
        f"{describe_line(line, menu, line.name)}, {yuan(line.line_total)}" for line in order.lines
    )
    return (
        f"Here is your order: {lines}. Pickup at {order.store_name}, {pickup_when(order)}. "
        f"The total is {yuan(order.total)}."
    )
