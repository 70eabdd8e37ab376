"""Counts joined to order lines, and the variant lines they cut out of them.

A count joins the item it comes before ("two oat milk lattes"), or one said just before
it ("make the latte three"). A count or "the other" said with options but no item ("one
decaf and ONE REGULAR", "two mochas, ONE WITH OAT MILK and ONE WITH ALMOND") opens a
variant of the item before it; bot/nlu/order_lines.py's ``carve_variants`` later takes
the variants out of the line they vary.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.nlu.clauses import is_content
from bot.nlu.numbers import ARTICLES, spoken_number
from bot.nlu.option_placement import item_right_after, said_for_all
from bot.nlu.options import DRINK_GROUP, OptionMention
from bot.nlu.order_lines import NOT_COUNTS_BEFORE, Count, OrderLine
from bot.nlu.parse_state import ParseState

# Unknown words allowed between a count and its item.
COUNT_GAP_WORDS = 2
# How many words may separate an item from a count said after it ("make the latte THREE").
BACKWARD_WINDOW = 3
# After "another", these say it is one more of the item before: "another WITH oat milk".
_ANOTHER_FOLLOWERS = frozenset({"one", "with", "made", "using", "in", "but"})
# "the OTHER one with oat milk", "ANOTHER one regular": one more of the item before.
_OTHER_WORDS = frozenset({"other", "another"})
# Words that stop an elliptical line's options from reaching into the next one.
_ELLIPSIS_STOPS = frozenset({"and", "but", "or"})
# Between two mentions of one item, these say the second restates the first: "I think a
# cappuccino would be nice, SO one cappuccino", "maybe a mocha? YEAH, one mocha".
_RESTATING = frozenset({"so", "yes", "yeah", "yep", "ok", "okay", "mean", "guess", "sure"})
# ... and these that it is one more: "a latte AND a latte", "then ANOTHER latte", "TOO".
_LISTING = frozenset({"and", "plus", "also", "another", "more", "other", "then", "too"})
_ONE_MORE_AFTER = frozenset({"too", "also", "again", "as"})
# Before an item said again, this points back at its line: "a latte and a mocha, THE latte
# large".
_DEFINITE = "the"
# Between a count or "the other" and the item after it, this says the item is what the
# line pointed at comes with: "the other one WITH a large coffee".
_WITH = "with"


def count_forward(state: ParseState, quantity: Count) -> bool:
    """Give a count to the item it comes before; False if none follows."""
    texts = state.texts
    k, gap = quantity.end, 0
    while k < len(texts) and (k == quantity.end or k not in state.breaks):
        for line in state.lines:
            if line.start == k:
                if line.quantity is None:
                    line.quantity = quantity.value
                    line.quantity_span = (quantity.start, quantity.end)
                    line.counted_by_article = texts[quantity.start] in ARTICLES
                return True
            if any(start == k for _, start, _ in line.drinks):
                return True  # a count before a combo's drink counts drinks per combo
        skip = state.option_ends.get(k)
        if skip is not None:
            k = skip
        elif texts[k] in quantity.links:
            k += 1
        elif _is_measure(texts, k):
            k += 2  # "a 16 OZ mocha"
        elif quantity.links and gap < COUNT_GAP_WORDS and is_content(texts[k]):
            k, gap = k + 1, gap + 1  # "a vanilla latte", "a 2% hazelnut latte"
        else:
            break
    return False


def _is_measure(texts: list[str], k: int) -> bool:
    following = texts[k + 1] if k + 1 < len(texts) else ""
    return spoken_number(texts[k]) is not None and following in NOT_COUNTS_BEFORE


def carve_variant_lines(
    state: ParseState, free: list[Count], mentions: list[OptionMention]
) -> list[OptionMention]:
    """Counts and "the other" said with options but no item make lines of the item
    before them; a count said after an item ("make the latte three") joins it.
    Returns the mentions still to attach."""
    texts = state.texts
    cues = sorted(
        [(q.start, q.end, q.value, q) for q in free if not q.needs_item]
        + [(i, i + 1, 1, None) for i in _other_cues(state)],
        key=lambda cue: cue[0],
    )
    used: set[int] = set()
    for index, (start, end, value, quantity) in enumerate(cues):
        real = [ln for ln in state.lines if ln.variant_of is None]
        base = next((ln for ln in reversed(real) if ln.end <= start), None)
        ahead = base is None
        if base is None:  # "one decaf and one regular MOCHA"
            base = next((ln for ln in real if ln.start >= end), None)
        next_cue = cues[index + 1][0] if index + 1 < len(cues) else len(texts)
        if (
            base is not None
            and base.end == start
            and texts[start] in ("one", "ones")
            and texts[base.start - 1 : base.start] == ["the"]
        ):
            continue  # "the lavender ONE with honey": the item's noun, not one more
        if (
            ahead
            and base is not None
            and (_restates(base, next_cue) or _said_with(state, end, base))
        ):
            # "okay, one regular, soy milk": one mention said in two breaths, not two lines;
            # "the other one WITH a large coffee": the item is what the line pointed at
            # comes with (a combo's drink), not the kind of a new variant line
            _said_before(state, base, start, end, value, mentions, used)
            continue
        stop = cues[index + 1][0] if index + 1 < len(cues) else len(texts)
        stop = min([stop, *(ln.start for ln in state.lines if ln.start >= end)])
        stop = min([stop, *(k for k in range(end, stop) if texts[k] in _ELLIPSIS_STOPS)])
        item = state.item(base.sku) if base is not None else None
        taken = [
            m
            for m in mentions
            if end <= m.start < stop
            and item is not None
            and m.resolve(item)
            # "two drinks: an OAT MILK latte" is the latte's; "two with LARGE soy milk",
            # said before the base combo's drink, is this share's
            and item_right_after(state, m) in (None, base)
            # "one decaf and one regular, BOTH ICED": every line's, attached later
            and not said_for_all(state, m)
        ]
        # "three combos, two WITH SOY MILK and one with coffee": this share's drink
        drinks = [d for d in base.drinks if end <= d[1] < stop] if base is not None else []
        first = min([stop, *(m.start for m in taken), *(d[1] for d in drinks)])
        said_a_thing = any(  # "a couple of CHANGES: make it with oat milk"
            is_content(texts[k]) and k not in state.blocked for k in range(end, first)
        )
        other_without_options = (
            quantity is None and not taken and any(ln.variant_of is base for ln in state.lines)
        )
        if (
            base is not None
            and item is not None
            and (taken or drinks or other_without_options)
            and (not said_a_thing)
        ):
            variant = OrderLine(base.sku, start, end, variant_of=base)
            variant.quantity, variant.quantity_span = value, (start, end)
            for drink in drinks:
                variant.set_option(DRINK_GROUP, *drink)
                if base.options.get(DRINK_GROUP) == drink:
                    del base.options[DRINK_GROUP]  # the share's drink, not every combo's
            for mention in taken:
                for group, choice in mention.resolve(item):
                    if group not in variant.options:
                        variant.set_option(group, choice, mention.start, mention.end)
                        break
                used.add(mention.start)
            state.lines.append(variant)
        elif quantity is not None and not quantity.needs_item:
            _count_backward(state, quantity)
    return [m for m in mentions if m.start not in used]


def _said_with(state: ParseState, end: int, base: OrderLine) -> bool:
    """Whether "with" comes between a cue and the item after it: "one of them WITH a big
    soy milk" names a line by what it comes with."""
    return _WITH in state.texts[end : base.start]


