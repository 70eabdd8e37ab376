"""The words for the ten digits, as customers say and recognition writes them.

``DIGIT_WORDS[n]`` is the word for ``n``. The PIN reader (``channels/pin_policy.py``) and
the NLU's spoken numbers (``bot/nlu/numbers.py``) both read digits with this one list.
"""

from __future__ import annotations

DIGIT_WORDS: tuple[str, ...] = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
)  # fmt: skip
