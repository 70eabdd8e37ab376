"""Spoken numbers and quantities: "two", "a couple of", "3x", and Whisper's mishearings.

A customer says "two lattes", Whisper may write "to lattes" or "too lattes"; "four" comes
back as "for". Those readings are only safe right before an item, or as the last word of
a correction ("make it for"), so such a quantity carries `needs_item` and the order
parser keeps it only when an item follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from contracts.digits import DIGIT_WORDS

CARDINALS: dict[str, int] = {
    **{word: digit for digit, word in enumerate(DIGIT_WORDS)},
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}

# Counted phrases: (words, value). Longest first so "a couple of" beats "a".
COUNT_PHRASES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("half", "a", "dozen"), 6),
    (("a", "couple", "of"), 2),
    (("a", "pair", "of"), 2),
    (("couple", "of"), 2),
    (("a", "couple"), 2),
    (("a", "dozen"), 12),
    (("dozen",), 12),
)

# Words that mean one only as an article in front of an item ("a latte").
ARTICLES: dict[str, int] = {"a": 1, "an": 1, "another": 1}

# Whisper's usual mishearings of small numbers; a count only right before an item.
SOUNDALIKES: dict[str, int] = {
    "to": 2,
    "too": 2,
    "for": 4,
    "fore": 4,
    "won": 1,
    "tree": 3,
    "free": 3,  # "free egg muffins": Whisper's "three" for many voices
}

# After these, "to"/"for" link a swap to what replaces the thing ("change it to americano",
# "switch to oat milk", "swap that for a latte"), not "two"/"four".
SWAPPED_AFTER = frozenset(
    {"it", "that", "this", "them", "those", "one", "ones"}
    | {"change", "changed", "switch", "switched", "swap", "swapped", "go", "upgrade"}
    | {"drink", "drinks", "coffee", "size"}
)

# Words after which "one" is a pronoun ("the large one"), not a count.
_PRONOUN_ONE_AFTER = frozenset(
    {"the", "this", "which", "other", "each", "every", "any", "no", "some", "big"}
    | {"small", "medium", "regular", "large", "normal", "standard"}
)
# After "that", "one" is still a count when nothing else follows ("make that one").
_CLOSING_WORDS = frozenset({"please", "instead", "thanks", "thank", "you", "then", "only"})
# "just the one": what makes "the one" a count.
_ONLY = frozenset({"just", "only"})
# "make IT four": what a count can replace at the end of a correction.
_CHANGED = frozenset({"it", "that", "them", "those", "this"})

# Breakfast orders never need more digits than this; longer numbers are times Whisper
# wrote without a colon ("at 745"), codes or years.
MAX_QUANTITY_DIGITS = 2
# Spoken counts are one to twenty; larger numbers are said as digits or not at all.
MAX_SPOKEN_QUANTITY = 20


@dataclass(frozen=True)
class SpokenQuantity:
    """A count found at words[start:end]."""

    value: int
    start: int
    end: int
    needs_item: bool


def is_digits(word: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²", which int() rejects."""
    return word.isascii() and word.isdigit()


def spoken_number(word: str) -> int | None:
    """The value of one number word or digit string ("eight", "45"), else None."""
    if is_digits(word):
        return int(word)
    return CARDINALS.get(word)


def read_quantity(words: Sequence[str], i: int) -> SpokenQuantity | None:
    """Read a count starting at words[i], or None if none starts there."""
    for phrase, value in COUNT_PHRASES:
        if tuple(words[i : i + len(phrase)]) == phrase:
            return SpokenQuantity(value, i, i + len(phrase), needs_item=False)
    word = words[i]
    if word in ARTICLES:
        return SpokenQuantity(ARTICLES[word], i, i + 1, needs_item=True)
    if word in SOUNDALIKES:
        alone = _ends_a_change(words, i)
        if not alone and i > 0 and words[i - 1] in SWAPPED_AFTER:
            return None  # "change it to americano", "swap that for a latte"
        return SpokenQuantity(SOUNDALIKES[word], i, i + 1, needs_item=not alone)
    multiplied = _multiplier(word)
    if multiplied is not None:
        return SpokenQuantity(multiplied, i, i + 1, needs_item=False)
    if is_digits(word):
        if len(word) > MAX_QUANTITY_DIGITS or int(word) == 0:
            return None
        return SpokenQuantity(int(word), i, i + 1, needs_item=False)
    cardinal = CARDINALS.get(word)
    if cardinal is None or not 1 <= cardinal <= MAX_SPOKEN_QUANTITY:
        return None
    if word == "one" and _is_pronoun_one(words, i):
        return None
    return SpokenQuantity(cardinal, i, i + 1, needs_item=False)


def _multiplier(word: str) -> int | None:
    """ "3x" or "x3", as written in chat orders."""
    digits = word[:-1] if word.endswith("x") else word[1:] if word.startswith("x") else ""
    if is_digits(digits) and 0 < len(digits) <= MAX_QUANTITY_DIGITS and int(digits) > 0:
        return int(digits)
    return None


def _just_the_one(words: Sequence[str], i: int) -> bool:
    """ "no sorry, just THE ONE", "only the one please": said last, a count of one, like
    "just one" (not "the one with oat milk", which points at a line)."""
    said_last = all(word in _CLOSING_WORDS for word in words[i + 1 :])
    return said_last and i >= 2 and words[i - 1] == "the" and words[i - 2] in _ONLY


def _ends_a_change(words: Sequence[str], i: int) -> bool:
    """ "make it for", "make that too": a mishearing said last, after "make it"."""
    said_last = all(word in _CLOSING_WORDS for word in words[i + 1 :])
    return said_last and i >= 2 and words[i - 2] == "make" and words[i - 1] in _CHANGED


def _is_pronoun_one(words: Sequence[str], i: int) -> bool:
    previous = words[i - 1] if i > 0 else ""
    if _just_the_one(words, i):
        return False
    if previous in _PRONOUN_ONE_AFTER:
        return True
    if previous == "that" and i + 1 < len(words):
        return words[i + 1] not in _CLOSING_WORDS
    return False
