"""Orders composed as said (issue 15 §1): a combo's drink split across combos, an option
kept on the item it was said for, an item said twice in one breath."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from nlu_examples import summarise

from bot.nlu.lexicon import Lexicon
from bot.nlu.order_parser import OrderParser


def line(sku: str, quantity: int, *options: str) -> dict[str, Any]:
    said = {"item": sku, "quantity": quantity}
    return {**said, "options": sorted(options)} if options else said


def combo(quantity: int, *options: str) -> dict[str, Any]:
    return line("breakfast-combo", quantity, *options)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (
            "four meal deals, three with soy milk and one with an americano",
            [combo(3, "drink:soy-milk"), combo(1, "drink:americano")],
        ),
        (
            "two combos: one with a large soy milk and the other with coffee",
            [combo(1, "drink:soy-milk", "size:large"), combo(1, "drink:americano")],
        ),
        (
            "three breakfast sets, every one of them with big coffees",
            [combo(3, "drink:americano", "size:large")],
        ),
        ("2 combos, one with soy milk", [combo(1), combo(1, "drink:soy-milk")]),
    ],
)
def test_drinks_said_for_shares_of_the_combos_are_those_combos_drinks(
    parser: OrderParser, text: str, lines: list[dict[str, Any]]
) -> None:
    assert summarise(parser.parse(text))["lines"] == lines


def test_a_drink_ordered_on_the_side_of_a_combo_is_a_line_of_its_own(
    parser: OrderParser,
) -> None:
    lines = summarise(parser.parse("a combo with coffee, and with a soy milk on the side"))
    assert lines["lines"] == [
        combo(1, "drink:americano"),
        line("soy-milk", 1),
    ]


COPPER_KETTLE = Path(__file__).parent / "copper_kettle_lexicon.json"


@pytest.fixture(scope="module")
def copper_kettle() -> OrderParser:
    return OrderParser(Lexicon.from_json(json.loads(COPPER_KETTLE.read_text(encoding="utf-8"))))


@pytest.mark.parametrize(
    ("text", "last"),
    [
        ("two almond cortados, a cold brew and a decaf steamer", "decaf"),
        ("two macchiatos, an espresso and a hot chocolate, triple shot", "triple shot"),
    ],
)
def test_an_option_the_last_item_cannot_have_stays_with_it_at_copper_kettle(
    copper_kettle: OrderParser, text: str, last: str
) -> None:
    """Issue 15: a size said for the last item was applied to the first one too."""
    lines = summarise(copper_kettle.parse(text))["lines"]
    assert [line.get("unavailable_option") for line in lines] == [None, None, [last]]
    assert lines[1].get("options") is None


def test_an_option_said_after_the_last_item_stays_with_it_at_golden_crumb(
    parser: OrderParser,
) -> None:
    lines = summarise(parser.parse("two lattes, a hash brown and a youtiao, large"))["lines"]
    assert lines == [
        line("latte", 2),
        line("hash-brown", 1),
        {**line("youtiao", 1), "unavailable_option": ["large"]},
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("I reckon a hash brown would hit the spot, so one hash brown", line("hash-brown", 1)),
        ("maybe a large latte? yeah, two lattes", line("latte", 2, "size:large")),
    ],
)
def test_an_item_restated_after_so_or_yeah_is_one_mention(
    parser: OrderParser, text: str, said: dict[str, Any]
) -> None:
    """Issue 15: "I think a cappuccino would be nice, so one cappuccino" became two."""
    assert summarise(parser.parse(text))["lines"] == [said]


def test_a_restated_item_is_one_mention_before_the_next_item(parser: OrderParser) -> None:
    text = "a cola sounds good, so one cola and a fries"
    assert summarise(parser.parse(text))["lines"] == [line("cola", 1), line("fries", 1)]


@pytest.mark.parametrize(
    "text",
    [
        "a latte and a latte",
        "a latte, then another latte",
        "a latte so a latte too",
        "a latte, yes a latte as well",
    ],
)
def test_an_item_listed_twice_is_two(parser: OrderParser, text: str) -> None:
    lines = summarise(parser.parse(text))["lines"]
    assert sum(line.get("quantity", 1) for line in lines) == 2
