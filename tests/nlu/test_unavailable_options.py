"""Options an item cannot have are said back (contract C2 `unavailable_option`), never
dropped: on the Golden Crumb lexicon (a Latte has only a size), on the Copper Kettle
one (milk, shots, caffeine, temperature, no syrups) and on a menu with syrups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from nlu_examples import summarise

from bot.nlu.order_parser import OrderParser
from contracts.lexicon import Lexicon

COPPER_KETTLE = Path(__file__).parent / "copper_kettle_lexicon.json"


@pytest.fixture(scope="module")
def kettle() -> OrderParser:
    with open(COPPER_KETTLE, encoding="utf-8") as handle:
        return OrderParser(Lexicon.from_json(json.load(handle)))


def lines(parser: OrderParser, text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = summarise(parser.parse(text)).get("lines", [])
    return found


def said_back(parser: OrderParser, text: str) -> list[tuple[str, list[str]]]:
    return [(ln["item"], ln.get("unavailable_option", [])) for ln in lines(parser, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Can I get an Americano with a pump of vanilla in it?",
            [("americano", ["a pump of vanilla"])],
        ),
        ("Hey, can I get a Triple shot Non-Fat Latte?", [("latte", ["Non-Fat", "Triple shot"])]),
        ("I'll take a latte with 2% milk", [("latte", ["2% milk"])]),
        ("Can I get a 2% Hazelnut Latte please.", [("latte", ["2%", "Hazelnut"])]),
        ("Could I please get a vanilla latte with 2% milk?", [("latte", ["2% milk", "vanilla"])]),
        ("a latte with two pumps of caramel", [("latte", ["two pumps of caramel"])]),
        ("an iced oat milk latte and a decaf americano", [
            ("latte", ["iced", "oat milk"]), ("americano", ["decaf"])
        ]),
        ("a large cola", [("cola", ["large"])]),
    ],
)  # fmt: skip
def test_golden_crumb_says_back_what_its_items_cannot_have(
    parser: OrderParser, text: str, expected: list[tuple[str, list[str]]]
) -> None:
    assert said_back(parser, text) == expected
    assert all("options" not in ln for ln in lines(parser, text))  # none set either


def test_the_item_is_still_ordered_with_its_count(parser: OrderParser) -> None:
    assert lines(parser, "two lattes with a shot of hazelnut") == [
        {"item": "latte", "quantity": 2, "unavailable_option": ["a shot of hazelnut"]}
    ]
    # "one regular" is a medium Latte; the decaf one is said back, not dropped.
    assert lines(parser, "I would like one decaf Latte and one regular.") == [
        {"item": "latte", "quantity": 1, "unavailable_option": ["decaf"]},
        {"item": "latte", "quantity": 1, "options": ["size:medium"]},
    ]


def test_the_words_point_at_the_text(parser: OrderParser) -> None:
    text = "I'll take a latte with 2% milk"
    [entity] = [e for e in parser.parse(text) if e["entity"] == "unavailable_option"]
    assert text[entity["start"] : entity["end"]] == entity["value"] == "2% milk"
    assert entity["group"] == "1"


@pytest.mark.parametrize(
    "text",
    [
        "a regular cola",  # the usual way: nothing to say back
        "a medium latte",
        "a latte with no vanilla",  # not wanted, so nothing is missing
        "a latte",
    ],
)
def test_the_usual_way_and_options_not_wanted_are_not_said_back(
    parser: OrderParser, text: str
) -> None:
    assert all(not said for _, said in said_back(parser, text))


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("Hey, can I get a Triple shot Non-Fat Latte?", ["milk:non-fat", "shots:triple"]),
        ("I'll take a latte with 2% milk", ["milk:2-percent"]),
        ("an iced oat milk latte", ["milk:oat", "temperature:iced"]),
    ],
)
def test_copper_kettle_still_sets_the_options_it_has(
    kettle: OrderParser, text: str, options: list[str]
) -> None:
    assert lines(kettle, text) == [{"item": "latte", "quantity": 1, "options": options}]


def test_copper_kettle_says_back_only_what_the_item_lacks(kettle: OrderParser) -> None:
    # This lexicon has no syrups; a Steamer has no caffeine and no espresso shots.
    assert lines(kettle, "Can I get a 2% Hazelnut Latte please.") == [
        {
            "item": "latte",
            "quantity": 1,
            "options": ["milk:2-percent"],
            "unavailable_option": ["Hazelnut"],
        }
    ]
    assert said_back(kettle, "a decaf steamer with oat milk") == [("steamer", ["decaf"])]
    assert said_back(kettle, "a latte and a steamer, both double shot") == [
        ("latte", []),
        ("steamer", ["double shot"]),
    ]


@pytest.mark.parametrize(
    "text",
    ["a mocha", "a hot chocolate", "a caramel macchiato", "a peppermint tea", "a regular steamer"],
)
def test_words_of_an_item_name_are_not_options(kettle: OrderParser, text: str) -> None:
    [line] = lines(kettle, text)
    assert "unavailable_option" not in line and "options" not in line


def syrup_house() -> OrderParser:
    """A Latte with syrups, and a tea with no caffeine group."""
    syrup = {
        "group": "syrup",
        "name": "Syrup",
        "default": "none",
        "choices": [
            {"id": "none", "name": "No Syrup"},
            {"id": "vanilla", "name": "Vanilla"},
            {"id": "hazelnut", "name": "Hazelnut"},
        ],
    }
    caffeine = {
        "group": "caffeine",
        "name": "Caffeine",
        "default": "regular",
        "choices": [{"id": "regular", "name": "Regular"}, {"id": "decaf", "name": "Decaf"}],
    }
    return OrderParser(
        Lexicon.from_json(
            {
                "merchant_id": "syrup-house",
                "items": [
                    {"sku": "latte", "name": "Latte", "options": [syrup, caffeine]},
                    {"sku": "earl-grey", "name": "Earl Grey", "options": [syrup]},
                ],
            }
        )
    )


def test_the_menus_own_choice_takes_every_way_of_asking_for_it() -> None:
    parser = syrup_house()
    for text in (
        "a latte with two pumps of vanilla",
        "Can I get a latte with a pump of vanilla in it?",
        "a vanilla syrup latte",
    ):
        assert lines(parser, text) == [
            {"item": "latte", "quantity": 1, "options": ["syrup:vanilla"]}
        ], text
    assert lines(parser, "a decaf earl grey with honey") == [
        {"item": "earl-grey", "quantity": 1, "unavailable_option": ["decaf", "honey"]}
    ]
    assert lines(parser, "a decaf hazelnut latte") == [
        {"item": "latte", "quantity": 1, "options": ["caffeine:decaf", "syrup:hazelnut"]}
    ]


def test_a_flavour_the_menu_sells_as_an_item_is_that_item(kettle: OrderParser) -> None:
    # Mocha is an item here: "a shot of mocha" orders a Mocha, nothing to say back.
    [line] = lines(kettle, "a double shot of mocha with non-fat milk")
    assert line["item"] == "mocha" and "milk:non-fat" in line["options"]
    assert "unavailable_option" not in line


@pytest.mark.parametrize("size", ["tall", "small", "short"])
def test_a_smaller_size_on_a_one_size_item_is_not_said_back(size: str) -> None:
    parser = OrderParser(
        Lexicon.from_json(
            {
                "merchant_id": "two-sizes",
                "items": [
                    {"sku": "cortado", "name": "Cortado"},
                    {
                        "sku": "latte",
                        "name": "Latte",
                        "options": [
                            {
                                "group": "size",
                                "name": "Size",
                                "default": "medium",
                                "choices": [
                                    {"id": "small", "name": "Small", "aliases": ["tall", "short"]},
                                    {"id": "medium", "name": "Medium"},
                                    {"id": "large", "name": "Large"},
                                ],
                            }
                        ],
                    },
                ],
            }
        )
    )
    assert lines(parser, f"a {size} cortado") == [{"item": "cortado", "quantity": 1}]
    assert lines(parser, "a large cortado") == [
        {"item": "cortado", "quantity": 1, "unavailable_option": ["large"]}
    ]
