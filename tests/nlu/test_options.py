"""Options (contract C2) against the Copper Kettle lexicon: where each option word goes,
which numbers count things, and which are times or part of an option ("2% milk")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nlu_examples import summarise

from bot.nlu.numbers import CARDINALS
from bot.nlu.order_parser import OrderParser
from contracts.lexicon import Lexicon

COPPER_KETTLE = Path(__file__).parent / "copper_kettle_lexicon.json"


@pytest.fixture(scope="module")
def kettle() -> OrderParser:
    with open(COPPER_KETTLE, encoding="utf-8") as handle:
        return OrderParser(Lexicon.from_json(json.load(handle)))


def lines(parser: OrderParser, text: str) -> list[dict[str, Any]]:
    summary = summarise(parser.parse(text))
    found: list[dict[str, Any]] = summary.get("lines", [])
    return found


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("an oat milk latte", ["milk:oat"]),
        ("a latte with oat milk", ["milk:oat"]),
        ("latte, oatmilk", ["milk:oat"]),
        ("a decaf triple shot non-fat latte", ["caffeine:decaf", "milk:non-fat", "shots:triple"]),
        ("an iced pumpkin spice latte with almond milk", ["milk:almond", "temperature:iced"]),
        ("one latte. Decaf, please.", ["caffeine:decaf"]),
        ("a latte made with skim", ["milk:non-fat"]),
        ("a double shot latte", ["shots:double"]),
        ("a latte with a triple shot of espresso", ["shots:triple"]),
        ("a latte, two percent", ["milk:2-percent"]),
        ("a 2 % milk latte", ["milk:2-percent"]),
        ("a latte with 2% lactose free milk", ["milk:2-percent-lactose-free"]),
        ("a latte with almnd milk", ["milk:almond"]),
        ("a latte", []),
    ],
)
def test_options_said_before_or_after_join_the_item(
    kettle: OrderParser, text: str, options: list[str]
) -> None:
    [line] = lines(kettle, text)
    assert line["item"] == "latte"
    assert line.get("options", []) == options
    assert line.get("quantity", 1) == 1


def test_each_option_joins_its_own_item(kettle: OrderParser) -> None:
    assert lines(kettle, "an almond milk mocha and a cortado with oat milk") == [
        {"item": "mocha", "quantity": 1, "options": ["milk:almond"]},
        {"item": "cortado", "quantity": 1, "options": ["milk:oat"]},
    ]
    assert lines(kettle, "a mocha with whole milk and an iced cappuccino") == [
        {"item": "mocha", "quantity": 1, "options": ["milk:whole"]},
        {"item": "cappuccino", "quantity": 1, "options": ["temperature:iced"]},
    ]


def test_an_option_said_first_finds_the_item_later_in_the_sentence(kettle: OrderParser) -> None:
    assert lines(kettle, "I'd like something decaf, maybe a cortado") == [
        {"item": "cortado", "quantity": 1, "options": ["caffeine:decaf"]}
    ]


def test_only_groups_the_item_has(kettle: OrderParser) -> None:
    # A steamer has milk and temperature, no espresso shots or caffeine: those are said back.
    assert lines(kettle, "a decaf steamer with a double shot and oat milk") == [
        {
            "item": "steamer",
            "quantity": 1,
            "options": ["milk:oat"],
            "unavailable_option": ["decaf", "double shot"],
        }
    ]


def test_an_option_for_another_item_skips_one_that_lacks_the_group(kettle: OrderParser) -> None:
    assert lines(kettle, "a steamer and an americano, decaf") == [
        {"item": "steamer", "quantity": 1},
        {"item": "americano", "quantity": 1, "options": ["caffeine:decaf"]},
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("make it oat milk", {"options": ["milk:oat"]}),
        ("iced please", {"options": ["temperature:iced"]}),
        ("make one of them decaf", {"quantity": 1, "options": ["caffeine:decaf"]}),
    ],
)
def test_options_without_an_item_are_loose(
    kettle: OrderParser, text: str, expected: dict[str, Any]
) -> None:
    assert summarise(kettle.parse(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I'll have one decaf mocha and one regular",
            [("mocha", 1, ["caffeine:decaf"]), ("mocha", 1, ["caffeine:regular"])],
        ),
        (
            "one decaf and one regular cortado please",
            [("cortado", 1, ["caffeine:decaf"]), ("cortado", 1, ["caffeine:regular"])],
        ),
        (
            "three cappuccinos, one with almond milk and two with oat milk",
            [("cappuccino", 1, ["milk:almond"]), ("cappuccino", 2, ["milk:oat"])],
        ),
        (
            "two lattes, one of them iced",
            [("latte", 1, []), ("latte", 1, ["temperature:iced"])],
        ),
        (
            "two iced mochas, one with skim and the other with whole milk",
            [
                ("mocha", 1, ["milk:non-fat", "temperature:iced"]),
                ("mocha", 1, ["milk:whole", "temperature:iced"]),
            ],
        ),
        (
            "a chai latte with oat milk and another one with almond milk",
            [("chai-latte", 1, ["milk:oat"]), ("chai-latte", 1, ["milk:almond"])],
        ),
        (
            "a macchiato, make one decaf and the other one not",
            [("macchiato", 1, ["caffeine:decaf"]), ("macchiato", 1, [])],
        ),
    ],
)
def test_variants_of_one_item_make_a_line_each(
    kettle: OrderParser, text: str, expected: list[tuple[str, int, list[str]]]
) -> None:
    found = [
        (ln["item"], ln.get("quantity", 1), ln.get("options", [])) for ln in lines(kettle, text)
    ]
    assert sorted(found) == sorted(expected)


@pytest.mark.parametrize(
    "text",
    [
        "I'll take a mocha with 2% milk",
        "Could I get a 2% hazelnut mocha please.",
        "a vanilla mocha with 2% milk",
        "a mocha, 2 percent",
    ],
)
def test_two_percent_is_milk_not_a_count_or_a_time(kettle: OrderParser, text: str) -> None:
    entities = kettle.parse(text)
    [line] = summarise(entities)["lines"]
    assert (line["item"], line["quantity"], line["options"]) == ("mocha", 1, ["milk:2-percent"])
    assert not [e for e in entities if e["entity"] == "pickup_time"]


def test_numbers_count_the_things_they_stand_before(kettle: OrderParser) -> None:
    assert lines(kettle, "2 earl greys and 1 cold brew") == [
        {"item": "earl-grey", "quantity": 2},
        {"item": "cold-brew", "quantity": 1},
    ]
    assert lines(kettle, "a double espresso") == [
        {"item": "espresso", "quantity": 1, "options": ["shots:double"]}
    ]
    assert lines(kettle, "a 16 oz mocha") == [{"item": "mocha", "quantity": 1}]


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("a mocha at 8", "08:00"),
        ("a mocha by 9 o'clock", "09:00"),
        ("a mocha, pick up 7:45", "07:45"),
        ("two mochas at 10 am", "10:00"),
        ("a mocha at half past eight", "08:30"),
        ("a mocha in 15 minutes", "+15"),
        ("a mocha around nine", "09:00"),
    ],
)
def test_a_time_needs_a_time_cue(kettle: OrderParser, text: str, time: str) -> None:
    summary = summarise(kettle.parse(text))
    assert summary["pickup_time"] == time
    assert [line["item"] for line in summary["lines"]] == ["mocha"]


@pytest.mark.parametrize("text", ["2 mochas", "a mocha and 2 lattes", "mocha 8", "eight mochas"])
def test_a_bare_number_is_never_a_time(kettle: OrderParser, text: str) -> None:
    assert "pickup_time" not in summarise(kettle.parse(text))


NUMBER_WORDS = {word: value for word, value in CARDINALS.items() if 1 <= value <= 20}
ITEM_NAMES = [
    ("Latte", "latte"),
    ("mocha", "mocha"),
    ("Cold Brew", "cold-brew"),
    ("Earl Grey", "earl-grey"),
    ("Lavender Earl Grey", "lavender-earl-grey"),
    ("cloud and mist", "cloud-and-mist"),
    ("Hot Chocolate", "hot-chocolate"),
    ("matcha latte", "matcha-latte"),
    ("Tangerine Rooibos", "tangerine-rooibos"),
]


@settings(max_examples=200, deadline=None)
@given(
    count=st.one_of(
        st.sampled_from(sorted(NUMBER_WORDS)).map(lambda w: (w, NUMBER_WORDS[w])),
        st.integers(min_value=1, max_value=99).map(lambda n: (str(n), n)),
    ),
    item=st.sampled_from(ITEM_NAMES),
    lead=st.sampled_from(["", "can I get ", "I'd like ", "and "]),
    tail=st.sampled_from(["", " please", ", thanks", "."]),
)
def test_any_count_before_any_item_is_its_quantity(
    kettle: OrderParser,
    count: tuple[str, int],
    item: tuple[str, str],
    lead: str,
    tail: str,
) -> None:
    said, value = count
    name, sku = item
    assert lines(kettle, f"{lead}{said} {name}{tail}") == [{"item": sku, "quantity": value}]


OPTION_WORDS = [
    ("oat milk", "milk:oat"),
    ("decaf", "caffeine:decaf"),
    ("iced", "temperature:iced"),
    ("triple shot", "shots:triple"),
    ("2%", "milk:2-percent"),
    ("non-fat", "milk:non-fat"),
]


@settings(max_examples=150, deadline=None)
@given(
    chosen=st.lists(
        st.sampled_from(OPTION_WORDS),
        min_size=1,
        max_size=3,
        unique_by=lambda o: o[1].split(":")[0],
    ),
    after=st.booleans(),
)
def test_options_in_any_order_on_either_side_join_the_item(
    kettle: OrderParser, chosen: list[tuple[str, str]], after: bool
) -> None:
    words = " ".join(said for said, _ in chosen)
    text = f"a latte with {words.replace(' ', ' and ', 0)}" if after else f"a {words} latte"
    [line] = lines(kettle, text)
    assert line["item"] == "latte"
    assert line["options"] == sorted(value for _, value in chosen)


KETTLE_WORDS = (
    "a an two one other another latte mocha steamer espresso shot of double triple decaf "
    "regular iced hot oat almond milk 2% non-fat skim with and , . the them cold brew tea "
    "earl grey chai at 8 please blorp no without"
).split()


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(KETTLE_WORDS), max_size=14))
def test_every_option_belongs_to_a_group_its_item_has(
    kettle: OrderParser, words: list[str]
) -> None:
    entities = kettle.parse(" ".join(words))
    items = {e["group"]: e["value"] for e in entities if e["entity"] == "item"}
    for option in (e for e in entities if e["entity"] == "option" and "group" in e):
        group, choice = option["value"].split(":")
        item = kettle.item(items[option["group"]])
        assert item is not None
        options = item.group(group)
        # no choice: one taken back ("no ice"), the group's default
        assert options is not None and (choice == "" or options.choice(choice) is not None)
    groups = [e["group"] for e in entities if e["entity"] == "item"]
    assert groups == [str(n) for n in range(1, len(groups) + 1)]


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("a decaffeinated latte", ["caffeine:decaf"]),
        ("a latte without caffeine", ["caffeine:decaf"]),
        ("a skim latte", ["milk:non-fat"]),
        ("a latte over ice", ["temperature:iced"]),
        ("a latte with no ice", []),
        ("a latte, not iced", ["temperature:"]),  # taken back: the item's default
        ("a latte without milk", ["milk:none"]),
        ("a doppio latte", ["shots:double"]),
    ],
)
def test_everyday_words_for_a_choice_need_no_alias(
    kettle: OrderParser, text: str, options: list[str]
) -> None:
    [line] = lines(kettle, text)
    assert line.get("options", []) == options


def test_everyday_words_only_name_choices_the_item_has() -> None:
    lexicon = Lexicon.from_json(
        {
            "merchant_id": "tea-house",
            "items": [
                {
                    "sku": "green-tea",
                    "name": "Green Tea",
                    "options": [
                        {
                            "group": "temperature",
                            "name": "Temperature",
                            "default": "hot",
                            "choices": [
                                {"id": "hot", "name": "Hot"},
                                {"id": "iced", "name": "Iced"},
                            ],
                        }
                    ],
                }
            ],
        }
    )
    parser = OrderParser(lexicon)
    assert lines(parser, "a decaffeinated green tea on ice") == [
        {
            "item": "green-tea",
            "quantity": 1,
            "options": ["temperature:iced"],
            "unavailable_option": ["decaffeinated"],
        }
    ]


def test_an_option_said_for_both_goes_on_each(kettle: OrderParser) -> None:
    assert lines(kettle, "a cortado and two mochas, both with oat milk") == [
        {"item": "cortado", "quantity": 1, "options": ["milk:oat"]},
        {"item": "mocha", "quantity": 2, "options": ["milk:oat"]},
    ]
    assert lines(kettle, "an americano and a steamer, all decaf") == [
        {"item": "americano", "quantity": 1, "options": ["caffeine:decaf"]},
        {"item": "steamer", "quantity": 1, "unavailable_option": ["decaf"]},
    ]
