"""Split a typed or transcribed utterance into words that keep their place in the text.

Every entity must point at characters of the ORIGINAL text (Rasa shows them, and the
dialogue may echo them), so words are normalised for matching but never re-joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Order matters: clock times and "3x" must win over the plain digit and word rules.
_WORD = re.compile(
    r"[0-9]{1,2}[:.][0-9]{2}(?![0-9])"  # 8:30, 8.30
    r"|(?<![^\W\d_])[ap]\.\s?m\b\.?"  # a.m., p.m. (also right after digits)
    r"|[0-9]+x(?![^\W\d_])"  # 3x
    r"|\bx[0-9]+"  # x3
    r"|[0-9]+"
    r"|[^\W\d_]+(?:['’][^\W\d_]+)*"  # words, with inner apostrophes (jing'an, i'd)
    r"|[&%]",
    re.IGNORECASE,
)

# Hesitations Whisper writes out; they carry no meaning and would split phrases.
FILLER_WORDS = frozenset({"um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "hmm", "mm"})


@dataclass(frozen=True)
class Word:
    """One word of an utterance: its normalised form and where it sits in the text."""

    text: str
    start: int
    end: int


def split_words(text: str) -> list[Word]:
    """Return the utterance's words, lower-cased, apostrophes and fillers dropped.

    "&" becomes "and" (menus write "Egg & Sausage Muffin", customers say "and"), "%"
    becomes "percent" ("2% milk" reads like "two percent milk"), and
    "a.m." becomes "am" so that times read the same however they were written.
    """
    words: list[Word] = []
    for match in _WORD.finditer(text):
        raw = match.group(0).lower()
        if raw == "&":
            normalised = "and"
        elif raw == "%":
            normalised = "percent"
        elif raw[0] in "ap" and "." in raw:
            normalised = raw[0] + "m"
        else:
            normalised = raw.replace("'", "").replace("’", "")
        if normalised in FILLER_WORDS:
            continue
        words.append(Word(normalised, match.start(), match.end()))
    return words
