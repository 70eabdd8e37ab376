"""Which order line each option said belongs to, and what an item cannot have.

An option joins the item said right after it ("an ICED latte"), else the nearest item
before it, else the nearest after ("a latte WITH OAT MILK"), and only an item that has
the option's group. Said after "both" or "all" it goes on every line before it. An
option that its item cannot have ("a latte with hazelnut") is remembered on that line
as unavailable, so the dialogue can say it back; it never moves to an item further off. With no item
at all, counts and options are loose: the dialogue applies them to the line under
discussion ("make it two"); loose option words this menu has nowhere ("make it decaf"
where nothing is decaf) are unplaced, to be said back.
"""

from __future__ import annotations

from bot.nlu.clauses import is_content, is_number_word
from bot.nlu.options import OptionMention
from bot.nlu.order_lines import COUNT_LINKS, Count, OrderLine
from bot.nlu.parse_state import ParseState

# Words allowed between an option and the item after it: "a large SIZE latte",
# "upsize THE DRINK IN MY combo", "a double SHOT OF ESPRESSO latte".
_OPTION_LINKS = COUNT_LINKS | frozenset({"my", "drink", "in", "on", "a", "an", "made"})
# Unknown words (flavours the menu has no option for) allowed between an option and its
# item: "an iced HAZELNUT latte", "a sugar-free VANILLA oat milk latte".
OPTION_GAP_WORDS = 3
# Said before an unavailable option, not part of it: "a latte WITH hazelnut".
_UNAVAILABLE_LEADS = frozenset({"with"})
# "both WITH oat milk", "all MADE WITH skim": words between "both" and the option.
_OPTION_LEADS = frozenset({"with", "made", "using", "in", "are", "be", "of", "them", "please"})
# Words before extras asked for with an item: "a mocha WITH EXTRA whipped cream".
_EXTRA_LEADS = frozenset({"with", "extra", "plus", "add", "and"})
# An option said after these goes on every line said before it.
_ALL_WORDS = frozenset({"both", "all", "each"})


def attach_options(state: ParseState, mentions: list[OptionMention]) -> None:
    for mention in mentions:
        if said_for_all(state, mention):  # "a latte and a mocha, BOTH with oat milk"
            for line in [ln for ln in state.lines if ln.end <= mention.start]:
                item = state.item(line.sku)
                choices = mention.resolve(item) if item else []
                free = [(g, c) for g, c in choices if g not in line.options]
                if free:
                    line.set_option(*free[0], mention.start, mention.end)
                elif not choices:
                    _unavailable(state, line, mention)
            continue
        candidates = _candidate_lines(state, mention)
        for line in candidates:
            item = state.item(line.sku)
            choices = mention.resolve(item) if item is not None else []
            free = [(g, c) for g, c in choices if g not in line.options]
            if free:
                line.set_option(*free[0], mention.start, mention.end)
                break
            if choices:
                break  # said for this item, which already has that option
        else:  # no item said with it can have it: "a latte with hazelnut"
            if candidates:
                _unavailable(state, candidates[0], mention)


def unknown_extras(state: ParseState) -> None:
    """Words no menu knows, asked for with an item ("a mocha with extra WHIPPED CREAM",
    "a latte with oat milk and FOAM"): unavailable on that line, so they are said back."""
    texts = state.texts
    starts = {line.start for line in state.lines}
    for line in state.lines:
        k, led = line.end, False
        while k < len(texts) and k not in state.breaks and k not in starts:
            if k in state.blocked:  # the options said with the item
                k = state.option_ends.get(k, k + 1)
            elif texts[k] in _EXTRA_LEADS:
                k, led = k + 1, True
            else:
                break
        end = k
        while led and end < len(texts) and end not in state.blocked and _names_a_thing(texts[end]):
            if end > k and end in state.breaks:
                break
            end += 1
        if end > k:
            line.unavailable.append((k, end))


def _names_a_thing(text: str) -> bool:
    return is_content(text) and not is_number_word(text)


def _unavailable(state: ParseState, line: OrderLine, mention: OptionMention) -> None:
    """Remember words the item cannot have, unless they only ask for the usual way."""
    if mention.plain:
        return
    start = mention.start
    if state.texts[start] in _UNAVAILABLE_LEADS and start + 1 < mention.end:
        start += 1
    line.unavailable.append((start, mention.end))


def said_for_all(state: ParseState, mention: OptionMention) -> bool:
    """Whether the option is said after "both", "all" or "each": every line before it."""
    k = mention.start - 1
    while k >= 0 and state.texts[k] in _OPTION_LEADS:
        k -= 1
    return k >= 0 and state.texts[k] in _ALL_WORDS


def _candidate_lines(state: ParseState, mention: OptionMention) -> list[OrderLine]:
    """The item said right after the option, else the nearest before, else after: one
    item, never another one further off. "two almond cortados, a cold brew and a SMALL
    chai latte" where the chai has no small is said back for the chai; the cortados stay
    as they were said."""
    following = item_right_after(state, mention)
    if following is not None or mention.needs_item:
        return [following] if following is not None else []
    real = [ln for ln in state.lines if ln.variant_of is None]
    before = [ln for ln in reversed(real) if ln.end <= mention.start]
    after = [ln for ln in real if ln.start >= mention.end]
    return before[:1] or after[:1]


def item_right_after(state: ParseState, mention: OptionMention) -> OrderLine | None:
    """The line whose item (or combo drink) the option is said right before, if any."""
    k, gap = mention.end, 0
    while k < len(state.texts) and k not in state.breaks:
        for line in state.lines:
            if line.start == k and line.variant_of is None:
                return line
            if any(start == k for _, start, _ in line.drinks):
                return line
        skip = state.option_ends.get(k)
        if skip is not None:
            k = skip
            continue
        text = state.texts[k]
        if text in _OPTION_LINKS:
            k += 1
        elif k not in state.blocked and gap < OPTION_GAP_WORDS and is_content(text):
            k, gap = k + 1, gap + 1
        else:
            break
    return None


def add_loose(state: ParseState, free: list[Count], mentions: list[OptionMention]) -> None:
    """Counts and options said with no item, as entities without a group."""
    for quantity in free:
        if not quantity.needs_item:
            state.out.append(
                state.entity("quantity", str(quantity.value), quantity.start, quantity.end)
            )
    for mention in mentions:
        if not mention.needs_item and mention.known:
            value = mention.loose_value()
            state.out.append(state.entity("option", value, mention.start, mention.end))
        elif not mention.known and not mention.plain:
            # "make one of them decaf" where nothing here is decaf: said back, never
            # dropped (the edit would otherwise be read as "make it one").
            words = state.said(mention.start, mention.end)
            state.out.append(state.entity("unplaced", words, mention.start, mention.end))
