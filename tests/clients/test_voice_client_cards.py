"""The voice client's one-line summaries of the assistant's cards, read with the contracts."""

from __future__ import annotations

from typing import Any

from clients.voice_client.__main__ import describe_custom

LINE: dict[str, Any] = {
    "sku": "latte",
    "name": "Latte",
    "quantity": 1,
    "options": [],
    "unit_price": 1999,
    "line_total": 1999,
}
ORDER: dict[str, Any] = {
    "id": "1001",
    "status": "paid",
    "total": 1999,
    "store_name": "People's Square",
    "pickup_time": "2026-11-24T08:30:00+08:00",
    "lines": [LINE, LINE],
}


def test_an_order_card_is_summed_up_with_its_lines_and_exact_total() -> None:
    assert describe_custom({"order": ORDER}) == "[order] 2 line(s), total ¥19.99"


def test_a_card_with_a_float_total_is_not_shown_as_money() -> None:
    summary = describe_custom({"order": {**ORDER, "total": 19.99}})
    assert summary == "[order: not a card this client knows]"


def test_a_booking_is_summed_up_as_a_stay_not_as_lines() -> None:
    stay = {"hotel": "Harbour Inn West Lake", "room_type": "Twin Room", "check_in": "2026-12-12",
            "check_out": "2026-12-14", "nights": 2, "guests": 2}  # fmt: skip
    room = {**LINE, "sku": "twin", "name": "Twin Room", "quantity": 2, "line_total": 43600}
    booking = {**ORDER, "total": 43600, "lines": [room], "stay": stay}
    assert describe_custom({"order": booking}) == (
        "[booking] Twin Room at Harbour Inn West Lake, 2026-12-12 to 2026-12-14, 2 night(s), "
        "2 guest(s), total ¥436.00"
    )
