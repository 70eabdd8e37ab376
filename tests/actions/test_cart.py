"""The cart logic the ordering actions rely on (pure: no backend, no Rasa)."""

from __future__ import annotations

import pytest

from actions import cart as carts
from actions.cart import Line, Mention
from actions.merchants.backend import LineRequest, Menu
from actions.phrasing import describe_line
from tests.actions.conversation import item, opt, qty, unavailable, unplaced
from tests.actions.fake_backend import MENU_ITEMS, NOW

MENU = Menu("m", NOW, True, "06:00", "10:30", MENU_ITEMS)


def test_grouped_entities_become_one_mention_per_line() -> None:
    said = carts.read_entities(
        [item("muffin", 1), qty(2, 1), item("latte", 2), opt("size:large", 2), opt("milk:oat", 2)]
    )
    assert said.mentions == [
        Mention(sku="muffin", quantity=2),
        Mention(sku="latte", options={"size": "large", "milk": "oat"}),
    ]
    assert said.loose == Mention() and said.unplaced == []


def test_a_group_without_an_item_is_another_line_of_the_item_before_it() -> None:
    """ "one decaf Latte and one regular" """
    said = carts.read_entities(
        [
            qty(1, 1),
            opt("caffeine:decaf", 1),
            item("latte", 1),
            qty(1, 2),
            opt("caffeine:regular", 2),
        ]
    )
    lines = [carts.resolve(m, MENU) for m in said.mentions]
    assert lines == [
        Line("latte", 1, {"caffeine": "decaf"}),
        Line("latte", 1, {"caffeine": "regular"}),
    ]


def test_ungrouped_modifiers_attach_to_the_next_item_then_the_last() -> None:
    entities = [
        {"entity": "quantity", "value": "2", "start": 0},
        {"entity": "item", "value": "hash-brown", "start": 4},
        {"entity": "item", "value": "latte", "start": 20},
        {"entity": "option", "value": "size:large", "start": 26},
    ]
    said = carts.read_entities(entities)
    assert said.mentions == [
        Mention(sku="hash-brown", quantity=2),
        Mention(sku="latte", options={"size": "large"}),
    ]


def test_options_without_an_item_are_loose_and_unplaced_words_are_kept() -> None:
    said = carts.read_entities([qty(1, None), opt("caffeine:decaf", None), unplaced("a large lad")])
    assert said.mentions == []
    assert said.loose == Mention(quantity=1, options={"caffeine": "decaf"})
    assert said.unplaced == ["a large lad"]


def test_options_an_item_cannot_have_stay_with_its_line() -> None:
    said = carts.read_entities(
        [
            item("latte", 1),
            unavailable("2%", 1),
            unavailable("Hazelnut", 1),
            item("americano", 2),
            opt("size:large", 2),
        ]
    )
    assert said.mentions == [
        Mention(sku="latte", unavailable=("2%", "Hazelnut")),
        Mention(sku="americano", options={"size": "large"}),
    ]
    assert [carts.resolve(m, MENU) for m in said.mentions] == [
        Line("latte", 1),
        Line("americano", 1, {"size": "large"}),
    ]


def test_an_unsure_item_is_marked_for_a_check() -> None:
    said = carts.read_entities([item("latte", 1, check=True), opt("size:large", 1)])
    assert said.mentions == [Mention("latte", None, {"size": "large"}, check=True)]


def test_options_the_item_does_not_have_are_ignored() -> None:
    line = carts.resolve(Mention("hash-brown", 2, {"temperature": "iced"}), MENU)
    assert line == Line("hash-brown", 2)
    line = carts.resolve(Mention("latte", None, {"milk": "camel", "size": "large"}), MENU)
    assert line == Line("latte", 1, {"size": "large"})


def test_the_request_carries_the_options_as_a_sorted_tuple() -> None:
    line = Line("latte", 2, {"size": "large", "milk": "oat"})
    assert line.request() == LineRequest("latte", 2, (("milk", "oat"), ("size", "large")))


