""" "Where is my order" reads the store's states and the pickup code (docs/merchant-api.md)."""

from __future__ import annotations

from actions.merchants.backend import Order
from actions.orders import status_text
from actions.phrasing import order_payload
from contracts.pricing import PricedLine
from tests.qr_codes import scanned

LATTE = PricedLine(
    sku="latte", name="Latte", quantity=1, options=(), unit_price=1600, line_total=1600
)


def order(status: str, pickup_code: str | None) -> Order:
    return Order(
        id="1001",
        customer_id="u1",
        store_id="gc-peoples-square",
        store_name="People's Square",
        pickup_time="2026-11-24T08:10:00+08:00",
        asap=True,
        lines=(LATTE,),
        total=1600,
        status=status,
        created_at="2026-11-24T08:00:00+08:00",
        pickup_code=pickup_code,
    )


def test_a_ready_order_is_said_ready_with_its_pickup_code() -> None:
    text = status_text(order("ready", "427"), None)
    assert "is ready to collect" in text
    assert text.endswith("Your pickup code is 427.")


def test_an_unpaid_order_has_no_code_to_say() -> None:
    assert "pickup code" not in status_text(order("placed", None), None)


def test_the_order_card_carries_the_pickup_code_as_a_qr_code_a_scanner_reads() -> None:
    card = order_payload(order("ready", "083"))
    assert card.pickup_code == "083"
    assert card.pickup_qr is not None
    assert scanned(card.pickup_qr) == ["083"]


def test_an_order_without_a_code_has_no_qr_code() -> None:
    assert order_payload(order("placed", None)).pickup_qr is None
