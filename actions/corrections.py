"""Words that say how a message corrects the order: a restart, a pointer, "one more".

The NLU finds items, counts and options; these cues, read from the text around them,
tell the dialogue which of them still count and what they refer to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# "change it to a latte", "make that a cappuccino", "a congee instead": words pointing
# at the line under discussion ("that's it" points at nothing).
REFERS_BACK = re.compile(
    r"(?<!that's )(?<!that’s )\b(?:it|that|this|them|those|instead)\b(?!'s|’s)", re.I
)

# "a latte, no wait, an americano": what was said before the cue is taken back.
SELF_CORRECTION = re.compile(
    r"\b(?:no,? wait|wait,? no|sorry|i mean|actually|scratch that|or rather|make that)\b"
    r"|\bno[,.!]",
    re.I,
)

# "and one more", "two more", "another one": a count added to the line, not set.
ADDS_TO_LINE = re.compile(r"\bmore\b|\banother one\b", re.I)

# "no wait, only one of those", "nah, just one", "hmm no, just one", "no, a small one" at
# "anything else?": a correction, not a no. A hesitation before it ("hmm", "oh", "sorry")
# does not make it one.
OPENS_CORRECTION = re.compile(
    r"^\W*(?:(?:hmm*|um+|uhm*|erm?|ah+|oh|oops|sorry|ok(?:ay)?|on second thoughts?)\W+)*"
    r"(?:no,? wait|wait,? no|wait|hold on|hang on|oh,? wait|(?:no,? )?actually|sorry,? I meant"
    r"|no,? hang on|no,? hold on"
    # "oh sorry, only one", "on second thought just two"
    r"|(?:just|only)\s+(?:\w+\s+)?(?:one|two|three|four|five|six|\d+)\b"
    # "oops, two not three"
    r"|(?:one|two|three|four|five|six|\d+)\s+not\s+(?:one|two|three|four|five|six|\d+)\b"
    r"|(?:no|nah|nope)\W+(?:sorry\W+)?(?:just|only|(?:an?|the)\s+(?:[\w-]+\s+){1,3}ones?))\b",
    re.I,
)

# "can you make me two more lattes": "make" that orders, not an edit of a line.
ORDERS_MADE = re.compile(r"\bmake (?:me|us)\b|\bmore\b|\banother\b", re.I)

# "no wait, add a hash brown": a correction that adds an item, never an edit of a line.
ADDS_ITEMS = re.compile(r"\b(?:add|also|plus|as well|too(?! (?:many|much))|another|extra)\b", re.I)

# "two lattes and a hash brown, that's all": the order is complete, read it back.
CLOSES_ORDER = re.compile(
    r"\b(?:that'?s|that is|that will be|that'll be) (?:all|it|everything)\b"
    r"|\bnothing else\b|\bthat'?s all for now\b",
    re.I,
)

# "I said a chicken burger and a cola", "it was a small mocha and a vanilla steamer", after
# "that's not what I said": the order as it should have been heard.
RESTATES = re.compile(
    r"\bi (?:said|wanted|asked for|ordered|meant)\b"
    r"|\b(?:it|that|this) (?:was|were|should(?: have)? been|should be)\b",
    re.I,
)

# "forget all that, start again with just a congee", "let's start from scratch: two lattes":
# the cart is emptied, and what is named after the cue is the new order.
STARTS_OVER = re.compile(
    r"\b(?:start(?:ing)? (?:over|again|afresh)|(?:start )?from scratch|begin again|restart"
    r"|(?:clear|empty|reset) (?:the|my) (?:cart|order)"
    # "scrap all that", "forget everything", not "scrap all the lattes" (those lines only)
    r"|(?:scrap|scratch|forget|cancel|ditch)"
    r" (?:everything|it all|all (?:of )?(?:that|this|it)|all(?!\s+\w)"
    r"|(?:the|my) (?:whole|entire) (?:order|cart|thing)))\b",
    re.I,
)

ORDER_WORDS = frozenset({"item", "quantity", "option", "unavailable_option", "unplaced"})


def after_self_correction(
    text: str, entities: Sequence[Mapping[str, Any]]
) -> tuple[list[Mapping[str, Any]], bool]:
    """The entities still meant after the last restart in `text`, and whether one was made.

    A restart needs an item before its cue and another after it; the order words before
    it are dropped, a store or a time said there stays.
    """
    items = [e for e in entities if e.get("entity") == "item" and "start" in e]
    for cue in reversed(list(SELF_CORRECTION.finditer(text))):
        before = any(int(e["end"]) <= cue.start() for e in items)
        after = any(int(e["start"]) >= cue.end() for e in items)
        if before and after:
            kept = [
                e
                for e in entities
                if e.get("entity") not in ORDER_WORDS
                or "start" not in e
                or int(e["start"]) >= cue.end()
            ]
            return kept, True
    return list(entities), False


def refers_back(text: str) -> bool:
    return bool(REFERS_BACK.search(text))


def adds_to_line(text: str) -> bool:
    return bool(ADDS_TO_LINE.search(text))


def orders_made(text: str) -> bool:
    return bool(ORDERS_MADE.search(text))


def adds_items(text: str) -> bool:
    return bool(ADDS_ITEMS.search(text))


def opens_correction(text: str) -> bool:
    return bool(OPENS_CORRECTION.search(text))


def restates(text: str) -> bool:
    return bool(RESTATES.search(text))


# "that's way too many youtiao, just three": what was heard is more than meant.
TOO_MANY = re.compile(r"\btoo (?:many|much)\b", re.I)


def corrects(text: str) -> bool:
    """Whether `text` is said as a correction: it opens as one ("hmm actually just one", "no
    wait, a large one") or restates what was asked ("no no, I said iced"). With a count or
    an option in it, it changes the line under discussion, whatever DIET heard (a no, or
    "that's it": a hesitation before the words often tips it there)."""
    return opens_correction(text) or restates(text) or bool(TOO_MANY.search(text))


def closes_order(text: str) -> bool:
    return bool(CLOSES_ORDER.search(text))


def after_start_over(
    text: str, entities: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]] | None:
    """The entities said after a start-over cue ("start again with just a congee"), or
    None when the text says no start-over."""
    cues = list(STARTS_OVER.finditer(text))
    if not cues:
        return None
    return [e for e in entities if "start" in e and int(e["start"]) >= cues[-1].end()]
