"""The verb of an edit and the words that point at cart lines (contract C2 `edit`).

"delete both lattes", "make them both iced", "switch one of them to oat", "remove the
last one", "scrap the second thing", "make the drink large", "change the tea to a wild
strawberry", "no wait, only one of those", "that's not what I said". Items, counts and
options are found by the other steps; this one reads only what they cannot: which lines
an edit is about (contracts/cart_edits.Target) and what is done to them. Words are
matched in their normalised form (bot/nlu/utterance.py: lower case, apostrophes dropped).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Set as AbstractSet

from bot.nlu.numbers import spoken_number
from bot.nlu.options import OptionMention
from contracts.cart_edits import CHANGE, COMPLAIN, REMOVE, CartEdit, Target, Verb

# "that's not what I said": the customer says what was heard is wrong, in any of the ways
# people say it ("not what I told you", "I never ordered that", "you misheard me"). Such a
# message changes nothing and never moves toward payment, so missing one reads it as a no.
_COMPLAINT = re.compile(
    r"\b(?:thats|that is|this is|its|it is) (?:all )?(?:not right|wrong|incorrect|not correct"
    r"|not my order)\b"
    r"|\b(?:that|this|it) (?:isnt|is not) (?:right|correct|my order)\b"
    r"|\b(?:not|isnt|wasnt|arent) what i (?:\w+ )?(?:said|told you|asked for|asked|wanted|want"
    r"|ordered|meant)\b"
    # "I didn't order THREE OF those": a count between is still what was not said
    r"|\bi (?:didnt|did not|never) (?:say|said|ask for|asked for|order|ordered|want|wanted"
    r"|tell you) (?:\w+ of )?(?:that|this|those|them|any of (?:that|this|those))\b"
    r"|\byou (?:got|heard|understood) (?:it|that|me|my order|the order) wrong\b"
    r"|\byou (?:misheard|misunderstood)\b"
)
_REMOVE = re.compile(
    r"\b(?:remove|delete|drop|scrap|scratch|ditch|cancel|take (?:off|out|away)|get rid of|"
    r"(?:dont|do not|no longer) (?:want|need)|forget|lose|nix|toss|leave out|cut)\b"
    # "take one of them off", "take the last one out": the words between name the lines.
    r"|\btake (?:\w+ ){1,4}?(?:off|out)\b"
)
# "the second one SHOULD BE an americano": what a line should be is a change of it.
_CHANGE = re.compile(
    r"\b(?:make|change|switch|swap|turn|upsize|upgrade|sized? up)\b|\bshould (?:be|have been)\b"
)
# "I'll take two of those", "give me three of them", "another one of those": the customer
# wants more of what is pointed at, never less. Not when negated ("I didn't order two of
# those"), nor a question about what is sold ("do you have ...").
_ORDER = re.compile(
    r"\b(?:take|have|get|give|gimme|want|need|like|order|add|grab|bring|more|another)\b"
)
_NOT_AN_ORDER = re.compile(
    r"\b(?:not|never|dont|didnt|doesnt|wont|wouldnt|cant|cannot|no longer)\b"
    r"|\b(?:do|does) (?:you|they|u) (?:\w+ )?have\b"
)
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
# "make THE OTHER ONE iced", "the other latte": the line of a pair not singled out.
_OTHER = re.compile(r"\bthe other\b(?! (?:way|day|thing i))")
_POSITION = re.compile(r"\bthe (" + "|".join(_ORDINALS) + r")\b")
# Words after "the last"/"the first" that name lines, not items: "the last ONE", "the first
# TWO". "One"/"ones" is a line; a number is how many lines.
_LINE_WORDS = frozenset({"one", "ones", "thing", "things", "item", "items"})
_SOME_LINES = frozenset({"two", "three", "four", "five"})
_EVERY = re.compile(
    r"\bboth\b|\ball (?:of )?(?:them|those|these|the|my)\b|\beach of (?:them|those)\b"
    r"|\b(?:every|each) one\b|\ball (?:two|three|four|five)\b(?! of)"
    # "two OF EACH": that count of every line
    r"|\bof each\b(?! of)"
)
# "every one of them" and "each one of those" are every line, not one of them; "another
# one of those" is one more of the line, not which one of it.
_COUNT_OF = re.compile(
    r"(?<!\bevery )(?<!\beach )(?<!\banother )\b(\w+) of (?:them|those|these|that|the|my)\b"
)
# "two combos" ... "ONE WITH soy milk": a count and "with" opening the message, with no
# item between, is that many of the line under discussion, like "one of them with".
_SOME_WITH = re.compile(
    r"^(?:(?:and|but|so|ok|okay|oh|um|uh|hmm|actually|maybe|just|please|make|can)\s+)*"
    r"(\w+) (?:of (?:them|those|these) )?(?:with|in|as)\b"
)
# "that's all" and "that's it" point at nothing; "it" in "is it" asks a question.
_POINTER = re.compile(r"\b(?:it|that|this|them|those|these)\b(?! (?:all|it|is all|will be))")
_PART = re.compile(r"\b(?:the|my|its) drinks?\b|\bin (?:the|my) combos?\b|\bcombos? drink\b")
# "the coffee IN IT": what is inside the line pointed at.
_INSIDE = frozenset({"it", "that", "this"})
# Before a kind of item: "change THE tea", "swap MY tea".
_KIND_LEADS = frozenset({"the", "my"})
# ... and the quantifiers that take every line of it: "make BOTH teas iced", "ALL teas".
_KIND_QUANTIFIERS = frozenset({"both", "all", "each", "every"})
# ... but not after these: "fries ON the side" says how, not which line.
_NOT_KIND_AFTER = frozenset({"on", "in", "at"})


def read_edit(
    words: list[str],
    kinds: AbstractSet[str] = frozenset(),
    claimed: AbstractSet[int] = frozenset(),
    definite: bool = False,
    option: str | None = None,
) -> CartEdit | None:
    """The edit said by these (normalised) words, or None when they say none. `kinds`
    are the menu's categories ("tea"), said where an item name would be unless an item
    or option `claimed` the word; `definite`: the items named are said with "the" (which
    counts only when nothing else points at lines)."""
    text = re.sub(r"\b(\d) (st|nd|rd|th)\b", r"\1\2", " ".join(words))  # "2nd" splits in two
    if _COMPLAINT.search(text):
        return CartEdit(verb=COMPLAIN)
    verb: Verb | None = REMOVE if _REMOVE.search(text) else CHANGE if _CHANGE.search(text) else None
    position = _POSITION.search(text)
    # "the last TWO", "the TWO teas"; "all three" is every line, like "both"
    spans = [
        n
        for i in sorted(target_words(words, kinds, claimed))
        if words[i - 1] != "all"
        and words[i - 2 : i] != ["of", "the"]  # "one of the three": neither
        and (n := spoken_number(words[i])) is not None
        and n > 1
    ]
    lines = spans[0] if spans else None
    count = next(
        (n for m in _COUNT_OF.finditer(text) if (n := spoken_number(m.group(1))) is not None),
        _one_like_them(words, claimed),
    )
    some_with = _SOME_WITH.match(text)
    if count is None and some_with and (n := spoken_number(some_with.group(1))) is not None:
        count = n
    part = "drink" if _PART.search(text) or _named_inside(words, claimed) else None
    kind = None if part else _kind(words, kinds, claimed)
    if kind and lines is None and "both" in words:
        lines = 2  # "both teas" are the two teas, like "the two teas"
    target = Target(
        position=_ORDINALS[position.group(1)] if position else None,
        pointer=bool(_POINTER.search(text.replace("thats", "that is")) or some_with and count),
        count=count,
        every=bool(_EVERY.search(text)),
        part=part,
        kind=kind,
        lines=lines,
        other=bool(_OTHER.search(text)),
        option=option,
    )
    if definite and verb is None and target == Target():
        # "and the cappuccino with non-fat milk": "the" is all that points at the line
        target = Target(definite=True)
    if verb is None and target == Target():
        return None
    # "add caramel to the iced one" orders no more of that line
    orders = verb is None and option is None and orders_said(words)
    return CartEdit(verb=verb, target=target, orders=orders)


# "ADD caramel to the iced one", "PUT oat milk in the large one": an option added to a line.
_ADDS_TO = re.compile(r"\b(?:add|put)\b")
_ONTO = (["to"], ["in"], ["into"], ["on"])
# Before "the": the new value follows ("change it TO the large", "swap it FOR the oat"),
# not the line it is said of.
_NEW_VALUE_LEADS = frozenset({"to", "into", "for", "with", "as"})


def option_target(words: list[str], mentions: list[OptionMention]) -> OptionMention | None:
    """The option that names the lines an edit is about, said with "the" and no item:
    "switch THE CARAMEL to hazelnut", "get rid of THE ALMOND ONE", "make the iced one hot".
    Only with a verb that edits; for a change, only with another option after it (the new
    value), so "make it the large one" still sets the size. None when no option says it."""
    text = " ".join(words)
    removes, changes = bool(_REMOVE.search(text)), bool(_CHANGE.search(text))
    adds = bool(_ADDS_TO.search(text))
    if not (removes or changes or adds) or _COMPLAINT.search(text):
        return None
    for i, mention in enumerate(mentions):
        if not mention.known or mention.start < 1 or words[mention.start - 1] not in _KIND_LEADS:
            continue
        line_word = words[mention.end : mention.end + 1] in (["one"], ["ones"])
        if adds and line_word and words[mention.start - 2 : mention.start - 1] in _ONTO:
            return mention  # "add caramel TO THE ICED ONE"
        if mention.start >= 2 and words[mention.start - 2] in _NEW_VALUE_LEADS:
            continue
        if removes or (changes and any(later.known for later in mentions[i + 1 :])):
            return mention
    return None


# The words that open a part of a message that orders ("... AND ADD a youtiao", "ADD a
# cortado and ...", "..., GET ME two americanos"), after the fillers that lead a part.
_PART_LEAD = (
    r"^(?:(?:and|then|but|also|plus|please|so|oh|ok|okay|maybe|instead|can you|could you)\s+)*"
)
_ORDER_OPENS = re.compile(
    _PART_LEAD + r"(?:add|get me|give me|gimme|bring me|put in|throw in|toss in"
    r"|i(?:ll|d)? (?:also |just )?(?:have|take|like|want|need|get)|can i (?:also )?(?:get|have)"
    r"|(?:replace|swap) (?:it|that|them) (?:with|for))\b"
)
_EDIT_VERBS = "(?:" + _REMOVE.pattern + "|" + _CHANGE.pattern + ")"
_EDIT_VERB_OPENS = re.compile(_PART_LEAD + _EDIT_VERBS)


def _parts(words: list[str], breaks: AbstractSet[int]) -> list[tuple[int, int]]:
    """The word spans of a message's parts: split at punctuation (`breaks`), "and" and "then"."""
    starts = sorted({0, *breaks, *(i for i, w in enumerate(words) if w in ("and", "then"))})
    return list(zip(starts, [*starts[1:], len(words)], strict=True))


