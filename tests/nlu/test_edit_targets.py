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
        ("make the coffee in it a large", "change", Target(pointer=True, part="drink")),
        (
            "the large soy milk in that should be a coffee",
            "change",
            Target(pointer=True, part="drink"),
        ),
        ("make that four", "change", Target(pointer=True)),
        ("hmm just two of those", None, Target(pointer=True, count=2)),
        ("that is not what I ordered", "complain", Target()),
        ("you got my order wrong", "complain", Target()),
        # Blind round: "that's not what I told you" was a no, and read the order back.
        ("this isn't what I told you", "complain", Target()),
        ("nope, not what I asked you for", "complain", Target()),
        ("you misheard me", "complain", Target()),
        ("hmm, I never ordered those", "complain", Target()),
        ("it's all wrong", "complain", Target()),
        ("no, that isn't right", "complain", Target()),
        ("hmm, this isn't correct", "complain", Target()),
        # Blind round ck-36, gc-26: "the other one" is the line of a pair not singled out.
        ("could you switch the other one to decaf", "change", Target(other=True)),
        ("turn the other one into a large please", "change", Target(other=True)),
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


TEA_SHOP = Lexicon.from_json(
    {
        "merchant_id": "tea-shop",
        "items": [
            {"sku": "latte", "name": "Latte", "category": "drink"},
            {"sku": "earl-grey", "name": "Earl Grey", "category": "tea"},
            {"sku": "cloud-and-mist", "name": "Cloud and Mist", "aliases": ["green tea"]}
            | {"category": "tea"},
        ],
    }
)


@pytest.mark.parametrize(
    ("text", "verb", "target"),
    [
        ("change the tea to a latte", "change", Target(kind="tea")),
        ("could you swap my teas for two lattes", "change", Target(kind="tea")),
        ("drop the tea please", "remove", Target(kind="tea")),
    ],
)
def test_a_menu_category_where_an_item_name_would_be_is_the_kind_of_line(
    text: str, verb: str, target: Target
) -> None:
    assert edit_of(OrderParser(TEA_SHOP), text) == CartEdit(verb=verb, target=target)


def test_a_category_word_saying_how_an_item_comes_is_not_a_kind() -> None:
    shop = Lexicon.from_json(
        {"merchant_id": "diner", "items": [{"sku": "fries", "name": "Fries", "category": "side"}]}
    )
    assert edit_of(OrderParser(shop), "can you make me fries on the side") == CartEdit(
        verb="change"
    )


def test_a_category_word_inside_an_item_name_is_that_item_not_a_kind() -> None:
    assert edit_of(OrderParser(TEA_SHOP), "make the green tea iced") == CartEdit(verb="change")


@pytest.mark.parametrize("text", ["and the latte large", "oh, the earl grey with oat milk"])
def test_every_item_said_with_the_and_no_count_is_definite(text: str) -> None:
    assert edit_of(OrderParser(TEA_SHOP), text) == CartEdit(target=Target(definite=True))


@pytest.mark.parametrize("text", ["a latte and the earl grey iced", "two of the lattes"])
def test_an_item_with_a_count_or_an_article_is_not_definite(text: str) -> None:
    edit = edit_of(OrderParser(TEA_SHOP), text)
    assert edit is None or not edit.target.definite


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