def _restates(base: OrderLine, next_cue: int) -> bool:
    """The item after a lone count is that count's item, when nothing else is counted
    before it and it has no count or options of its own."""
    return base.quantity is None and not base.options and next_cue > base.start


def _said_before(
    state: ParseState,
    base: OrderLine,
    start: int,
    end: int,
    value: int,
    mentions: list[OptionMention],
    used: set[int],
) -> None:
    """Put the count at words[start:end] and the options after it on `base`."""
    item = state.item(base.sku)
    base.quantity, base.quantity_span = value, (start, end)
    for mention in mentions:
        if item is None or not end <= mention.start < base.start:
            continue
        for group, choice in mention.resolve(item):
            if group not in base.options:
                base.set_option(group, choice, mention.start, mention.end)
                used.add(mention.start)
                break


def _other_cues(state: ParseState) -> Iterator[int]:
    for i, text in enumerate(state.texts):
        if i in state.blocked or text not in _OTHER_WORDS:
            continue
        after = state.texts[i + 1] if i + 1 < len(state.texts) else ""
        if text == "other" or after in _ANOTHER_FOLLOWERS:
            yield i
        elif i + 1 in state.option_ends and not _item_after_options(state, i + 1):
            yield i  # "a latte and another large": one more latte, large


def _item_after_options(state: ParseState, k: int) -> bool:
    """Whether the options said from words[k] on lead straight to an item: "another
    LARGE OAT latte" is one more latte with those options (the article counts it), not a
    variant of an item said before."""
    while k in state.option_ends:
        k = state.option_ends[k]
    return any(line.start == k for line in state.lines)


def _count_backward(state: ParseState, quantity: Count) -> None:
    before = [ln for ln in state.lines if 0 <= quantity.start - ln.end <= BACKWARD_WINDOW]
    if before and before[-1].quantity is None:
        before[-1].quantity = quantity.value
        before[-1].quantity_span = (quantity.start, quantity.end)


def merge_restatements(state: ParseState) -> None:
    """An item said again after a restating word ("so", "yeah") with no listing word
    between is one mention: the second says the count, and keeps the first's options
    it does not change ("I think a cappuccino would be nice, so one cappuccino": one).
    An item named again with "the" and no count points back at its line: what is said
    with it goes on that line ("a soy milk, a latte and a coffee, THE LATTE large")."""
    real = [ln for ln in state.lines if ln.variant_of is None]
    varied = {id(ln.variant_of) for ln in state.lines if ln.variant_of is not None}
    for later in real:
        kept = [ln for ln in state.lines if ln.variant_of is None]
        earlier = [ln for ln in kept if ln.end <= later.start and ln.sku == later.sku]
        if (
            earlier
            and later.quantity is None
            and state.texts[later.start - 1 : later.start] == [_DEFINITE]
            and id(later) not in varied
            and id(earlier[-1]) not in varied
        ):
            first = earlier[-1]
            first.options.update(later.options)  # said for it now: "the latte small"
            first.unavailable += later.unavailable
            state.lines.remove(later)
    real = [ln for ln in state.lines if ln.variant_of is None]
    for first, second in zip(real, real[1:], strict=False):
        between = set(state.texts[first.end : second.start])
        after = set(state.texts[second.end : second.end + 1])  # "a latte so a latte TOO"
        if (
            first.sku != second.sku
            or id(first) in varied
            or id(second) in varied
            or not between & _RESTATING
            or between & _LISTING
            or after & _ONE_MORE_AFTER
            or any(first.options.get(g, said)[0] != said[0] for g, said in second.options.items())
        ):
            continue
        for group, said in first.options.items():
            second.options.setdefault(group, said)
        second.unavailable[:0] = first.unavailable
        if second.quantity is None:
            second.quantity, second.quantity_span = first.quantity, first.quantity_span
        state.lines.remove(first)