def ordered_parts(words: list[str], breaks: AbstractSet[int]) -> list[tuple[int, int]]:
    """The word spans of an edit's message that order instead: each part (split at
    punctuation, "and" and "then") that opens with an order verb, or says "instead"
    without an edit verb, and the parts after it up to the next edit ("make the fries
    large AND ADD A COLA"). Empty when the message edits nothing or orders nothing."""
    text = " ".join(words)
    if not (_REMOVE.search(text) or _CHANGE.search(text)):
        return []
    spans: list[tuple[int, int]] = []
    ordering = False
    for start, end in _parts(words, breaks):
        part = " ".join(words[start:end])
        if _EDIT_VERB_OPENS.match(part) and not _ORDER_OPENS.match(part):
            ordering = False
        elif _ORDER_OPENS.match(part) or ("instead" in words[start:end] and start > 0):
            ordering = True
        if ordering and end > start:
            spans.append((start, end))
    return spans


# "drop the soy milk, I ONLY WANT the combo", "keep the latte": what is named after the cue
# stays, to the end of its clause or the next edit verb.
_KEEPS = re.compile(r"\b(?:i )?(?:only|just|still) want\b|\bkeep\b|\bbut not\b")
# "scrap the extra soy milk, THE ONE IN THE COMBO IS ENOUGH": a clause saying a line suffices.
_SUFFICES = re.compile(
    r"^(?:but )?(?:the|my|that|one|just)\b.*?(?:\b(?:is|are|will be) |s )"
    r"(?:enough|plenty|fine|ok|okay|all i need)\b"
)
# "the combo ALREADY INCLUDES a drink, so drop the soy milk": a reason before the removal.
_REASON = re.compile(r"\b(?:already|comes? with|includes?)\b")


