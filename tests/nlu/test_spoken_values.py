"""Edge cases of the small readers: pickup times, counts and sizes."""

from __future__ import annotations

import pytest

from bot.nlu.numbers import read_quantity
from bot.nlu.pickup_times import find_pickup_times
from bot.nlu.sizes import read_size
from bot.nlu.utterance import split_words


def times(text: str) -> list[str]:
    return [t.value for t in find_pickup_times([w.text for w in split_words(text)])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at 12", ["12:00"]),
        ("at 12 am", ["00:00"]),
        ("at 12:30 pm", ["12:30"]),
        ("at 5", ["17:00"]),
        ("at 6", ["06:00"]),
        ("at 17:15", ["17:15"]),
        ("8:30am", ["08:30"]),
        ("at 8:30 a.m.", ["08:30"]),
        ("7 p.m.", ["19:00"]),
        ("at 8 30", ["08:30"]),
        ("eight oh five", ["08:05"]),
        ("ten to nine", ["08:50"]),
        ("twenty past seven", ["07:20"]),
        ("a quarter past 8", ["08:15"]),
        ("at around nine", ["09:00"]),
        ("by 9 o'clock", ["09:00"]),
        ("nine in the morning", ["09:00"]),
        ("three in the afternoon", ["15:00"]),
        ("in an hour and a half", ["+90"]),
        ("in a quarter of an hour", ["+15"]),
        ("in 2 hours", ["+120"]),
        ("in ten minutes time", ["+10"]),
        ("asap", ["asap"]),
        ("A.S.A.P.", ["asap"]),
        ("straight away", ["asap"]),
    ],
)
def test_pickup_times(text: str, expected: list[str]) -> None:
    assert times(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "at 25",  # no such hour
        "13:75",  # no such minute
        "at 13 pm",
        "in 0 minutes",
        "for four",  # "four" misheard, not a time
        "what about two lattes",
        "two lattes",
        "change two to three",
        "now I want a latte",
        "that's all for now",
        "in a while",
        "at the store",
    ],
)
def test_not_pickup_times(text: str) -> None:
    assert times(text) == []


@pytest.mark.parametrize(
    ("text", "value", "needs_item"),
    [
        ("a couple of", 2, False),
        ("couple of", 2, False),
        ("half a dozen", 6, False),
        ("a dozen", 12, False),
        ("an", 1, True),
        ("another", 1, True),
        ("to", 2, True),
        ("too", 2, True),
        ("for", 4, True),
        ("won", 1, True),
        ("tree", 3, True),
        ("x2", 2, False),
        ("12x", 12, False),
        ("seven", 7, False),
        ("20", 20, False),
    ],
)
def test_quantities(text: str, value: int, needs_item: bool) -> None:
    quantity = read_quantity(text.split(), 0)
    assert quantity is not None
    assert (quantity.value, quantity.end, quantity.needs_item) == (
        value,
        len(text.split()),
        needs_item,
    )


@pytest.mark.parametrize("text", ["0", "0x", "1234", "twenty one", "zero", "thirty", "none"])
def test_not_quantities(text: str) -> None:
    quantity = read_quantity(text.split(), 0)
    assert quantity is None or quantity.end < len(text.split())


@pytest.mark.parametrize(
    ("words", "index"), [("the large one", 2), ("which one", 1), ("that one large", 1)]
)
def test_one_as_a_pronoun_is_no_count(words: str, index: int) -> None:
    assert read_quantity(words.split(), index) is None


@pytest.mark.parametrize(
    ("text", "value", "needs_item"),
    [
        ("small", "regular", False),
        ("medium", "regular", False),
        ("normal", "regular", False),
        ("standard", "regular", False),
        ("big", "large", False),
        ("grande", "large", False),
        ("upsized", "large", False),
        ("up size", "large", False),
        ("extra large", "large", False),
        ("lodge", "large", True),
        ("larch", "large", True),
    ],
)
def test_sizes(text: str, value: str, needs_item: bool) -> None:
    size = read_size(text.split(), 0)
    assert size is not None
    assert (size.value, size.end, size.needs_item) == (value, len(text.split()), needs_item)


def test_words_keep_their_offsets_and_drop_fillers() -> None:
    text = "Um, I'd like uh TWO Egg & Sausage—muffins @ 8.30"
    words = split_words(text)
    assert [w.text for w in words] == [
        "id",
        "like",
        "two",
        "egg",
        "and",
        "sausage",
        "muffins",
        "8.30",
    ]
    assert [text[w.start : w.end] for w in words][2:5] == ["TWO", "Egg", "&"]
