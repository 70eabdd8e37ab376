"""Spoken sizes, reduced to the two the dialogue works with: "regular" and "large".

Menus name their sizes differently (Soy Milk is regular/large, Latte medium/large); the
dialogue maps "regular" to an item's first size, so the parser need not know them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

REGULAR = "regular"
LARGE = "large"

SIZE_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("extra", "large"), LARGE),
    (("small",), REGULAR),
    (("medium",), REGULAR),
    (("regular",), REGULAR),
    (("normal",), REGULAR),
    (("standard",), REGULAR),
    (("large",), LARGE),
    (("big",), LARGE),
    (("bigger",), LARGE),
    (("grande",), LARGE),
    (("larger",), LARGE),
    (("upsized",), LARGE),
    (("upsize",), LARGE),
    (("up", "size"), LARGE),
    (("up", "sized"), LARGE),
    (("size", "up"), LARGE),  # "size up the cold brew"
    (("sized", "up"), LARGE),
)

# How Whisper sometimes writes "large"; trusted only right before an item.
HEARD_AS_LARGE: dict[str, str] = {
    "lodge": LARGE,
    "larch": LARGE,
    "larg": LARGE,
    "lage": LARGE,
    "grand": LARGE,  # "a grand americano": Whisper's "grande"
}


@dataclass(frozen=True)
class SpokenSize:
    """A size found at words[start:end]."""

    value: str
    start: int
    end: int
    needs_item: bool


def read_size(words: Sequence[str], i: int) -> SpokenSize | None:
    """Read a size starting at words[i], or None if none starts there."""
    for phrase, value in SIZE_PHRASES:
        if tuple(words[i : i + len(phrase)]) == phrase:
            return SpokenSize(value, i, i + len(phrase), needs_item=False)
    if words[i] in HEARD_AS_LARGE:
        return SpokenSize(HEARD_AS_LARGE[words[i]], i, i + 1, needs_item=True)
    return None
