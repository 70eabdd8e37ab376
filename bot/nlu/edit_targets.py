"""The verb of an edit and the words that point at cart lines (contract C2 `edit`).

"delete both lattes", "make them both iced", "switch one of them to oat", "remove the
last one", "scrap the second thing", "make the drink large", "no wait, only one of
those", "that's not what I said". Items, counts and options are found by the other
steps; this one reads only what they cannot: which lines an edit is about
(contracts/cart_edits.Target) and what is done to them. Words are matched in their
normalised form (bot/nlu/utterance.py: lower case, apostrophes dropped).
"""

from __future__ import annotations

import re

from bot.nlu.numbers import spoken_number
from contracts.cart_edits import CHANGE, COMPLAIN, REMOVE, CartEdit, Target, Verb

_COMPLAINT = re.compile(
    r"\b(?:thats|that is|this is) (?:not right|wrong)\b"
    r"|\bnot what i (?:said|asked for|asked|wanted|ordered|meant)\b"
    r"|\bi (?:didnt|did not|never) (?:say|ask for|order|want) (?:that|this|those)\b"
    r"|\byou got (?:it|that|my order) wrong\b"
)
_REMOVE = re.compile(
    r"\b(?:remove|delete|drop|scrap|scratch|ditch|cancel|take (?:off|out|away)|get rid of|"
    r"dont want|do not want|no longer want|forget)\b"
    # "take one of them off", "take the last one out": the words between name the lines.
    r"|\btake (?:\w+ ){1,4}?(?:off|out)\b"
)
_CHANGE = re.compile(r"\b(?:make|change|switch|swap|turn|upsize|upgrade)\b")
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "last": -1,
    "final": -1,
}
_POSITION = re.compile(r"\bthe (" + "|".join(_ORDINALS) + r")\b")
_EVERY = re.compile(
    r"\bboth\b|\ball (?:of )?(?:them|those|these|the|my)\b|\beach of (?:them|those)\b"
    r"|\b(?:every|each) one\b|\ball (?:two|three|four|five)\b(?! of)"
)
# "every one of them" and "each one of those" are every line, not one of them.
_COUNT_OF = re.compile(r"(?<!\bevery )(?<!\beach )\b(\w+) of (?:them|those|these|that|the|my)\b")
# "that's all" and "that's it" point at nothing; "it" in "is it" asks a question.
_POINTER = re.compile(r"\b(?:it|that|this|them|those|these)\b(?! (?:all|it|is all|will be))")
_PART = re.compile(r"\b(?:the|my|its) drinks?\b|\bin (?:the|my) combos?\b|\bcombos? drink\b")


def read_edit(words: list[str]) -> CartEdit | None:
    """The edit said by these (normalised) words, or None when they say none."""
    text = re.sub(r"\b(\d) (st|nd|rd|th)\b", r"\1\2", " ".join(words))  # "2nd" splits in two
    if _COMPLAINT.search(text):
        return CartEdit(verb=COMPLAIN)
    verb: Verb | None = REMOVE if _REMOVE.search(text) else CHANGE if _CHANGE.search(text) else None
    position = _POSITION.search(text)
    count = next(
        (n for m in _COUNT_OF.finditer(text) if (n := spoken_number(m.group(1))) is not None),
        None,
    )
    target = Target(
        position=_ORDINALS[position.group(1)] if position else None,
        pointer=bool(_POINTER.search(text.replace("thats", "that is"))),
        count=count,
        every=bool(_EVERY.search(text)),
        part="drink" if _PART.search(text) else None,
    )
    if verb is None and target == Target():
        return None
    return CartEdit(verb=verb, target=target)
