"""Property-based checks of the money path: integer fen, totals, upsizes, refunds."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from merchant_harness import BREAKFAST_TIME, SANDBOX_PIN, Api

from merchant.app import create_app
from merchant.catalogue import Combo, DrinkChoice, Item, Size
from merchant.pricing import LineRequest, quote
from merchant.seed import load_catalogue
from merchant.settings import Settings

MAX_QUANTITY = 20
MENU = {item.sku: item for item in load_catalogue().merchants[0].items}
COMBO = MENU["breakfast-combo"]
fen = st.integers(min_value=0, max_value=1_000_000)


@st.composite
def seed_lines(draw: st.DrawFn, max_quantity: int = MAX_QUANTITY) -> LineRequest:
    """Any valid line of the seed menu, sizes and combo drinks included."""
    item = draw(st.sampled_from(list(MENU.values())))
    quantity = draw(st.integers(min_value=1, max_value=max_quantity))
    size = draw(st.sampled_from([None, *item.size_names]))
    if item.combo is None:
        return LineRequest(item.sku, quantity, size)
    choice = draw(st.sampled_from(item.combo.drink_choices))
    drink_size = draw(st.sampled_from([None, choice.size, item.combo.upsize_size]))
    return LineRequest(item.sku, quantity, size, choice.sku, drink_size)


@st.composite
def invented_menus(draw: st.DrawFn) -> dict[str, Item]:
    """Menus with arbitrary prices, so the arithmetic is not only checked on seed prices."""
    prices = draw(st.lists(fen, min_size=2, max_size=2))
    drink = Item(
        sku="drink",
        name="Drink",
        category="drink",
        daypart="all_day",
        sizes=(Size(name="medium", price=prices[0]), Size(name="large", price=prices[1])),
    )
    combo = Item(
        sku="combo",
        name="Combo",
        category="combo",
        daypart="all_day",
        sizes=(Size(name="regular", price=draw(fen)),),
        combo=Combo(
            includes=(),
            drink_choices=(DrinkChoice(sku="drink", size="medium"),),
            upsize_price=draw(fen),
        ),
    )
    return {"drink": drink, "combo": combo}


@given(st.lists(seed_lines(), min_size=1, max_size=30))
def test_total_is_the_sum_of_line_totals(lines: list[LineRequest]) -> None:
    priced = quote(MENU, lines, max_quantity=MAX_QUANTITY, max_lines=30)
    assert priced.total == sum(line.line_total for line in priced.lines)
    for request, line in zip(lines, priced.lines, strict=True):
        assert line.line_total == line.unit_price * request.quantity
        assert all(
            type(amount) is int for amount in (line.unit_price, line.line_total, priced.total)
        )
        item = MENU[line.sku]
        size = item.size(line.size)
        assert size is not None
        upsized = item.combo is not None and line.drink_size == item.combo.upsize_size
        assert line.unit_price == size.price + (item.combo.upsize_price if upsized else 0)


@given(st.integers(min_value=1, max_value=MAX_QUANTITY), st.sampled_from(COMBO.combo.drink_choices))
def test_seed_upsize_adds_exactly_three_yuan_per_combo(quantity: int, choice: DrinkChoice) -> None:
    plain = LineRequest("breakfast-combo", quantity, drink=choice.sku)
    large = LineRequest("breakfast-combo", quantity, drink=choice.sku, drink_size="large")
    priced = quote(MENU, [plain, large], max_quantity=MAX_QUANTITY, max_lines=2)
    assert priced.lines[1].line_total - priced.lines[0].line_total == 300 * quantity


@given(invented_menus(), st.integers(min_value=1, max_value=MAX_QUANTITY))
def test_upsize_adds_exactly_the_upsize_price(menu: dict[str, Item], quantity: int) -> None:
    combo = menu["combo"].combo
    assert isinstance(combo, Combo)
    plain = LineRequest("combo", quantity)
    large = LineRequest("combo", quantity, drink="drink", drink_size="large")
    priced = quote(menu, [plain, large], max_quantity=MAX_QUANTITY, max_lines=2)
    assert priced.lines[1].unit_price - priced.lines[0].unit_price == combo.upsize_price
    assert priced.total == (2 * priced.lines[0].unit_price + combo.upsize_price) * quantity


@pytest.fixture(scope="module")
def shared_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One platform for every example: each example uses a new customer."""
    data_dir: Path = tmp_path_factory.mktemp("money")
    with TestClient(create_app(Settings(data_dir=data_dir, fixed_now=BREAKFAST_TIME))) as client:
        yield Api(client)


def as_json(line: LineRequest) -> dict[str, Any]:
    return {key: value for key, value in vars(line).items() if value is not None}


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(seed_lines(max_quantity=5), min_size=1, max_size=3))
def test_pay_then_cancel_restores_the_balance_to_the_fen(
    shared_api: Api, lines: list[LineRequest]
) -> None:
    customer = f"prop-{uuid.uuid4().hex}"
    before = shared_api.balance(customer)
    order = shared_api.order([as_json(line) for line in lines], customer_id=customer)
    shared_api.verify_pin(order, SANDBOX_PIN, customer_id=customer)
    assert shared_api.pay(order).status_code == 201
    assert shared_api.balance(customer) == before - order["total"]
    assert shared_api.http.post(f"/orders/{order['id']}/cancel").json()["status"] == "refunded"
    assert shared_api.balance(customer) == before