def test_adding_the_same_choice_merges_quantities_defaults_included() -> None:
    cart = carts.add(
        [Line("latte", 1, {"size": "large"})],
        [
            Line("latte", 2, {"size": "large"}),
            Line("latte", 1),
            Line("latte", 1, {"size": "medium"}),
        ],
        MENU,
    )
    assert cart == [Line("latte", 3, {"size": "large"}), Line("latte", 2)]


def test_make_that_three_changes_the_line_under_discussion() -> None:
    cart = [Line("hash-brown", 1), Line("latte", 1, {"size": "large"})]
    changed = carts.change(cart, [], Mention(quantity=3), MENU, last_sku="latte")
    assert changed == [Line("hash-brown", 1), Line("latte", 3, {"size": "large"})]


def test_make_it_oat_milk_sets_the_option_on_the_line_under_discussion() -> None:
    cart = [Line("latte", 2)]
    changed = carts.change(cart, [], Mention(options={"milk": "oat"}), MENU, last_sku="latte")
    assert changed == [Line("latte", 2, {"milk": "oat"})]


def test_make_one_of_them_decaf_splits_the_line() -> None:
    cart = [Line("latte", 3, {"size": "large"})]
    loose = Mention(quantity=1, options={"caffeine": "decaf"})
    changed = carts.change(cart, [], loose, MENU, last_sku="latte")
    assert changed == [
        Line("latte", 2, {"size": "large"}),
        Line("latte", 1, {"size": "large", "caffeine": "decaf"}),
    ]


def test_change_the_americano_to_large() -> None:
    cart = [Line("americano", 1)]
    changed = carts.change(
        cart, [Mention("americano", options={"size": "large"})], Mention(), MENU, None
    )
    assert changed == [Line("americano", 1, {"size": "large"})]


def test_one_item_instead_of_another_keeps_the_quantity_and_shared_options() -> None:
    cart = [Line("latte", 2, {"size": "large", "milk": "oat"})]
    changed = carts.change(cart, [Mention("americano"), Mention("latte")], Mention(), MENU, None)
    assert changed == [Line("americano", 2, {"size": "large"})]


def test_a_change_that_names_only_items_not_in_the_cart_changes_nothing() -> None:
    """ "change the muffin to two" with no muffin: adding two would order them unasked."""
    cart = [Line("latte", 1)]
    changed = carts.change(cart, [Mention("muffin", quantity=2)], Mention(), MENU, "latte")
    assert changed == cart


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        ([Mention("latte")], [Line("hash-brown", 2)]),
        ([Mention("hash-brown", quantity=1)], [Line("hash-brown", 1), Line("latte", 1)]),
        ([Mention("youtiao")], [Line("hash-brown", 2), Line("latte", 1)]),
    ],
)
def test_remove(mentions: list[Mention], expected: list[Line]) -> None:
    cart = [Line("hash-brown", 2), Line("latte", 1)]
    assert carts.remove(cart, mentions, MENU) == expected


def test_remove_the_large_latte_when_the_latte_is_medium_still_removes_it() -> None:
    cart = [Line("latte", 1)]
    assert carts.remove(cart, [Mention("latte", options={"size": "large"})], MENU) == []


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (Line("latte", 2, {"size": "large"}), "2 large Lattes"),
        (Line("latte", 1), "a Latte"),
        (Line("latte", 1, {"milk": "oat", "caffeine": "decaf"}), "a decaf oat Latte"),
        (Line("latte", 2, {"temperature": "iced"}), "2 iced Lattes"),
        (Line("muffin", 1), "an Egg & Sausage Muffin"),
        (
            Line("combo", 1, {"drink": "soy-milk", "size": "large"}),
            "a Breakfast Combo with a large Soy Milk",
        ),
        (Line("combo", 2), "2 Breakfast Combos with an Americano"),
    ],
)
def test_lines_are_described_as_people_say_them(line: Line, words: str) -> None:
    assert describe_line(line.request(), MENU) == words
