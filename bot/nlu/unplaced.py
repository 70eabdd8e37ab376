"""Order parts whose words matched nothing: "two muffins, and A LARGE LAD".

A part (bot/nlu/clauses.py) that opens like an order, with a count or an option or
after "can I get" or "add", but names no item is *unplaced*; the dialogue says it back instead
of silently dropping it. Its words run from the opening cue through the unknown words
that name the thing ("a large BLORP", "a shot OF HAZELNUT").

An option said as a thing of its own, before any item, with the next item opened by its
own count ("a DOPPIO and a cortado", where "doppio" is only a way to say double shots) is
no option of that next item: it is unplaced too, and said back.
"""

from __future__ import annotations

from bot.nlu.clauses import PART_JOINERS, is_content, opens_order, parts
from bot.nlu.numbers import read_quantity
from bot.nlu.options import OptionMention
from bot.nlu.order_lines import Count
from bot.nlu.parse_state import ParseState

# Words after which the next words are a thing asked for: "add whipped cream".
_ASKING_WORDS = frozenset({"add", "extra"})
# Words inside an unknown thing's name: "a shot OF hazelnut", "egg AND cheese muffin".
_NOUN_JOINERS = frozenset({"of", "and"})


def unplaced_parts(
    state: ParseState, quantities: list[Count], mentions: list[OptionMention]
) -> list[tuple[int, int]]:
    """Parts that open like an order but whose words matched nothing, as word spans."""
    lines = state.lines
    placed = {i for ln in lines for i in range(ln.start, ln.end)}
    placed |= {i for ln in lines for _, s, e in ln.drinks for i in range(s, e)}
    placed |= {i for e in state.out for i in _word_positions(state, e["start"], e["end"])}
    mentions = [m for m in mentions if m.known]  # the others are words it did not know
    blocked = state.blocked - state.unknown
    mention_starts = {m.start for m in mentions}
    # "add WHIPPED CREAM", "extra CINNAMON": what is asked for, with no count before it.
    asked = {i + 1 for i, text in enumerate(state.texts) if text in _ASKING_WORDS}
    cues = {q.start for q in quantities} | mention_starts | asked
    found: list[tuple[int, int]] = []
    opens = cues | {ln.start for ln in lines}
    for part in parts(state.texts, state.breaks, placed | blocked, opens):
        if placed & set(part):
            continue
        opening = next(
            (
                i
                for i in part
                if i in cues
                and (i in mention_starts | asked or opens_order(state.texts, i, state.breaks))
            ),
            None,
        )
        if opening is None:
            continue
        end = _ordered_words_end(state, opening, part[-1] + 1)
        if end is not None:
            found.append((opening, end))
    return found


def _ordered_words_end(state: ParseState, opening: int, stop: int) -> int | None:
    """Where the words of an order attempt end: after the count and options, the
    unknown words naming the thing ("a large BLORP", "a shot OF HAZELNUT"); None when
    what follows is no noun ("one TO be decaf", "almond milk INSTEAD")."""
    texts = state.texts
    blocked = state.blocked - state.unknown
    k = opening
    while k < stop and (k in blocked or read_quantity(texts, k) is not None):
        k = state.option_ends.get(k, k + 1)
    end = None
    while k < stop and k not in blocked:
        if is_content(texts[k]):
            end = k = k + 1
        elif texts[k] in _NOUN_JOINERS and end is not None:
            k += 1
        else:
            break
    return end


def _word_positions(state: ParseState, start: int, end: int) -> set[int]:
    """The positions of the words inside text offsets [start, end)."""
    return {i for i, w in enumerate(state.words) if start <= w.start and w.end <= end}


def options_said_alone(
    state: ParseState, quantities: list[Count], mentions: list[OptionMention]
) -> list[tuple[int, int]]:
    """Counted option words with no item before them, ending their part where a counted
    item starts: "a doppio | and a cortado". Word spans, count included. ("one decaf and
    one regular cortado" is two cortados: the next part is counted options too.)"""
    texts = state.texts
    first_item = min((line.start for line in state.lines), default=len(texts))
    counts = {q.end: q.start for q in quantities}
    starts = {line.start for line in state.lines}
    found: list[tuple[int, int]] = []
    for mention in mentions:
        opening = counts.get(mention.start)
        if opening is None or mention.end > first_item or not mention.known:
            continue
        if not opens_order(texts, opening, state.breaks):
            continue
        after = mention.end
        joined = after < len(texts) and texts[after] in PART_JOINERS
        if not (joined or after in state.breaks):
            continue
        after += joined
        if after < len(texts) and opens_order(texts, after, state.breaks) and after + 1 in starts:
            found.append((opening, mention.end))
    return found
