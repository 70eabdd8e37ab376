"""Speech-recognition near misses are matched by sound and spelling, and checked when
unsure; parts of an order that matched nothing are reported, never silently dropped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from nlu_examples import summarise

from bot.nlu.menu_matcher import MenuMatcher
from bot.nlu.order_parser import OrderParser
from contracts.lexicon import Lexicon

COPPER_KETTLE = Path(__file__).parent / "copper_kettle_lexicon.json"


@pytest.fixture(scope="module")
def kettle() -> OrderParser:
    with open(COPPER_KETTLE, encoding="utf-8") as handle:
        return OrderParser(Lexicon.from_json(json.load(handle)))


def items(parser: OrderParser, text: str) -> list[tuple[str, int, bool]]:
    """(sku, quantity, check) per line."""
    lines: list[dict[str, Any]] = summarise(parser.parse(text)).get("lines", [])
    return [(ln["item"], ln.get("quantity", 1), ln.get("check", False)) for ln in lines]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("six large lattice", [("latte", 6)]),
        ("two lattes", [("latte", 2)]),
        ("a large lotte please", [("latte", 1)]),
        ("3 hash brown and 1 you tiao", [("hash-brown", 3), ("youtiao", 1)]),
    ],
)
def test_close_spellings_that_also_sound_right_are_taken(
    parser: OrderParser, text: str, expected: list[tuple[str, int]]
) -> None:
    assert items(parser, text) == [(sku, count, False) for sku, count in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("can I get two egg and sausage muffins and a large lad?", ("latte", 1)),
        ("1 hash brown and 1 you show", ("youtiao", 1)),
        ("one yo chow", ("youtiao", 1)),
        ("a lad, please", ("latte", 1)),
    ],
)
def test_what_only_sounds_like_an_item_is_checked(
    parser: OrderParser, text: str, expected: tuple[str, int]
) -> None:
    assert (*expected, True) in items(parser, text)


def test_the_check_is_on_the_item_entity_with_its_options(parser: OrderParser) -> None:
    entities = parser.parse("two muffins and a large lad")
    item = next(e for e in entities if e["entity"] == "item" and e["value"] == "latte")
    assert item["check"] is True
    assert {"entity": "option", "value": "size:large", "group": item["group"]}.items() <= next(
        e for e in entities if e["entity"] == "option"
    ).items()


@pytest.mark.parametrize(
    "text",
    [
        "a lad named Joe will pick it up",
        "I'll be a little later",
        "let me think",
        "that's a lot",
        "how much is it",
        "late again, sorry",
        "I'm running late",
    ],
)
def test_common_words_that_sound_like_items_order_nothing(parser: OrderParser, text: str) -> None:
    assert items(parser, text) == []


def test_a_common_word_is_no_item_even_next_to_a_real_order(parser: OrderParser) -> None:
    assert items(parser, "a lad named Joe wants two hash browns") == [("hash-brown", 2, False)]


def test_an_unsure_match_said_again_is_one_item(parser: OrderParser) -> None:
    assert items(parser, "can I get a lot, a large latte") == [("latte", 1, False)]


def test_sound_alike_matching_needs_no_code_per_item() -> None:
    lexicon = Lexicon.from_json(
        {"merchant_id": "m", "items": [{"sku": "baozi", "name": "Baozi", "aliases": []}]}
    )
    [match] = MenuMatcher(lexicon).find(["bowzee"])
    assert (match.target, match.confident) == ("baozi", False)


@pytest.mark.parametrize(
    ("text", "unplaced", "ordered"),
    [
        ("two hash browns and a large blorp", ["a large blorp"], ["hash-brown"]),
        ("a latte and three zorbles please", ["three zorbles"], ["latte"]),
        ("can I get a frappuccino", ["a frappuccino"], []),
        ("a latte and a slice of lemon cake", ["a slice of lemon cake"], ["latte"]),
    ],
)
def test_order_parts_that_matched_nothing_are_unplaced(
    parser: OrderParser, text: str, unplaced: list[str], ordered: list[str]
) -> None:
    summary = summarise(parser.parse(text))
    assert summary.get("unplaced") == unplaced
    assert [line["item"] for line in summary.get("lines", [])] == ordered


def test_unplaced_words_point_at_the_text(parser: OrderParser) -> None:
    text = "Two hash browns, and a LARGE blorp!"
    [entity] = [e for e in parser.parse(text) if e["entity"] == "unplaced"]
    assert text[entity["start"] : entity["end"]] == entity["value"] == "a LARGE blorp"
    assert "group" not in entity


@pytest.mark.parametrize(
    "text",
    [
        "can I get a latte please",
        "a latte to go, thanks",
        "I'd like a latte for my friend",
        "I would like to order",
        "hi, can I order something?",
        "give me a second",
        "I'm ordering for two people",
        "a latte, and that's it",
        "one latte, the large one",
        "a latte with a little sugar",
    ],
)
def test_filler_is_never_unplaced(parser: OrderParser, text: str) -> None:
    assert "unplaced" not in summarise(parser.parse(text))


def test_flavours_the_menu_lacks_do_not_split_an_order(kettle: OrderParser) -> None:
    # This lexicon has no syrups: the caramel is the cortado's, and it is said back.
    summary = summarise(kettle.parse("a cortado with oat milk and a pump of caramel"))
    assert summary == {
        "lines": [
            {
                "item": "cortado",
                "quantity": 1,
                "options": ["milk:oat"],
                "unavailable_option": ["a pump of caramel"],
            }
        ]
    }


def tea_house() -> OrderParser:
    return OrderParser(
        Lexicon.from_json(
            {
                "merchant_id": "tea-house",
                "items": [
                    {"sku": "earl-grey", "name": "Earl Grey", "aliases": ["earl"]},
                    {"sku": "breakfast", "name": "English Breakfast", "aliases": ["black tea"]},
                ],
            }
        )
    )


def test_everyday_words_close_to_an_alias_stay_words() -> None:
    assert items(tea_house(), "it's early, I need an English Breakfast") == [
        ("breakfast", 1, False)
    ]


def test_an_item_named_twice_in_a_row_is_one_item() -> None:
    assert items(tea_house(), "an English breakfast black tea please") == [("breakfast", 1, False)]


def test_a_shot_of_a_flavour_is_no_espresso_shot(kettle: OrderParser) -> None:
    summary = summarise(kettle.parse("a mocha with an extra shot of caramel"))
    assert summary["lines"] == [
        {"item": "mocha", "quantity": 1, "unavailable_option": ["an extra shot of caramel"]}
    ]
    summary = summarise(kettle.parse("a mocha with a triple shot of espresso"))
    assert summary["lines"] == [{"item": "mocha", "quantity": 1, "options": ["shots:triple"]}]


@pytest.mark.parametrize(
    ("text", "strong"),
    [
        ("a large lad", True),  # a size beside it
        ("a large late please", True),  # typed
        ("three lads", True),  # a count beside it
        ("a lad", False),  # only "a": still asked
        ("could I get a late", False),
    ],
)
def test_a_sound_alike_with_its_size_or_count_beside_it_is_a_strong_guess(
    parser: OrderParser, text: str, strong: bool
) -> None:
    """Issue 15: a strong, unique guess is added and named; a weak one is asked about."""
    (line,) = [e for e in parser.parse(text) if e["entity"] == "item"]
    assert (line["value"], line.get("check"), bool(line.get("strong"))) == ("latte", True, strong)


def _menu_of(*names: str) -> OrderParser:
    items = [{"sku": name.lower(), "name": name, "aliases": [], "options": []} for name in names]
    return OrderParser(Lexicon.from_json({"merchant_id": "m", "items": items, "stores": []}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two mohca please", ("mocha", 2)),  # two letters swapped
        ("a mochaa", ("mocha", 1)),  # one letter too many
        ("one cortdo and a mocha", ("cortado", 1)),  # one letter missing
    ],
)
def test_one_slip_from_one_menu_word_is_that_item_without_asking(
    text: str, expected: tuple[str, int]
) -> None:
    parser = _menu_of("Mocha", "Cortado", "Matcha")
    assert (*expected, False) in items(parser, text)


def test_a_slip_as_close_to_two_menu_words_is_asked_about_not_picked() -> None:
    parser = _menu_of("Mocha", "Macha")
    [(_, _, check)] = items(parser, "two mecha please")
    assert check
    [item] = [e for e in parser.parse("two mecha please") if e["entity"] == "item"]
    assert "strong" not in item  # no strong guess: it is asked about, never just added
