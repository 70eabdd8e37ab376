"""Merchant names in an utterance: "order from Copper Kettle", "switch to the coffee place".

The names come from the platform's lexicon (each merchant's `names`: its display name,
then what people call it), so a new merchant is understood without retraining and nothing
under bot/ or data/ names one. A name is matched as whole words, the longest first; "the"
before a name is part of it ("the bakery" and "bakery" both name it). A name two merchants
share names neither: the dialogue then asks which one.
"""

from __future__ import annotations

from collections.abc import Iterable, Set

from bot.nlu.utterance import split_words
from contracts.lexicon import LexiconMerchant

MERCHANT_ENTITY = "merchant"
_ARTICLE = "the"


class MerchantNames:
    """Every merchant's names as word tuples, looked up in a dict."""

    def __init__(self, merchants: Iterable[LexiconMerchant]) -> None:
        named: dict[tuple[str, ...], str | None] = {}
        for merchant in merchants:
            for name in merchant.names:
                words = tuple(word.text for word in split_words(name))
                if words and words[0] == _ARTICLE:
                    words = words[1:]
                if not words:
                    continue
                if named.get(words, merchant.id) != merchant.id:
                    named[words] = None  # shared by two merchants: names neither
                else:
                    named[words] = merchant.id
        self._named = {words: mid for words, mid in named.items() if mid is not None}
        self._longest = max((len(words) for words in self._named), default=0)

    def find(self, texts: list[str], blocked: Set[int]) -> list[tuple[int, int, str]]:
        """(start, end, merchant id) of each name said, left to right, longest first."""
        found: list[tuple[int, int, str]] = []
        start = 0
        while start < len(texts):
            match = self._match_at(texts, blocked, start)
            if match is None:
                start += 1
                continue
            end, merchant_id = match
            first = start - 1 if start > 0 and texts[start - 1] == _ARTICLE else start
            found.append((first, end, merchant_id))
            start = end
        return found

    def _match_at(self, texts: list[str], blocked: Set[int], start: int) -> tuple[int, str] | None:
        for end in range(min(len(texts), start + self._longest), start, -1):
            merchant_id = self._named.get(tuple(texts[start:end]))
            if merchant_id is not None and not blocked & set(range(start, end)):
                return end, merchant_id
        return None
