"""The order parser on utterances as customers type them and as Whisper writes them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nlu_examples import (
    expected_summary,
    load_examples,
    summarise,
    without_checks,
    without_default_counts,
)

from bot.nlu.order_parser import OrderParser
from contracts.cart_edits import CartEdit
from contracts.lexicon import Lexicon

DEV = load_examples("dev")
HELD_OUT = {name: load_examples(name) for name in ("holdout", "blind")}
# Held-out sets are scored, not required to be perfect: below this the parser regressed.
MIN_HELD_OUT_ACCURACY = 0.9
ENTITY_KINDS = {
    "item", "quantity", "option", "store", "pickup_time", "unplaced", "unavailable_option", "edit",
    "amount",
}  # fmt: skip


@pytest.mark.parametrize("example", DEV, ids=[e["text"][:60] for e in DEV])
def test_dev_example(parser: OrderParser, example: dict[str, Any]) -> None:
    assert summarise(parser.parse(example["text"])) == expected_summary(example)


@pytest.mark.parametrize("name", sorted(HELD_OUT))
def test_held_out_accuracy(parser: OrderParser, name: str) -> None:
    examples = HELD_OUT[name]
    misses = [
        (e["text"], summarise(parser.parse(e["text"])), expected_summary(e))
        for e in examples
        if summarise(parser.parse(e["text"])) != expected_summary(e)
    ]
    accuracy = 1 - len(misses) / len(examples)
    print(f"{name}: {len(examples) - len(misses)}/{len(examples)} = {accuracy:.1%}")
    assert accuracy >= MIN_HELD_OUT_ACCURACY, misses


# Real Whisper transcripts that differ from what was said (see the files' headers). Many
# have lost the menu words for good ("Pilates, please" for "to lattes please"), so these
# floors only catch regressions; the measured scores are printed. An item found only by
# its sound counts as found: it is marked `check`, and the dialogue asks about it.
WHISPER_FLOORS = {"whisper_base": 0.6, "whisper_tiny": 0.55}


@pytest.mark.parametrize("name", sorted(WHISPER_FLOORS))
def test_whisper_transcripts(parser: OrderParser, name: str) -> None:
    examples = load_examples(name)
    hits = sum(
        without_checks(without_default_counts(summarise(parser.parse(e["text"]))))
        == without_default_counts(expected_summary(e))
        for e in examples
    )
    print(f"{name}: {hits}/{len(examples)} = {hits / len(examples):.1%}")
    assert hits / len(examples) >= WHISPER_FLOORS[name]


def test_offsets_point_at_the_words_heard(parser: OrderParser) -> None:
    text = "Um, two Egg & Sausage Muffins and a LARGE latte at 8:30, Jing'an please"
    heard = [(e["entity"], text[e["start"] : e["end"]], e.get("group")) for e in parser.parse(text)]
    assert heard == [
        ("quantity", "two", "1"),
        ("item", "Egg & Sausage Muffins", "1"),
        ("quantity", "a", "2"),
        ("option", "LARGE", "2"),
        ("item", "latte", "2"),
        ("pickup_time", "8:30", None),
        ("store", "Jing'an", None),
    ]


def test_combo_drink_is_the_combos_drink_option(parser: OrderParser) -> None:
    entities = parser.parse("a latte and a breakfast combo with americano")
    drink = {"entity": "option", "value": "drink:americano", "start": 35, "end": 44}
    assert [e for e in entities if e["value"].startswith("drink:")] == [{**drink, "group": "2"}]
    assert [e["value"] for e in entities if e["entity"] == "item"] == ["latte", "breakfast-combo"]


def test_without_a_lexicon_counts_sizes_and_times_still_work() -> None:
    entities = OrderParser(None).parse("two large lattes at 8:30")
    assert summarise(entities) == {"quantity": 2, "options": ["size:large"], "pickup_time": "08:30"}


def test_menu_comes_from_the_lexicon_not_from_code(lexicon_json: dict[str, Any]) -> None:
    other = Lexicon.from_json(
        {
            "merchant_id": "night-market",
            "items": [{"sku": "jianbing", "name": "Jianbing", "aliases": ["pancake"]}],
            "stores": [{"id": "nm-bund", "name": "The Bund", "aliases": ["bund"]}],
        }
    )
    parser = OrderParser(other)
    assert summarise(parser.parse("two jianbings and a latte at the bund")) == {
        "lines": [{"item": "jianbing", "quantity": 2}],
        "store": "nm-bund",
    }
    assert summarise(parser.parse("a jian bing")) == {
        "lines": [{"item": "jianbing", "quantity": 1}]
    }


def test_a_phrase_naming_two_items_matches_neither() -> None:
    lexicon = Lexicon.from_json(
        {
            "merchant_id": "m",
            "items": [
                {"sku": "tea-green", "name": "Green Tea", "aliases": ["tea"]},
                {"sku": "tea-black", "name": "Black Tea", "aliases": ["tea"]},
            ],
        }
    )
    assert summarise(OrderParser(lexicon).parse("a tea and a green tea")) == {
        "lines": [{"item": "tea-green", "quantity": 1}],
        "unplaced": ["a tea"],
    }


@pytest.mark.parametrize(
    "text",
    [
        "I'll be a bit later than planned",
        "my friend is running late",
        "can I pay with the card on file",
        "that's it for today",
        "no I don't want anything else",
        "what's the total",
        "I'd like the receipt please",
        "is breakfast still on",
        "call me when it's ready",
        "I changed my mind",
        "one moment please",
        "two four six eight one zero",
        "give me a second",
        "I'm ordering for two people",
        "sorry, what did you say?",
    ],
)
def test_everyday_talk_orders_nothing(parser: OrderParser, text: str) -> None:
    assert [e for e in parser.parse(text) if e["entity"] in ("item", "store")] == []
    assert [e for e in parser.parse(text) if "group" in e] == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_any_text_parses_to_well_formed_entities(parser: OrderParser, text: str) -> None:
    _check_well_formed(parser, text)


MENU_WORDS = (
    "two a latte large lattes muffin egg and sausage combo with soy milk hash brown at "
    "8:30 half past eight in minutes to for 3x people square jing an um coffee the "
    "one other another of them regular medium lad you show 2% percent , . blorp "
    "vanilla pump decaf oat cola"
).split()


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(MENU_WORDS), max_size=15))
def test_menu_word_salad_parses_to_well_formed_entities(
    parser: OrderParser, words: list[str]
) -> None:
    _check_well_formed(parser, " ".join(words))


def _check_well_formed(parser: OrderParser, text: str) -> None:
    entities = parser.parse(text)
    groups = sorted({int(e["group"]) for e in entities if "group" in e})
    assert groups == list(range(1, len(groups) + 1))
    for entity in entities:
        assert entity["entity"] in ENTITY_KINDS
        assert isinstance(entity["value"], str) and entity["value"]
        assert 0 <= entity["start"] < entity["end"] <= len(text)
        if entity["entity"] == "edit":  # the contract both processes read
            CartEdit.parse_raw(entity["value"])
        if entity["entity"] == "unavailable_option":  # always an item's, said back with it
            assert "group" in entity
    items = [e for e in entities if e["entity"] == "item"]
    assert len(items) == len(groups)


@pytest.mark.parametrize(
    ("text", "count"), [("okay, one large, fries", 1), ("alright so two large... fries", 2)]
)
def test_a_count_and_option_said_before_their_item_are_one_line(
    parser: OrderParser, text: str, count: int
) -> None:
    """Issue 15: "okay, one regular, soy milk" became two Soy Milks."""
    line = {"item": "fries", "quantity": count, "options": ["size:large"]}
    assert summarise(parser.parse(text)) == {"lines": [line]}
