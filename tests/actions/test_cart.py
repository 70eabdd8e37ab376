"""The cart logic the ordering actions rely on (pure: no backend, no Rasa)."""

from __future__ import annotations

import pytest

from actions import cart as carts
from actions.cart import Line, Mention
from actions.merchants.backend import Menu, MenuItem, OptionChoice, OptionGroup
from actions.phrasing import describe_line, yuan


def group(group_id: str, *choices: tuple[str, str, int]) -> OptionGroup:
    options = tuple(OptionChoice(id, name, price) for id, name, price in choices)
    return OptionGroup(group_id, group_id.capitalize(), options[0].id, options)


def item(sku: str, name: str, *prices: tuple[str, int], combo: bool = False) -> MenuItem:
    base = prices[0][1]
    sizes = [(size, size.capitalize(), price - base) for size, price in prices]
    options = (group("size", *sizes),) if len(prices) > 1 else ()
    if combo:
        drinks = group("drink", ("americano", "Americano", 0), ("soy-milk", "Soy Milk", 0))
        options = (drinks, group("size", ("regular", "Regular", 0), ("large", "Large", 300)))
    includes = ("egg-sausage-muffin", "hash-brown") if combo else ()
    return MenuItem(sku, name, "food", "breakfast", base, True, options, includes=includes)


MENU = Menu(
    merchant_id="golden-crumb",
    now="2026-11-24T08:00:00+08:00",
    breakfast_served=True,
    breakfast_start="06:00",
    breakfast_end="10:30",
    items=(
        item("egg-sausage-muffin", "Egg & Sausage Muffin", ("regular", 1250)),
        item("hash-brown", "Hash Brown", ("regular", 700)),
        item("latte", "Latte", ("medium", 1600), ("large", 1900)),
        item("soy-milk", "Soy Milk", ("regular", 500), ("large", 700)),
        item("americano", "Americano", ("medium", 1200), ("large", 1500)),
        item("breakfast-combo", "Breakfast Combo", ("regular", 2500), combo=True),
    ),
)


def grouped(*lines: dict[str, str]) -> list[dict[str, str]]:
    entities = []
    for group, fields in enumerate(lines, start=1):
        for name, value in fields.items():
            entity = {"entity": "item" if name in ("item", "drink") else name, "value": value}
            entity.update({"group": str(group)}, **({"role": "drink"} if name == "drink" else {}))
            entities.append(entity)
    return entities


def test_grouped_entities_become_one_mention_per_line() -> None:
    entities = grouped(
        {"item": "egg-sausage-muffin", "quantity": "2"}, {"item": "latte", "size": "large"}
    )
    mentions, loose = carts.mentions_from_entities(entities)
    assert mentions == [
        Mention(sku="egg-sausage-muffin", quantity=2),
        Mention(sku="latte", size="large"),
    ]
    assert loose == Mention()


def test_ungrouped_modifiers_attach_to_the_next_item_then_the_last() -> None:
    entities = [
        {"entity": "quantity", "value": "2", "start": 0},
        {"entity": "item", "value": "hash-brown", "start": 4},
        {"entity": "item", "value": "latte", "start": 20},
        {"entity": "size", "value": "large", "start": 26},
    ]
    mentions, _ = carts.mentions_from_entities(entities)
    assert mentions == [Mention(sku="hash-brown", quantity=2), Mention(sku="latte", size="large")]


def test_a_quantity_without_an_item_is_loose() -> None:
    mentions, loose = carts.mentions_from_entities([{"entity": "quantity", "value": "3"}])
    assert mentions == [] and loose.quantity == 3


def test_resolve_maps_canonical_sizes_to_the_items_own_names() -> None:
    assert carts.resolve(Mention("latte", 1, "regular"), MENU) == Line("latte", 1, "medium")
    assert carts.resolve(Mention("soy-milk", 2, "large"), MENU) == Line("soy-milk", 2, "large")
    assert carts.resolve(Mention("hash-brown", None, "large"), MENU) == Line("hash-brown", 1)


