"""How lines with options are said and shown: readback wording and the card payloads,
priced by the real sandbox merchant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sandbox_merchant import sandbox_backend

from actions.merchants.backend import LineRequest, Menu, OrderRequest
from actions.merchants.sandbox import SandboxBackend
from actions.phrasing import (
    cart_payload,
    custom,
    describe_line,
    menu_payload,
    order_payload,
    readback_payload,
    readback_text,
)
from contracts.bot_messages import StoreRef
from contracts.pricing import PricedLine


@pytest.fixture
async def merchant(tmp_path: Path) -> AsyncIterator[SandboxBackend]:
    backend, _, client = sandbox_backend(tmp_path, "copper-kettle")
    yield backend
    await client.aclose()


def line(sku: str, quantity: int = 1, **options: str) -> LineRequest:
    return LineRequest(sku, quantity, tuple(sorted(options.items())))


async def priced(backend: SandboxBackend, merchant_id: str, request: LineRequest) -> PricedLine:
    return (await backend.quote(merchant_id, [request])).lines[0]


@pytest.mark.parametrize(
    ("merchant_id", "request_", "said"),
    [
        ("copper-kettle", line("latte", 2, size="large", milk="oat"), "2 large oat Lattes"),
        ("copper-kettle", line("latte"), "a Latte"),
        (
            "copper-kettle",
            line("latte", temperature="iced", caffeine="decaf", syrup="vanilla"),
            "an iced decaf Latte with vanilla",
        ),
        (
            "copper-kettle",
            line("latte", milk="2-percent", shots="triple"),
            "a triple-shot 2% Latte",
        ),
        ("copper-kettle", line("americano", milk="oat"), "an Americano with oat milk"),
        ("copper-kettle", line("espresso", 3, shots="double"), "3 double-shot Espressos"),
        (
            "copper-kettle",
            line("mocha", milk="almond", syrup="caramel"),
            "an almond Mocha with caramel",
        ),
        ("copper-kettle", line("earl-grey", 2, size="small"), "2 small Earl Greys"),
        (
            "golden-crumb",
            line("breakfast-combo", drink="soy-milk", size="large"),
            "a Breakfast Combo with a large Soy Milk",
        ),
        ("golden-crumb", line("breakfast-combo", 2), "2 Breakfast Combos with an Americano"),
        ("golden-crumb", line("hash-brown", 2), "2 Hash Browns"),
        ("golden-crumb", line("fries", size="large"), "a large Fries"),
    ],
)
async def test_lines_are_said_with_their_non_default_options(
    tmp_path: Path, merchant_id: str, request_: LineRequest, said: str
) -> None:
    backend, _, client = sandbox_backend(tmp_path, merchant_id)
    try:
        menu = await backend.menu(merchant_id, include_unavailable=True)
        assert describe_line(request_, menu) == said
        assert describe_line(await priced(backend, merchant_id, request_), menu) == said
    finally:
        await client.aclose()


async def test_a_priced_line_is_described_without_a_menu_from_its_own_flags(
    merchant: SandboxBackend,
) -> None:
    latte = await priced(merchant, "copper-kettle", line("latte", caffeine="decaf"))
    assert describe_line(latte, None) == "a decaf Latte"


async def test_cart_lines_carry_options_in_display_names(merchant: SandboxBackend) -> None:
    quote = await merchant.quote("copper-kettle", [line("latte", 2, milk="oat"), line("cortado")])
    card = cart_payload(quote, StoreRef(id="ck-xintiandi", name="Xintiandi"), "as soon as possible")
    payload = custom(cart=card)["cart"]
    latte, cortado = payload["lines"]
    assert latte["options"][1] == {"group": "Milk", "choice": "Oat", "price": 300, "default": False}
    assert [o["group"] for o in latte["options"]] == [
        "Size",
        "Milk",
        "Shots",
        "Caffeine",
        "Temperature",
        "Syrup",
    ]
    assert all(option["default"] for option in cortado["options"])
    assert (latte["quantity"], latte["line_total"]) == (2, 2 * latte["unit_price"])
    assert payload["total"] == latte["line_total"] + cortado["line_total"]


async def test_readback_and_order_payloads_and_text_show_the_options(
    merchant: SandboxBackend,
) -> None:
    request = OrderRequest(
        customer_id="u1",
        merchant_id="copper-kettle",
        lines=(line("latte", 2, size="large", milk="oat"), line("cold-brew", milk="almond")),
    )
    order = (await merchant.place_order(request, idempotency_key="o-1")).order
    menu: Menu = await merchant.menu("copper-kettle")
    text = readback_text(order, menu)
    assert "2 large oat Lattes, ¥" in text
    assert "a Cold Brew with almond milk, ¥" in text
    assert "Xintiandi" in text
    cards = custom(readback=readback_payload(order), order=order_payload(order))
    for payload in (cards["readback"]["lines"], cards["order"]["lines"]):
        chosen = [{o["group"]: o["choice"] for o in entry["options"]} for entry in payload]
        assert chosen[0]["Milk"] == "Oat" and chosen[0]["Size"] == "Large"
        assert chosen[1]["Milk"] == "Almond"


async def test_the_menu_card_lists_prices_and_option_choices(merchant: SandboxBackend) -> None:
    card = custom(menu=menu_payload(await merchant.menu("copper-kettle"), "Menu"))["menu"]
    latte = next(item for item in card["items"] if item["sku"] == "latte")
    size = latte["options"][0]
    assert (size["id"], size["group"], size["default"]) == ("size", "Size", "medium")
    assert [(c["name"], c["price"]) for c in size["choices"]] == [
        ("Small", -300),
        ("Medium", 0),
        ("Large", 400),
    ]
    assert isinstance(latte["price"], int)