def kept_parts(words: list[str], breaks: AbstractSet[int]) -> list[tuple[int, int]]:
    """The word spans of a removal's message that name what stays: a keep cue's words
    ("..., I only want the combo", "..., the one in the combo is enough") and a reason
    said before the removal ("the combo already has a drink, so ..."), which always starts
    the message. Empty unless the message removes."""
    if not _REMOVE.search(" ".join(words)):
        return []
    bounds = sorted({0, *breaks, len(words)})
    clauses = list(itertools.pairwise(bounds))
    spans: list[tuple[int, int]] = []
    for number, (start, end) in enumerate(clauses):
        clause = " ".join(words[start:end])
        removes = _REMOVE.search(clause)
        if number == 0 and (reason_end := _reason_end(words, start, end, len(clauses))):
            spans.append((start, reason_end))  # "the combo already has one, so drop ..."
            continue
        if number > 0 and _SUFFICES.match(clause) and not removes:
            spans.append((start, end))
            continue
        cue = _KEEPS.search(clause)
        if cue is None:
            continue
        first = start + len(clause[: cue.start()].split())
        after = _REMOVE.search(clause, cue.end())
        last = start + len(clause[: after.start()].split()) if after else end
        spans.append((first, last))
    return [(start, end) for start, end in spans if end > start]


