"""The order parser's first reading: the items, stores and options an utterance names.

Where an item match and an option mention overlap, the better reading wins ("a single
shot of espresso" is an Espresso when nothing else is ordered). Each item heard then
opens an order line, unless it is the drink of the combo just before it ("a breakfast
combo with a large soy milk") or the drink that one replaces ("a combo, but with soy milk
instead of the coffee": no Americano is ordered).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import replace

from bot.nlu.clauses import ends_part, is_number_word, opens_order
from bot.nlu.menu_matcher import ITEM, REORDERED_SCORE, MenuMatch
from bot.nlu.numbers import ARTICLES
from bot.nlu.options import DRINK_GROUP, SHOTS_GROUP, OptionMention
from bot.nlu.order_lines import OrderLine, without_unsure_repeats
from bot.nlu.parse_state import ParseState

# Words allowed between a combo and its drink; one of _DRINK_CUES must be among them, or
# the drink is said to replace the usual one ("a combo, soy milk INSTEAD").
_DRINK_CUES = frozenset({"with", "drink"})
_INSTEAD = "instead"
_DRINK_LINKS = _DRINK_CUES | frozenset(
    {"and", "a", "an", "one", "the", "my", "as", "for", "its", "it", "please"}
    | {"size", "sized", "cup", "of"}
    # "one combo, BUT with soy milk", "can the combo COME with", "SHOULD HAVE soy milk instead"
    | {"but", "come", "comes", "should", "have", "has", "get"}
    | {
        "all",
        "every",
        "them",
        "those",
        "each",
        "both",
        "other",
        "another",
        "rest",
    }  # a split's share
)
# After a drink, these order it on its own: "and a soy milk ON THE SIDE".
_ON_THE_SIDE = ("on the side", "separately", "on its own", "as well", "to go with")
# Between "instead of" and the drink replaced: "instead of THE coffee".
_REPLACED_LEADS = frozenset({"a", "an", "the", "my", "its", "that"})
# What a shot of is, when it is an espresso shot.
_ESPRESSO_WORDS = frozenset({"espresso", "espressos", "coffee"})
# An item name followed by these is an ingredient: "an extra espresso SHOT".
_SHOT_WORDS = frozenset({"shot", "shots"})


def menu_words(state: ParseState) -> tuple[list[MenuMatch], list[OptionMention]]:
    """Items, stores and options; where they overlap the better reading wins."""
    matcher = state.matcher
    matches = matcher.find(state.texts, state.blocked, state.breaks) if matcher is not None else []
    mentions = state.options.find(state.texts, state.blocked)
    kept_mentions: list[OptionMention] = []
    swallowed: list[tuple[MenuMatch, OptionMention]] = []
    for mention in mentions:
        overlapping = [m for m in matches if m.start < mention.end and mention.start < m.end]
        item_wins = any(_item_beats_option(m, mention) for m in overlapping)
        if item_wins:
            continue
        matches = [m for m in matches if m not in overlapping]
        swallowed += [(m, mention) for m in overlapping if m.kind == ITEM and m.confident]
        kept_mentions.append(mention)
    alone = not any(m.kind == ITEM for m in matches)
    for item, mention in reversed(swallowed):
        # "a single shot of espresso" with no other item, or "a double espresso and a
        # small cappuccino": the item inside option words said as an order of their own
        # is the item, its option the words before it.
        if item.start > mention.start and (alone or _ordered_on_its_own(state, mention)):
            index = kept_mentions.index(mention)
            kept_mentions[index] = replace(mention, end=item.start)
            matches = sorted([*matches, item], key=lambda m: m.start)
            alone = False
    items = [m for m in matches if m.kind == ITEM]
    if len(items) > 1:
        # "a mocha and an espresso SHOT": a shot of espresso, not an Espresso.
        matches = [m for m in matches if m.kind != ITEM or not _names_a_shot(state, m)]
    taken = {i for m in kept_mentions for i in range(m.start, m.end)}
    matches = [m for m in matches if m.confident or _believable(state, m, taken)]
    kept_mentions += _slips_before_items(state, matches, taken)
    return matches, sorted(kept_mentions, key=lambda m: m.start)


def _slips_before_items(
    state: ParseState, matches: list[MenuMatch], taken: AbstractSet[int]
) -> list[OptionMention]:
    """An option word with one letter wrong between a count and its item ("an OAK latte",
    "two OAK MILK lattes"): the option, not a word dropped in silence."""
    texts, found = state.texts, []
    for match in matches:
        if match.kind != ITEM:
            continue
        for width in (1, 2):
            start = match.start - width
            if start < 1 or any(
                i in state.blocked or i in taken for i in range(start, match.start)
            ):
                continue
            if texts[start - 1] not in ARTICLES and not is_number_word(texts[start - 1]):
                continue
            mention = state.options.slip_before_item(texts, start, match.start)
            if mention is not None:
                found.append(mention)
                break
    return found


def _ordered_on_its_own(state: ParseState, mention: OptionMention) -> bool:
    """Option words that open an order part and end it: "A DOUBLE ESPRESSO and a ...",
    "..., and a double espresso". Not "a latte with a double espresso" (said for the
    latte), "a double espresso latte" (an option of the latte after it) nor, after
    another item, "a double shot of espresso" (shots for that item)."""
    texts, opening = state.texts, mention.start - 1
    opened = mention.start == 0 or (
        opening >= 0 and texts[opening] in ARTICLES and opens_order(texts, opening, state.breaks)
    )
    said_as_shots = bool(_SHOT_WORDS & set(mention.words))  # "a double shot of espresso"
    return opened and not said_as_shots and ends_part(texts, mention.end, state.breaks)


def _item_beats_option(match: MenuMatch, mention: OptionMention) -> bool:
    """An exact item name at least as long as the option words, or a sure misspelling of a
    longer one that holds them: "a hot chocolte" is the Hot Chocolate, not hot chocolate
    syrup; "a double espresso latte" stays a latte with two shots."""
    if match.kind != ITEM:
        return False
    if match.score >= REORDERED_SCORE:
        return match.end - match.start >= mention.end - mention.start
    return (
        match.confident
        and match.start <= mention.start
        and mention.end <= match.end
        and match.end - match.start > mention.end - mention.start
    )


def shot_of_something_else(state: ParseState, mention: OptionMention) -> bool:
    """ "an extra shot OF CARAMEL" is a flavour, not an espresso shot."""
    if not mention.choices or any(g != SHOTS_GROUP for g, _ in mention.choices):
        return False
    after = state.texts[mention.end : mention.end + 2]
    return len(after) == 2 and after[0] == "of" and after[1] not in _ESPRESSO_WORDS


def _names_a_shot(state: ParseState, match: MenuMatch) -> bool:
    return match.end < len(state.texts) and state.texts[match.end] in _SHOT_WORDS


def _believable(state: ParseState, match: MenuMatch, option_words: AbstractSet[int]) -> bool:
    """An unsure item match counts only where an order is said: after a count, an
    option or "can I get a", and ending its part ("six large lattice")."""
    if match.kind != ITEM or not ends_part(state.texts, match.end, state.breaks):
        return False
    k = match.start - 1
    while k >= 0 and k in option_words:
        k -= 1
    if k < match.start - 1:
        return True
    return k < 0 or match.start in state.breaks or opens_order(state.texts, k, state.breaks)


def open_lines(state: ParseState, items: list[MenuMatch]) -> None:
    """An order line per item heard; a combo's drink is the combo's `drink` option."""
    for match in without_unsure_repeats(items):
        combo = state.lines[-1] if state.lines else None
        if combo is not None and _replaced_drink(state, combo, match):
            continue  # "soy milk instead of THE COFFEE": the drink it no longer comes with
        if combo is not None and _is_combo_drink(state, combo, match):
            combo.set_option(DRINK_GROUP, match.target, match.start, match.end)
            combo.drinks.append((match.target, match.start, match.end))
        else:
            line = OrderLine(match.target, match.start, match.end, check=not match.confident)
            line.unique = match.unique
            state.lines.append(line)


def _is_combo_drink(state: ParseState, line: OrderLine, match: MenuMatch) -> bool:
    """A drink the combo offers, said after it (or after its last drink) with "with" or
    as what it comes with "instead": "a combo WITH a large soy milk", "three combos, two
    WITH soy milk and one WITH coffee", "combos, all of them WITH large coffees", "one of
    the combos should have soy milk INSTEAD". "and a soy milk" or a drink "on the side"
    is a drink of its own."""
    combo = state.item(line.sku)
    drinks = combo.group(DRINK_GROUP) if combo is not None else None
    if drinks is None or drinks.choice(match.target) is None:
        return False
    texts = state.texts
    if " ".join(texts[match.end : match.end + 3]).startswith(_ON_THE_SIDE):
        return False
    since = max([line.end, *(end for _, _, end in line.drinks)])
    between = texts[since : match.start]
    option_words = {texts[i] for i in state.blocked}
    links = _DRINK_LINKS | option_words
    # "a combo, soy milk instead"; "a combo AND a soy milk instead" lists a drink of its own
    instead = texts[match.end : match.end + 1] == [_INSTEAD] and "and" not in between
    # "a combo, large soy milk AS THE DRINK": named as its drink
    as_its_drink = texts[match.end : match.end + 3] in _AS_ITS_DRINK and "and" not in between
    return bool(set(between) & _DRINK_CUES or instead or as_its_drink) and all(
        word in links or is_number_word(word) for word in between
    )


_AS_ITS_DRINK = [
    [lead, article, "drink"] for lead in ("as", "for") for article in ("the", "my", "its")
]


def _replaced_drink(state: ParseState, line: OrderLine, match: MenuMatch) -> bool:
    """The drink a combo's drink is said to replace ("a combo with soy milk instead of
    THE COFFEE"): one of the combo's drinks right after "instead of" its chosen drink. It
    is neither ordered nor chosen."""
    combo = state.item(line.sku)
    drinks = combo.group(DRINK_GROUP) if combo is not None else None
    if not line.drinks or drinks is None or drinks.choice(match.target) is None:
        return False
    between = state.texts[line.drinks[-1][2] : match.start]
    lead = 2 if between[:2] in ([_INSTEAD, "of"], ["rather", "than"]) else 0
    return lead > 0 and all(w in _REPLACED_LEADS for w in between[lead:])
