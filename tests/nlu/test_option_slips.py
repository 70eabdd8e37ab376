"""A short option word with one letter wrong, said between a count and its item ("an OAK
latte"), is that option (blind round: "an oak latte" lost the oat milk in silence). Where
two choices are as close, or the word stands elsewhere, nothing is guessed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.nlu.lexicon import Lexicon
from bot.nlu.order_parser import OrderParser

COPPER_KETTLE = Path(__file__).parent / "copper_kettle_lexicon.json"


@pytest.fixture(scope="module")
def copper_kettle() -> OrderParser:
    return OrderParser(Lexicon.from_json(json.loads(COPPER_KETTLE.read_text(encoding="utf-8"))))


def heard(parser: OrderParser, text: str) -> list[tuple[str, str]]:
    return [(e["entity"], e["value"]) for e in parser.parse(text) if e["entity"] != "quantity"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two oak milk mochas", [("option", "milk:oat"), ("item", "mocha")]),
        ("one oak cortado", [("option", "milk:oat"), ("item", "cortado")]),
        (
            "an oak latte and a cappuccino",
            [("option", "milk:oat"), ("item", "latte"), ("item", "cappuccino")],
        ),
    ],
)
def test_a_slip_before_the_item_is_the_option(
    copper_kettle: OrderParser, text: str, expected: list[tuple[str, str]]
) -> None:
    assert heard(copper_kettle, text) == expected


@pytest.mark.parametrize("text", ["the best latte", "I want a latte", "a latte to go"])
def test_other_words_before_or_after_an_item_are_no_option(
    copper_kettle: OrderParser, text: str
) -> None:
    assert [kind for kind, _ in heard(copper_kettle, text)] == ["item"]