def test_missing_details_are_size_for_drinks_and_drink_for_combos() -> None:
    assert Line("latte", 1).missing(MENU) == "size"
    assert Line("breakfast-combo", 1, "regular").missing(MENU) == "drink"
    assert Line("breakfast-combo", 1, "regular", "soy-milk").missing(MENU) is None
    assert Line("hash-brown", 1, "regular").missing(MENU) is None


def test_adding_the_same_choice_merges_quantities() -> None:
    cart = carts.add(
        [Line("latte", 1, "large")], [Line("latte", 2, "large"), Line("latte", 1, "medium")]
    )
    assert cart == [Line("latte", 3, "large"), Line("latte", 1, "medium")]


def test_make_that_three_changes_the_last_touched_line() -> None:
    cart = [Line("hash-brown", 1, "regular"), Line("latte", 1, "large")]
    changed = carts.change(cart, [], Mention(quantity=3), MENU, last_sku="latte")
    assert changed == [Line("hash-brown", 1, "regular"), Line("latte", 3, "large")]


def test_change_the_americano_to_large() -> None:
    cart = [Line("americano", 1, "medium")]
    changed = carts.change(cart, [Mention("americano", size="large")], Mention(), MENU, None)
    assert changed == [Line("americano", 1, "large")]


def test_change_one_item_for_another_keeps_the_quantity() -> None:
    cart = [Line("americano", 2, "medium")]
    changed = carts.change(
        cart, [Mention("americano"), Mention("latte", size="large")], Mention(), MENU, None
    )
    assert changed == [Line("latte", 2, "large")]


def test_combo_size_upsizes_the_drink() -> None:
    cart = [Line("breakfast-combo", 1, "regular", "americano")]
    changed = carts.change(cart, [Mention("breakfast-combo", size="large")], Mention(), MENU, None)
    assert changed == [Line("breakfast-combo", 1, "regular", "americano", "large")]


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        ([Mention("latte")], [Line("hash-brown", 2, "regular")]),
        (
            [Mention("hash-brown", quantity=1)],
            [Line("hash-brown", 1, "regular"), Line("latte", 1, "large")],
        ),
        ([Mention("cola")], [Line("hash-brown", 2, "regular"), Line("latte", 1, "large")]),
    ],
)
def test_remove(mentions: list[Mention], expected: list[Line]) -> None:
    cart = [Line("hash-brown", 2, "regular"), Line("latte", 1, "large")]
    assert carts.remove(cart, mentions, MENU) == expected


def test_complete_fills_a_pending_combo_drink_and_upsize() -> None:
    line = carts.complete(Line("breakfast-combo", 1, "regular"), "large", "soy-milk", MENU)
    assert line == Line("breakfast-combo", 1, "regular", "soy-milk", "large")
    assert carts.complete(Line("breakfast-combo", 1, "regular"), None, "latte", MENU).drink is None


@pytest.mark.parametrize(
    ("fen", "text"), [(0, "¥0.00"), (5, "¥0.05"), (1999, "¥19.99"), (100000, "¥1000.00")]
)
def test_yuan_is_exact(fen: int, text: str) -> None:
    assert yuan(fen) == text


def test_lines_are_described_as_people_say_them() -> None:
    assert describe_line(Line("latte", 2, "large").request(), MENU) == "2 large Lattes"
    assert describe_line(Line("egg-sausage-muffin", 1).request(), MENU) == "an Egg & Sausage Muffin"
    combo = Line("breakfast-combo", 1, None, "soy-milk", "large")
    assert describe_line(combo.request(), MENU) == "a Breakfast Combo with a large Soy Milk"


def test_a_line_asks_the_backend_for_its_options() -> None:
    assert Line("latte", 2, "large").request().options == (("size", "large"),)
    combo = Line("breakfast-combo", 1, None, "soy-milk", "large").request()
    assert combo.options == (("drink", "soy-milk"), ("size", "large"))
    assert Line("hash-brown", 1).request().options == ()
