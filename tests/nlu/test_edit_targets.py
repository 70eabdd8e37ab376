"""The `edit` entity: an edit's verb and the words pointing at cart lines (issue 15 §1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.nlu.lexicon import Lexicon
from bot.nlu.order_parser import OrderParser
from contracts.cart_edits import CartEdit, Target


def edit_of(parser: OrderParser, text: str) -> CartEdit | None:
    found = [e for e in parser.parse(text) if e["entity"] == "edit"]
    assert len(found) <= 1
    if not found:
        return None
    assert found[0]["end"] == len(text)  # the whole utterance says it
    return CartEdit.parse_raw(found[0]["value"])


@pytest.mark.parametrize(
    ("text", "verb", "target"),
    [
        ("please delete all the lattes", "remove", Target(every=True)),
        ("turn them both into large ones", "change", Target(pointer=True, every=True)),
        ("switch one of those to soy milk", "change", Target(pointer=True, count=1)),
        ("take off the last one", "remove", Target(position=-1)),
        ("scrap the 2nd thing", "remove", Target(position=2)),
        ("get rid of the first latte", "remove", Target(position=1)),
        ("upsize the drink in my combo", "change", Target(part="drink")),
        ("make that four", "change", Target(pointer=True)),
        ("hmm just two of those", None, Target(pointer=True, count=2)),
        ("that is not what I ordered", "complain", Target()),
        ("you got my order wrong", "complain", Target()),
    ],
)
def test_the_verb_and_the_target_are_read(
    parser: OrderParser, text: str, verb: str | None, target: Target
) -> None:
    assert edit_of(parser, text) == CartEdit(verb=verb, target=target)


@pytest.mark.parametrize(
    "text", ["two lattes and a hash brown", "that's all", "a latte, that'll be all"]
)
def test_a_plain_order_carries_no_edit(parser: OrderParser, text: str) -> None:
    assert edit_of(parser, text) is None


def test_each_of_them_over_copper_kettle_lines_names_no_item_so_it_means_every_line() -> None:
    lexicon = Path(__file__).parent / "copper_kettle_lexicon.json"
    parser = OrderParser(Lexicon.from_json(json.loads(lexicon.read_text(encoding="utf-8"))))
    heard = parser.parse("go large on each of them")
    assert [e["entity"] for e in heard if e["entity"] == "item"] == []
    assert {"entity": "option", "value": "size:large"}.items() <= next(
        e for e in heard if e["entity"] == "option"
    ).items()
    assert edit_of(parser, "go large on each of them") == CartEdit(
        target=Target(pointer=True, every=True)
    )


@pytest.mark.parametrize(
    ("text", "verb", "target"),
    [
        # "every one of them" / "each one of those" is every line, not one of them.
        ("make every one of them large", "change", Target(pointer=True, every=True)),
        ("each one of those with oat milk", None, Target(pointer=True, every=True)),
        ("all three iced please", None, Target(every=True)),
        # "scratch" and "take ... off" remove, whatever names the lines in between.
        ("scratch the third one", "remove", Target(position=3)),
        ("take two of those off", "remove", Target(pointer=True, count=2)),
        ("could you take the last one out", "remove", Target(position=-1)),
    ],
)
def test_quantifiers_and_removals_said_around_the_target(
    parser: OrderParser, text: str, verb: str | None, target: Target
) -> None:
    assert edit_of(parser, text) == CartEdit(verb=verb, target=target)
