"""Order lines and counts as the order parser builds them, before they become entities.

A line is an item heard (or a variant of one: "one decaf and ONE REGULAR") with its
count and options, each remembered with the words that said it so that the entities
can point at the text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TypedDict

from bot.nlu.menu_matcher import MenuMatch
from bot.nlu.numbers import ARTICLES, read_quantity, spoken_number

# Words allowed between a count and its item: "two ORDERS OF fries", "three MORE lattes".
COUNT_LINKS = frozenset(
    {"of", "the", "more", "x", "order", "orders", "cup", "cups", "size", "sized"}
    | {"portion", "portions", "serving", "servings", "piece", "pieces"}
)
# A number before these measures, it does not count: "2% milk", "a 12 oz latte".
NOT_COUNTS_BEFORE = frozenset({"percent", "oz", "ounce", "ounces", "ml", "degrees"})
# Three or more numbers in a row are a code (a PIN, a phone number), not counts.
CODE_MIN_NUMBERS = 3


class _EntityFields(TypedDict):
    entity: str
    value: str
    start: int
    end: int


class Entity(_EntityFields, total=False):
    """A Rasa entity; offsets index the original text."""

    group: str
    check: bool
    strong: bool


@dataclass(frozen=True)
class Count:
    """A count at words[start:end]; `links` may stand between it and its item."""

    value: int
    start: int
    end: int
    needs_item: bool
    links: AbstractSet[str]


@dataclass
class OrderLine:
    """One order line; `start`/`end` are the words that name its item (or its cue)."""

    sku: str
    start: int
    end: int
    check: bool = False
    unique: bool = True  # no other item sounds like what was heard (bot/nlu/menu_matcher)
    quantity: int | None = None
    quantity_span: tuple[int, int] | None = None
    counted_by_article: bool = False  # "A latte": one, but not said as a count
    options: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    # A combo's drinks as said: (drink sku, start, end). "two with soy milk" gives one to
    # a variant of the combo (bot/nlu/line_carving.py).
    drinks: list[tuple[str, int, int]] = field(default_factory=list)
    variant_of: OrderLine | None = None
    # Words said for this item that it cannot have ("with hazelnut" where it has no syrup).
    unavailable: list[tuple[int, int]] = field(default_factory=list)

    def set_option(self, group: str, choice: str, start: int, end: int) -> None:
        self.options.setdefault(group, (choice, start, end))


def carve_variants(lines: list[OrderLine]) -> None:
    """ "two mochas, one with oat milk and one with almond": the variants are carved
    out of the line they vary; what is left keeps the line's own options."""
    for base in [ln for ln in lines if ln.variant_of is None]:
        variants = [ln for ln in lines if ln.variant_of is base]
        carved = sum(v.quantity or 1 for v in variants)
        # "a macchiato, one decaf and the other regular": two variants of a line
        # whose count was not said are the whole line.
        unsaid = base.quantity is None or base.counted_by_article
        if unsaid and len(variants) > 1 and not base.options:
            base.quantity = carved
        if not variants or (base.quantity or 1) < max(carved, 2):
            continue
        for variant in variants:
            for group, said in base.options.items():
                variant.options.setdefault(group, said)
        left = (base.quantity or 1) - carved
        if left == 0:
            lines.remove(base)
            variants[0].sku, variants[0].check = base.sku, base.check
            variants[0].unavailable[:0] = base.unavailable
        else:
            base.quantity = left


def without_unsure_repeats(items: list[MenuMatch]) -> list[MenuMatch]:
    """ "Can I get a lot? A large latte": an unsure match said again, surely or not, right
    after it is one item said twice, not two. So is one named twice in a row ("English
    breakfast black tea": both name the English Breakfast)."""
    kept: list[MenuMatch] = []
    for match in items:
        previous = kept[-1] if kept else None
        if previous is not None and previous.target == match.target:
            if previous.end == match.start:
                continue
            if not previous.confident:
                kept.pop()
        kept.append(match)
    return kept


def find_counts(texts: Sequence[str], blocked: AbstractSet[int]) -> Iterator[Count]:
    """Counts outside items, options, stores and times, left to right."""
    blocked = set(blocked) | _codes(texts)
    i = 0
    while i < len(texts):
        quantity = read_quantity(texts, i)
        if (
            quantity is None
            or not blocked.isdisjoint(range(quantity.start, quantity.end))
            or (quantity.end < len(texts) and texts[quantity.end] in NOT_COUNTS_BEFORE)
        ):
            i += 1
            continue
        # "to"/"for" as numbers only directly before the item (an option may sit between),
        # and never right after one: "change the americano to latte" swaps.
        soundalike = quantity.needs_item and texts[i] not in ARTICLES
        if soundalike and i - 1 in blocked:
            i += 1
            continue
        links = frozenset() if soundalike else COUNT_LINKS
        yield Count(quantity.value, i, quantity.end, quantity.needs_item, links)
        i = quantity.end


def _codes(texts: Sequence[str]) -> set[int]:
    """Positions of words inside runs of CODE_MIN_NUMBERS or more numbers."""
    codes: set[int] = set()
    run: list[int] = []
    for i, text in enumerate([*texts, ""]):
        if spoken_number(text) is not None:
            run.append(i)
            continue
        if len(run) >= CODE_MIN_NUMBERS:
            codes.update(run)
        run = []
    return codes