def _reason_end(words: list[str], start: int, end: int, clauses: int) -> int | None:
    """Where a reason that opens a removal's message ends: the whole first clause when
    others follow, else before its "so" ("I already have one so drop it"); None when the
    words there give no reason or remove something themselves."""
    said = words[start:end]
    ends = [end] if clauses > 1 else []
    if "so" in said:
        ends.append(start + said.index("so"))
    for reason_end in ends:
        reason = " ".join(words[start:reason_end])
        if _REASON.search(reason) and not _REMOVE.search(reason):
            return reason_end
    return None


# A part of a message that opens an edit of its own: "..., and REMOVE the last one",
# "... and THE SECOND ONE decaf", "..., MAKE the last one large".
_EDIT_OPENS = re.compile(
    _PART_LEAD
    + r"(?:"
    + _EDIT_VERBS
    + r"|\bthe (?:"
    + "|".join(_ORDINALS)
    + r") (?:one|thing|item)\b)"
)


def edit_parts(words: list[str], breaks: AbstractSet[int]) -> list[tuple[int, int]]:
    """The word spans of a message that says several edits, each of a line by place: "make
    the first one iced and the second one decaf", "make the first one two and remove the
    last one". Empty unless at least two parts each open an edit and say a place."""
    spans: list[tuple[int, int]] = []
    for start, end in _parts(words, breaks):
        part = " ".join(words[start:end])
        if spans and not _EDIT_OPENS.match(part):
            spans[-1] = (spans[-1][0], end)  # "... the second one decaf AND iced"
        elif end > start:
            spans.append((start, end))
    placed = [(start, end) for start, end in spans if _POSITION.search(" ".join(words[start:end]))]
    return spans if len(spans) > 1 and len(placed) == len(spans) else []


