"""Turn an utterance into Rasa entities: order lines, store and pickup time.

Pure (no Rasa, no I/O) so that it can be tested and benchmarked on its own. Each item
heard opens an order line, numbered by entity `group` in order of appearance; the
quantity and size said next to an item join its line. A combo's drink ("a breakfast
combo WITH a large soy milk") joins the combo's line as an `item` with role `drink`.
A quantity or size said with no item at all ("make it two") has no group: the dialogue
applies it to the line under discussion.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TypedDict

from bot.nlu.lexicon import Lexicon
from bot.nlu.menu_matcher import ITEM, STORE, MenuMatch, MenuMatcher
from bot.nlu.numbers import ARTICLES, read_quantity, spoken_number
from bot.nlu.pickup_times import find_pickup_times
from bot.nlu.sizes import SIZE_PHRASES, read_size
from bot.nlu.utterance import Word, split_words

DRINK_ROLE = "drink"
# Words allowed between a count and its item: "two ORDERS OF fries", "three MORE lattes".
_COUNT_LINKS = frozenset(
    {"of", "the", "more", "x", "order", "orders", "cup", "cups", "size", "sized"}
    | {"portion", "portions", "serving", "servings", "piece", "pieces"}
)
_SIZE_WORDS = frozenset(word for phrase, _ in SIZE_PHRASES for word in phrase)
# Words allowed between a size and its item: "a large SIZE latte", "upsize THE DRINK IN
# MY combo".
_SIZE_LINKS = frozenset({"size", "sized", "cup", "of", "the", "my", "drink", "in", "on"})
# Three or more numbers in a row are a code (a PIN, a phone number), not counts.
CODE_MIN_NUMBERS = 3
# Words allowed between a combo and its drink; one of _DRINK_CUES must be among them.
_DRINK_CUES = frozenset({"with", "drink"})
_DRINK_LINKS = _DRINK_CUES | frozenset(
    {"and", "a", "an", "one", "the", "my", "as", "for", "its", "it", "please"}
    | {"size", "sized", "cup", "of"}
)
# Spoken orders are short; past this many words the rest is ignored, which keeps a
# pasted essay from costing more than a normal message.
MAX_WORDS = 200
# How many words may separate an item from a count or size said after it
# ("change the americano TO large", "make the latte THREE").
BACKWARD_WINDOW = 3


class _EntityFields(TypedDict):
    entity: str
    value: str
    start: int
    end: int


class Entity(_EntityFields, total=False):
    """A Rasa entity; offsets index the original text."""

    group: str
    role: str


@dataclass
class _Line:
    item: MenuMatch
    drink: MenuMatch | None = None
    quantity: Entity | None = None
    size: Entity | None = None

    @property
    def end(self) -> int:
        return (self.drink or self.item).end

    def fill(self, kind: str, entity: Entity) -> None:
        """Take a count or size unless one was already said for this line."""
        if kind == "quantity" and self.quantity is None:
            self.quantity = entity
        elif kind == "size" and self.size is None:
            self.size = entity


@dataclass(frozen=True)
class _Modifier:
    """A count or size at words[start:end]; `links` may stand between it and its item."""

    kind: str
    value: str
    start: int
    end: int
    needs_item: bool
    links: AbstractSet[str]


class OrderParser:
    """Parses utterances against one lexicon (or none: then only counts, sizes, times)."""

    def __init__(self, lexicon: Lexicon | None) -> None:
        self.lexicon = lexicon
        self._matcher = MenuMatcher(lexicon) if lexicon is not None else None

    def parse(self, text: str) -> list[Entity]:
        """All entities in `text`, sorted by position."""
        words = split_words(text)[:MAX_WORDS]
        texts = [word.text for word in words]
        entities: list[Entity] = []
        blocked: set[int] = set()
        for spoken in find_pickup_times(texts):
            entities.append(_entity("pickup_time", spoken.value, words, spoken.start, spoken.end))
            blocked.update(range(spoken.claimed_from, spoken.end))
        matches = self._matcher.find(texts, blocked) if self._matcher is not None else []
        for match in matches:
            blocked.update(range(match.start, match.end))
            if match.kind == STORE:
                entities.append(_entity("store", match.target, words, match.start, match.end))
        lines = self._lines([m for m in matches if m.kind == ITEM], texts)
        for modifier in _modifiers(texts, blocked):
            line = _attach(modifier, texts, lines)
            entity = _entity(modifier.kind, modifier.value, words, modifier.start, modifier.end)
            if line is not None:
                line.fill(modifier.kind, entity)
            elif not lines and not modifier.needs_item:
                entities.append(entity)
        for number, line in enumerate(lines, start=1):
            entities.extend(_line_entities(line, str(number), words))
        return sorted(entities, key=lambda e: (e["start"], e["entity"]))

    def _lines(self, items: list[MenuMatch], texts: Sequence[str]) -> list[_Line]:
        lines: list[_Line] = []
        for match in items:
            if lines and self._is_combo_drink(lines[-1], match, texts):
                lines[-1].drink = match
            else:
                lines.append(_Line(match))
        return lines

    def _is_combo_drink(self, line: _Line, match: MenuMatch, texts: Sequence[str]) -> bool:
        combo = self.lexicon.item(line.item.target) if self.lexicon is not None else None
        if combo is None or line.drink is not None or match.target not in combo.combo_drinks:
            return False
        between = set(texts[line.item.end : match.start])
        return bool(between & _DRINK_CUES) and between <= _DRINK_LINKS | _SIZE_WORDS


def _modifiers(texts: Sequence[str], blocked: AbstractSet[int]) -> Iterator[_Modifier]:
    """Counts and sizes outside items, stores and times, left to right."""
    blocked = set(blocked) | _codes(texts)
    i = 0
    while i < len(texts):
        modifier = _modifier_at(texts, i)
        if modifier is None or not blocked.isdisjoint(range(modifier.start, modifier.end)):
            i += 1
            continue
        yield modifier
        i = modifier.end


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


def _modifier_at(texts: Sequence[str], i: int) -> _Modifier | None:
    quantity = read_quantity(texts, i)
    if quantity is not None:
        # "to"/"for" as numbers only directly before the item (a size may sit between).
        soundalike = quantity.needs_item and texts[i] not in ARTICLES
        links = frozenset() if soundalike else _COUNT_LINKS
        value = str(quantity.value)
        return _Modifier("quantity", value, i, quantity.end, quantity.needs_item, links)
    size = read_size(texts, i)
    if size is not None:
        return _Modifier("size", size.value, i, size.end, size.needs_item, _SIZE_LINKS)
    return None


def _attach(modifier: _Modifier, texts: Sequence[str], lines: Sequence[_Line]) -> _Line | None:
    """The line a count or size belongs to: the item after it, else the one just before."""
    k = modifier.end
    while k < len(texts):
        for line in lines:
            if line.item.start == k:
                return line
            if line.drink is not None and line.drink.start == k:
                # A count before a combo's drink counts drinks per combo: not a line count.
                return None if modifier.kind == "quantity" else line
        size = read_size(texts, k)
        if size is not None:
            k = size.end
        elif texts[k] in modifier.links:
            k += 1
        else:
            break
    if modifier.needs_item:
        return None
    before = [line for line in lines if 0 <= modifier.start - line.end <= BACKWARD_WINDOW]
    return before[-1] if before else None


def _line_entities(line: _Line, group: str, words: Sequence[Word]) -> list[Entity]:
    item = _entity("item", line.item.target, words, line.item.start, line.item.end)
    entities = [item]
    if line.drink is not None:
        drink = _entity("item", line.drink.target, words, line.drink.start, line.drink.end)
        drink["role"] = DRINK_ROLE
        entities.append(drink)
    entities.extend(e for e in (line.quantity, line.size) if e is not None)
    for entity in entities:
        entity["group"] = group
    return entities


def _entity(kind: str, value: str, words: Sequence[Word], start: int, end: int) -> Entity:
    return Entity(entity=kind, value=value, start=words[start].start, end=words[end - 1].end)


def parse_order(text: str, lexicon: Lexicon | None) -> list[Entity]:
    """Parse one utterance; build an OrderParser instead when parsing many."""
    return OrderParser(lexicon).parse(text)
