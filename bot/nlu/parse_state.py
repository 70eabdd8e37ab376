"""What the order parser knows about one utterance while it parses it.

The steps (bot/nlu/menu_words.py, line_carving.py, option_placement.py, unplaced.py)
read and extend one :class:`ParseState`: the words, which of them something has
claimed, the order lines opened so far and the entities found outside lines.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.nlu.clauses import clause_breaks
from bot.nlu.menu_matcher import MenuMatcher
from bot.nlu.options import OptionVocabulary
from bot.nlu.order_lines import Entity, OrderLine
from bot.nlu.utterance import split_words
from contracts.lexicon import LexiconItem

# Spoken orders are short; past this many words the rest is ignored, which keeps a
# pasted essay from costing more than a normal message.
MAX_WORDS = 200


class ParseState:
    """One utterance being parsed against one menu (or none)."""

    def __init__(
        self,
        text: str,
        matcher: MenuMatcher | None,
        options: OptionVocabulary,
        items: Mapping[str, LexiconItem],
    ) -> None:
        self.matcher = matcher
        self.options = options
        self._items = items
        self.words = split_words(text)[:MAX_WORDS]
        self.texts = [word.text for word in self.words]
        self.breaks = clause_breaks(text, self.words)
        self.text = text
        # Entities outside order lines (times, stores, loose counts and options, unplaced).
        self.out: list[Entity] = []
        # Word positions claimed by a time, an item, a store or an option.
        self.blocked: set[int] = set()
        self.lines: list[OrderLine] = []
        # Where the option said at each start position ends.
        self.option_ends: dict[int, int] = {}
        # Words of common options this menu does not sell: unknown words to `unplaced`.
        self.unknown: set[int] = set()

    @property
    def kinds(self) -> frozenset[str]:
        """The menu's categories ("tea"), the kinds of item a customer may point at."""
        return frozenset(item.category for item in self._items.values() if item.category)

    def item(self, sku: str) -> LexiconItem | None:
        return self._items.get(sku)

    def entity(self, kind: str, value: str, start: int, end: int) -> Entity:
        """An entity over words[start:end], its offsets in the original text."""
        words = self.words
        return Entity(entity=kind, value=value, start=words[start].start, end=words[end - 1].end)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The offsets of words[start:end] in the original text."""
        return self.words[start].start, self.words[end - 1].end

    def said(self, start: int, end: int) -> str:
        """The original text of words[start:end]."""
        return self.text[self.words[start].start : self.words[end - 1].end]