def orders_said(words: list[str]) -> bool:
    """Whether these (normalised) words order ("I'll take two of those", "can I get
    another youtiao") with no verb that removes or changes and no negation: such words
    never take anything away, whatever the intent classifier heard."""
    text = " ".join(words)
    if _COMPLAINT.search(text) or _REMOVE.search(text) or _CHANGE.search(text):
        return False
    return bool(_ORDER.search(text)) and not _NOT_AN_ORDER.search(text)


def target_words(
    words: list[str], kinds: AbstractSet[str] = frozenset(), claimed: AbstractSet[int] = frozenset()
) -> set[int]:
    """Positions of the words that only say which lines: "the last ONE", "the first TWO",
    "the TWO teas". They are no count of items: "the last one, make it three" is three of
    the last line, and "take the first one off" leaves no "one off" unheard."""
    found: set[int] = set()
    for i, word in enumerate(words[:-1]):
        after = words[i + 1]
        if i >= 1 and words[i - 1] == "the" and word in _ORDINALS:
            if after in _LINE_WORDS or spoken_number(after) is not None:
                found.add(i + 1)
        elif word == "the" and i >= 1 and words[i - 1] == "of" and spoken_number(after):
            found.add(i + 1)  # "one of THE THREE": which lines, not three more
        elif word == "all" and after in _SOME_LINES:
            found.add(i + 1)  # "make ALL THREE large": every line, not three of each
        elif word == "the" and spoken_number(after) is not None and i + 2 < len(words):
            noun = words[i + 2]
            if i + 2 not in claimed and (noun in kinds or noun[:-1] in kinds):
                found.add(i + 1)  # "the TWO teas": a kind, not an item, follows
    return found


def _one_like_them(words: list[str], claimed: AbstractSet[int]) -> int | None:
    """ "no wait, a LARGE ONE" over two soy milks: "a" with options and "one" is one of
    the line's items, like "one of them large" (1), never the whole line; None if not said."""
    for i, word in enumerate(words):
        if word in ("a", "an"):
            k = i + 1
            while k in claimed:
                k += 1
            if k > i + 1 and k < len(words) and words[k] == "one":
                return 1
    return None


def _named_inside(words: list[str], claimed: AbstractSet[int]) -> bool:
    """ "make THE COFFEE IN IT a large": an item named with "the" and placed "in it" (a
    combo) is the part inside the line, like "the drink in my combo"."""
    for i in range(len(words) - 2):
        if words[i + 1] == "in" and words[i + 2] in _INSIDE and i in claimed:
            k = i
            while k - 1 in claimed:
                k -= 1
            if k >= 1 and words[k - 1] in _KIND_LEADS:
                return True
    return False


def _kind(words: list[str], kinds: AbstractSet[str], claimed: AbstractSet[int]) -> str | None:
    """The menu category said after "the", "my" or a quantifier ("change the TEA", "my
    TEAS", "both TEAS"), if any and no item or option took the word."""
    for i, word in enumerate(words[1:], start=1):
        lead = i - 1
        if lead >= 1 and spoken_number(words[lead]) is not None:
            lead -= 1  # "the TWO teas"
        if i in claimed or words[lead] not in _KIND_LEADS | _KIND_QUANTIFIERS:
            continue
        if i >= 2 and words[i - 2] in _NOT_KIND_AFTER:
            continue
        for kind in (word, word[:-1] if word.endswith("s") else ""):
            if kind in kinds:
                return kind
    return None
