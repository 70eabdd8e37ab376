"""Priced lines cross from the merchant to the action server with exact integer amounts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from contracts.pricing import PricedLine

LINE: dict[str, Any] = {
    "sku": "latte",
    "name": "Latte",
    "quantity": 2,
    "options": [
        {"group": "milk", "group_name": "Milk", "choice": "oat", "choice_name": "Oat", "price": 300}
    ],
    "unit_price": 1900,
    "line_total": 3800,
}


def test_a_priced_line_is_read_exactly_as_the_merchant_sent_it() -> None:
    line = PricedLine.parse_obj(LINE)
    assert (line.unit_price, line.line_total, line.options[0].price) == (1900, 3800, 300)
    assert line.options[0].default is False
    assert hash(line) == hash(PricedLine.parse_obj(LINE))  # usable as a key, like before


@pytest.mark.parametrize(
    "changed",
    [
        {"unit_price": 1899.5},
        {"line_total": "3800"},
        {"quantity": True},
        {"options": [{**LINE["options"][0], "price": 2.99}]},
    ],
)
def test_an_amount_that_is_not_integer_fen_is_refused_not_rounded(changed: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        PricedLine.parse_obj({**LINE, **changed})


def test_a_priced_line_cannot_be_changed_after_pricing() -> None:
    line = PricedLine.parse_obj(LINE)
    with pytest.raises(TypeError):
        line.line_total = 1  # type: ignore[misc]
