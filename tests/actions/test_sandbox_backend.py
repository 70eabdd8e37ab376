"""The sandbox adapter against the real merchant app: option groups in, chosen options out,
the customer named on every customer call, and the lexicon the NLU reads."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sandbox_merchant import RecordingTransport, sandbox_backend

from actions.lexicon import build_lexicon
from actions.merchants.backend import LineRequest, MerchantUnavailable, OrderRequest
from actions.merchants.sandbox import SandboxBackend
from actions.settings import Settings
from contracts.pricing import ChosenOption
from contracts.telemetry import TURN_HEADER, turn


@pytest.fixture
async def copper_kettle(tmp_path: Path) -> AsyncIterator[tuple[SandboxBackend, RecordingTransport]]:
    backend, transport, client = sandbox_backend(tmp_path, "copper-kettle")
    yield backend, transport
    await client.aclose()


@pytest.fixture
async def golden_crumb(tmp_path: Path) -> AsyncIterator[SandboxBackend]:
    backend, _, client = sandbox_backend(tmp_path, "golden-crumb")
    yield backend
    await client.aclose()


async def test_menu_items_carry_price_and_option_groups(
    copper_kettle: tuple[SandboxBackend, RecordingTransport],
) -> None:
    backend, _ = copper_kettle
    menu = await backend.menu("copper-kettle")
    latte = menu.find("latte")
    assert latte is not None
    assert [group.id for group in latte.options] == [
        "size",
        "milk",
        "shots",
        "caffeine",
        "temperature",
        "syrup",
    ]
    milk = latte.group("milk")
    assert milk is not None and milk.default == "whole"
    oat = milk.choice("oat")
    assert oat is not None and oat.price > 0 and "oat milk" in oat.aliases
    assert latte.group("drink") is None and latte.includes == ()
    assert menu.breakfast_served is False and menu.breakfast_start == ""


async def test_the_combo_drink_is_a_group_of_skus(golden_crumb: SandboxBackend) -> None:
    menu = await golden_crumb.menu("golden-crumb", include_unavailable=True)
    combo = menu.find("breakfast-combo")
    assert combo is not None
    drinks = combo.group("drink")
    assert drinks is not None and drinks.default == "americano"
    assert all(menu.find(choice.id) is not None for choice in drinks.choices)
    assert combo.includes == ("egg-sausage-muffin", "hash-brown")


async def test_a_quote_prices_options_and_marks_the_defaults(
    copper_kettle: tuple[SandboxBackend, RecordingTransport],
) -> None:
    backend, transport = copper_kettle
    menu = await backend.menu("copper-kettle")
    line = LineRequest("latte", 2, (("milk", "oat"), ("size", "large")))
    quote = await backend.quote("copper-kettle", [line])
    priced = quote.lines[0]
    latte = menu.find("latte")
    assert latte is not None
    assert priced.unit_price == latte.price + 400 + 300
    assert quote.total == priced.line_total == 2 * priced.unit_price
    assert priced.options[1] == ChosenOption(
        group="milk", group_name="Milk", choice="oat", choice_name="Oat", price=300
    )
    assert [o.default for o in priced.options] == [False, False, True, True, True, True]
    sent = json.loads(transport.requests[-1].content)
    assert sent == {
        "items": [{"sku": "latte", "quantity": 2, "options": {"milk": "oat", "size": "large"}}]
    }


async def test_the_account_is_the_platforms_and_its_default_store_the_merchant_asked_about(
    copper_kettle: tuple[SandboxBackend, RecordingTransport],
) -> None:
    backend, _ = copper_kettle
    assert (await backend.account("u1", "copper-kettle")).default_store_id == "ck-xintiandi"
    assert (await backend.account("u1", "golden-crumb")).default_store_id == "gc-peoples-square"
    assert (await backend.account("u1", "golden-crumb")).balance == (
        await backend.account("u1", "copper-kettle")
    ).balance


async def test_order_read_pay_and_cancel_name_the_customer(
    copper_kettle: tuple[SandboxBackend, RecordingTransport],
) -> None:
    backend, _ = copper_kettle
    request = OrderRequest(
        customer_id="u1",
        merchant_id="copper-kettle",
        lines=(LineRequest("mocha", 1, (("caffeine", "decaf"),)),),
    )
    placed = await backend.place_order(request, idempotency_key="order-1")
    order = await backend.order("u1", placed.order.id)
    assert order.lines == placed.order.lines
    decaf = next(o for o in order.lines[0].options if o.group == "caffeine")
    assert (decaf.choice_name, decaf.default) == ("Decaf", False)
    assert [o.id for o in await backend.orders("u1")] == [order.id]
    payment = await backend.pay(
        "u1", order.id, placed.confirmation_token, amount=order.total, idempotency_key="pay-1"
    )
    assert (payment.amount, payment.status) == (order.total, "captured")
    cancelled = await backend.cancel_order("u1", order.id, idempotency_key="cancel-1")
    assert cancelled.status == "refunded"


async def test_a_handoff_key_is_derived_from_its_content(
    copper_kettle: tuple[SandboxBackend, RecordingTransport],
) -> None:
    backend, transport = copper_kettle
    await backend.request_handoff("u1", "customer asked for a person", ["hi", "a person"])
    await backend.request_handoff("u1", "customer asked for a person", ["hi", "a person"])
    await backend.request_handoff("u1", "customer asked for a person", ["hi", "someone"])
    keys = [
        r.headers.get("Idempotency-Key") for r in transport.requests if r.url.path == "/handoffs"
    ]
    assert keys[0] and keys[0] == keys[1] != keys[2]


async def test_the_lexicon_publishes_option_groups_and_no_sizes(
    golden_crumb: SandboxBackend, copper_kettle: tuple[SandboxBackend, RecordingTransport]
) -> None:
    lexicon = (await build_lexicon(golden_crumb, "golden-crumb")).dict()
    combo = next(item for item in lexicon["items"] if item["sku"] == "breakfast-combo")
    # The category lets "change the tea to ..." name a line by its kind of item.
    assert set(combo) == {"sku", "name", "aliases", "options", "category", "merchants"}
    assert combo["category"] == "combo"
    # One lexicon for the platform: who sells each item, and what people call each merchant.
    assert combo["merchants"] == ["golden-crumb"]
    latte_sellers = next(item for item in lexicon["items"] if item["sku"] == "latte")["merchants"]
    assert sorted(latte_sellers) == ["copper-kettle", "golden-crumb"]
    names = {m["id"]: m["names"] for m in lexicon["merchants"]}
    assert "the coffee place" in names["copper-kettle"] and "Golden Crumb" in names["golden-crumb"]
    drink = next(group for group in combo["options"] if group["group"] == "drink")
    assert drink["default"] == "americano"
    assert {choice["id"] for choice in drink["choices"]} == {"americano", "soy-milk"}
    ck = (await build_lexicon(copper_kettle[0], "copper-kettle")).dict()
    latte = next(item for item in ck["items"] if item["sku"] == "latte")
    milk = next(group for group in latte["options"] if group["group"] == "milk")
    assert milk["name"] == "Milk" and milk["default"] == "whole"
    oat = next(choice for choice in milk["choices"] if choice["id"] == "oat")
    assert oat["name"] == "Oat" and "oatmilk" in oat["aliases"]
    assert {store["id"] for store in ck["stores"]} >= {"ck-xintiandi"}


async def test_an_answer_that_breaks_the_merchant_contract_is_refused_not_half_read() -> None:
    """A quote whose line total is a float (or lacks a field) is not a price to read back."""
    line = {"sku": "latte", "name": "Latte", "quantity": 1, "unit_price": 1600}
    answers = [
        {"items": [{**line, "line_total": 1599.5}], "total": 1599.5, "currency": "CNY"},
        {"items": [line], "total": 1600, "currency": "CNY"},
    ]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answers.pop(0))

    transport = httpx.MockTransport(answer)
    async with httpx.AsyncClient(transport=transport, base_url="http://merchant.test") as client:
        backend = SandboxBackend(Settings(), client=client)
        for _ in range(2):
            with pytest.raises(MerchantUnavailable, match="does not fit the merchant API"):
                await backend.quote("golden-crumb", [LineRequest("latte")])


async def test_every_merchant_call_of_a_turn_carries_its_id(
    copper_kettle: tuple[SandboxBackend, RecordingTransport],
) -> None:
    backend, transport = copper_kettle
    with turn("facade0000beef"):
        await backend.menu("copper-kettle")
        await backend.account("u1")
    await backend.stores("copper-kettle")  # outside a turn: no id
    sent = [request.headers.get(TURN_HEADER) for request in transport.requests]
    assert sent == ["facade0000beef", "facade0000beef", None]
