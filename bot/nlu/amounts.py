"""Amounts of money said in a message: "yes, pay the 15 yuan", "go ahead, ¥29.50".

Each becomes an `amount` entity whose value is integer fen (contracts/money.py), so the
dialogue can hold it against the amount it asked about (actions/consent.py: the same
amount is a yes to it, another amount is no yes). Its words are claimed first, so they
are neither a count ("15" lattes) nor words said back as unplaced, nor a clock time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.numbers import CARDINALS, is_digits
from bot.nlu.utterance import Word
from contracts.money import AMOUNT_ENTITY, FEN_PER_YUAN

__all__ = ["AMOUNT_ENTITY", "SpokenAmount", "find_amounts"]

# Said after the number: "15 yuan", "15 kuai", "15 rmb", "15元".
_UNIT_AFTER = frozenset({"yuan", "kuai", "rmb", "renminbi", "cny", "元", "块", "块钱"})
# Said before it: "rmb 15", "¥15" (the sign is no word: it is read from the text).
_UNIT_BEFORE = frozenset({"rmb", "cny"})
_SIGN_BEFORE = re.compile(r"[¥￥]\s*$")
_DECIMAL = re.compile(r"^([0-9]{1,4})\.([0-9]{1,2})$")
_TENS = frozenset({20, 30, 40, 50})


@dataclass(frozen=True)
class SpokenAmount:
    """An amount in fen, said at words[start:end]."""

    fen: int
    start: int
    end: int


def find_amounts(text: str, words: list[Word]) -> list[SpokenAmount]:
    """Every amount said with its currency, left to right."""
    texts = [word.text for word in words]
    found: list[SpokenAmount] = []
    i = 0
    while i < len(texts):
        number = _number_at(text, words, i)
        if number is None:
            i += 1
            continue
        fen, end = number
        signed = bool(_SIGN_BEFORE.search(text[: words[i].start]))
        unit_before = i > 0 and texts[i - 1] in _UNIT_BEFORE
        if end < len(texts) and texts[end] in _UNIT_AFTER:
            found.append(SpokenAmount(fen, i - unit_before, end + 1))
        elif signed or unit_before:
            found.append(SpokenAmount(fen, i - unit_before, end))
        else:
            i = end
            continue
        i = found[-1].end
    return found


def _number_at(text: str, words: list[Word], i: int) -> tuple[int, int] | None:
    """The number of yuan starting at words[i], in fen, and where it ends: "15", "15.50"
    (one word up to 99.99, two words above: see bot/nlu/utterance.py), "fifteen",
    "twenty nine"."""
    texts = [word.text for word in words]
    word = texts[i]
    decimal = _DECIMAL.match(word)
    if decimal:
        yuan, cents = decimal.groups()
        return int(yuan) * FEN_PER_YUAN + int(cents.ljust(2, "0")), i + 1
    if is_digits(word) and len(word) <= 5:
        after = words[i + 1] if i + 1 < len(words) else None
        if (
            after is not None
            and text[words[i].end : after.start] == "."
            and is_digits(after.text)
            and len(after.text) <= 2
        ):  # "129.50"
            return int(word) * FEN_PER_YUAN + int(after.text.ljust(2, "0")), i + 2
        return int(word) * FEN_PER_YUAN, i + 1
    value = CARDINALS.get(word)
    if value is None:
        return None
    following = CARDINALS.get(texts[i + 1]) if i + 1 < len(texts) else None
    if value in _TENS and following is not None and 1 <= following <= 9:
        return (value + following) * FEN_PER_YUAN, i + 2  # "twenty nine"
    return value * FEN_PER_YUAN, i + 1
