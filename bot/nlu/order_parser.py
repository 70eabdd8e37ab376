"""Turn an utterance into Rasa entities: order lines, options, store and pickup time.

Pure (no Rasa, no I/O) so that it can be tested and benchmarked on its own. Each item
heard opens an order line, numbered by entity `group` in order of appearance (contract
C2). A count joins the item it counts ("two oat milk lattes"); an option joins the item
it is said with, before or after it ("an iced latte", "a latte with oat milk", "a
Macchiato, decaf"), and only if that item has the option's group. "One decaf latte and
one regular" and "two mochas, one with oat milk and one with almond" make one line per
variant. A combo's drink ("a breakfast combo WITH a large soy milk") is the combo's
`drink` option. With no item at all, counts and options have no group ("make it two",
"make one of them decaf"): the dialogue applies them to the line under discussion. An
item heard only by sound is marked `check`; an order part that matched nothing becomes
`unplaced`. An option said for an item that cannot have it ("a latte with hazelnut"
where the Latte has no syrup, "a large cola" where Cola comes in one size) is an
`unavailable_option` of that item's line, so the dialogue can say it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import replace

from bot.nlu.clauses import clause_breaks, ends_part, is_content, opens_order, parts
from bot.nlu.lexicon import Lexicon, LexiconItem
from bot.nlu.menu_matcher import ITEM, REORDERED_SCORE, STORE, MenuMatch, MenuMatcher
from bot.nlu.numbers import ARTICLES, read_quantity, spoken_number
from bot.nlu.options import DRINK_GROUP, SHOTS_GROUP, OptionMention, OptionVocabulary
from bot.nlu.order_lines import (
    COUNT_LINKS,
    NOT_COUNTS_BEFORE,
    Count,
    Entity,
    OrderLine,
    carve_variants,
    find_counts,
    without_unsure_repeats,
)
from bot.nlu.pickup_times import find_pickup_times
from bot.nlu.utterance import Word, split_words

# Words allowed between an option and the item after it: "a large SIZE latte",
# "upsize THE DRINK IN MY combo", "a double SHOT OF ESPRESSO latte".
_OPTION_LINKS = COUNT_LINKS | frozenset({"my", "drink", "in", "on", "a", "an", "made"})
# Unknown words (flavours the menu has no option for) allowed between an option and its
# item: "an iced HAZELNUT latte", "a sugar-free VANILLA oat milk latte".
OPTION_GAP_WORDS = 3
# Unknown words allowed between a count and its item.
COUNT_GAP_WORDS = 2
# Said before an unavailable option, not part of it: "a latte WITH hazelnut".
_UNAVAILABLE_LEADS = frozenset({"with"})
# Words allowed between a combo and its drink; one of _DRINK_CUES must be among them.
_DRINK_CUES = frozenset({"with", "drink"})
_DRINK_LINKS = _DRINK_CUES | frozenset(
    {"and", "a", "an", "one", "the", "my", "as", "for", "its", "it", "please"}
    | {"size", "sized", "cup", "of"}
)
# Words inside an unknown thing's name: "a shot OF hazelnut", "egg AND cheese muffin".
_NOUN_JOINERS = frozenset({"of", "and"})
# Before an option, these say it is NOT wanted ("no ice", "not iced"): it is left unset,
# which is the item's default. Phrases that say a choice ("no caffeine") match whole.
_NEGATIONS = frozenset({"no", "not", "without", "less", "nothing"})
# "both WITH oat milk", "all MADE WITH skim": words between "both" and the option.
_OPTION_LEADS = frozenset({"with", "made", "using", "in", "are", "be", "of", "them", "please"})
# An option said after these goes on every line said before it.
_ALL_WORDS = frozenset({"both", "all", "each"})
# What a shot of is, when it is an espresso shot.
_ESPRESSO_WORDS = frozenset({"espresso", "espressos", "coffee"})
# An item name followed by these is an ingredient: "an extra espresso SHOT".
_SHOT_WORDS = frozenset({"shot", "shots"})
# After "another", these say it is one more of the item before: "another WITH oat milk".
_ANOTHER_FOLLOWERS = frozenset({"one", "with", "made", "using", "in", "but"})
# "the OTHER one with oat milk", "ANOTHER one regular": one more of the item before.
_OTHER_WORDS = frozenset({"other", "another"})
# Words that stop an elliptical line's options from reaching into the next one.
_ELLIPSIS_STOPS = frozenset({"and", "but", "or"})
# Spoken orders are short; past this many words the rest is ignored, which keeps a
# pasted essay from costing more than a normal message.
MAX_WORDS = 200
# How many words may separate an item from a count said after it ("make the latte THREE").
BACKWARD_WINDOW = 3


class OrderParser:
    """Parses utterances against one lexicon (or none: then only counts, options, times)."""

    def __init__(self, lexicon: Lexicon | None) -> None:
        self.lexicon = lexicon
        self.matcher = MenuMatcher(lexicon) if lexicon is not None else None
        self.options = OptionVocabulary(lexicon)
        self._items = {item.sku: item for item in lexicon.items} if lexicon is not None else {}

    def parse(self, text: str) -> list[Entity]:
        """All entities in `text`, sorted by position."""
        return _Parse(self, text).entities()

    def item(self, sku: str) -> LexiconItem | None:
        return self._items.get(sku)


class _Parse:
    """The state of parsing one utterance; `entities()` runs the steps in order."""

    def __init__(self, parser: OrderParser, text: str) -> None:
        self.parser = parser
        self.words = split_words(text)[:MAX_WORDS]
        self.texts = [word.text for word in self.words]
        self.breaks = clause_breaks(text, self.words)
        self.text = text
        self.out: list[Entity] = []
        self.blocked: set[int] = set()
        self.lines: list[OrderLine] = []
        self.option_ends: dict[int, int] = {}
        # Words of common options this menu does not sell: unknown words to `_unplaced`.
        self.unknown: set[int] = set()

    def entities(self) -> list[Entity]:
        """Times first (they claim their numbers), then items, options and stores, then
        counts, variants, options attached, unplaced parts; lines numbered in order."""
        for spoken in find_pickup_times(self.texts):
            self.out.append(self._entity("pickup_time", spoken.value, spoken.start, spoken.end))
            self.blocked.update(range(spoken.claimed_from, spoken.end))
        matches, mentions = self._menu_words()
        for match in matches:
            self.blocked.update(range(match.start, match.end))
            if match.kind == STORE:
                self.out.append(self._entity("store", match.target, match.start, match.end))
        negated = [m for m in mentions if m.start > 0 and self.texts[m.start - 1] in _NEGATIONS]
        for mention in mentions:
            self.blocked.update(range(mention.start, mention.end))
            self.option_ends[mention.start] = mention.end
            if not mention.known:
                self.unknown.update(range(mention.start, mention.end))
        mentions = [m for m in mentions if m not in negated]  # "no ice": not an option
        mentions = [m for m in mentions if not self._shot_of_something_else(m)]
        self._open_lines([m for m in matches if m.kind == ITEM])
        quantities = list(find_counts(self.texts, self.blocked))
        free = [q for q in quantities if not self._count_forward(q)]
        unplaced = self._unplaced(quantities, mentions)
        in_unplaced = {i for start, end in unplaced for i in range(start, end)}
        free = [q for q in free if q.start not in in_unplaced]
        mentions = [m for m in mentions if m.start not in in_unplaced]
        mentions = self._variants(free, mentions)
        self._attach_options(mentions)
        carve_variants(self.lines)
        if not self.lines:
            self._loose(free, mentions)
        for start, end in unplaced:
            self.out.append(self._entity("unplaced", self._said(start, end), start, end))
        self.lines.sort(key=lambda line: line.start)
        for number, line in enumerate(self.lines, start=1):
            self.out.extend(self._line_entities(line, str(number)))
        return sorted(self.out, key=lambda e: (e["start"], e["entity"]))

    # --- menu words -------------------------------------------------------------------

    def _menu_words(self) -> tuple[list[MenuMatch], list[OptionMention]]:
        """Items, stores and options; where they overlap the better reading wins."""
        matcher = self.parser.matcher
        matches = matcher.find(self.texts, self.blocked) if matcher is not None else []
        mentions = self.parser.options.find(self.texts, self.blocked)
        kept_mentions: list[OptionMention] = []
        swallowed: list[tuple[MenuMatch, OptionMention]] = []
        for mention in mentions:
            overlapping = [m for m in matches if m.start < mention.end and mention.start < m.end]
            item_wins = any(
                m.score >= REORDERED_SCORE and m.end - m.start >= mention.end - mention.start
                for m in overlapping
            )
            if item_wins:
                continue
            matches = [m for m in matches if m not in overlapping]
            swallowed += [(m, mention) for m in overlapping if m.kind == ITEM and m.confident]
            kept_mentions.append(mention)
        if swallowed and not any(m.kind == ITEM for m in matches):
            # "a single shot of espresso" orders an Espresso: with no other item, the
            # item inside the option words is the item.
            item, mention = swallowed[-1]
            if item.start > mention.start:
                index = kept_mentions.index(mention)
                kept_mentions[index] = replace(mention, end=item.start)
                matches = sorted([*matches, item], key=lambda m: m.start)
        items = [m for m in matches if m.kind == ITEM]
        if len(items) > 1:
            # "a mocha and an espresso SHOT": a shot of espresso, not an Espresso.
            matches = [m for m in matches if m.kind != ITEM or not self._names_a_shot(m)]
        taken = {i for m in kept_mentions for i in range(m.start, m.end)}
        matches = [m for m in matches if m.confident or self._believable(m, taken)]
        return matches, kept_mentions

    def _shot_of_something_else(self, mention: OptionMention) -> bool:
        """ "an extra shot OF CARAMEL" is a flavour, not an espresso shot."""
        if not mention.choices or any(g != SHOTS_GROUP for g, _ in mention.choices):
            return False
        after = self.texts[mention.end : mention.end + 2]
        return len(after) == 2 and after[0] == "of" and after[1] not in _ESPRESSO_WORDS

    def _names_a_shot(self, match: MenuMatch) -> bool:
        return match.end < len(self.texts) and self.texts[match.end] in _SHOT_WORDS

    def _believable(self, match: MenuMatch, option_words: AbstractSet[int]) -> bool:
        """An unsure item match counts only where an order is said: after a count, an
        option or "can I get a", and ending its part ("six large lattice")."""
        if match.kind != ITEM or not ends_part(self.texts, match.end, self.breaks):
            return False
        k = match.start - 1
        while k >= 0 and k in option_words:
            k -= 1
        if k < match.start - 1:
            return True
        return k < 0 or match.start in self.breaks or opens_order(self.texts, k, self.breaks)

    def _open_lines(self, items: list[MenuMatch]) -> None:
        for match in without_unsure_repeats(items):
            combo = self.lines[-1] if self.lines else None
            if combo is not None and self._is_combo_drink(combo, match):
                combo.set_option(DRINK_GROUP, match.target, match.start, match.end)
                combo.drink_spans.append((match.start, match.end))
            else:
                self.lines.append(
                    OrderLine(match.target, match.start, match.end, check=not match.confident)
                )

    def _is_combo_drink(self, line: OrderLine, match: MenuMatch) -> bool:
        combo = self.parser.item(line.sku)
        drinks = combo.group(DRINK_GROUP) if combo is not None else None
        if drinks is None or line.drink_spans or drinks.choice(match.target) is None:
            return False
        between = set(self.texts[line.end : match.start])
        return bool(between & _DRINK_CUES) and between <= _DRINK_LINKS | self._option_words()

    def _option_words(self) -> set[str]:
        return {self.texts[i] for i in self.blocked}

    # --- counts -------------------------------------------------------------------------

    def _count_forward(self, quantity: Count) -> bool:
        """Give a count to the item it comes before; False if none follows."""
        k, gap = quantity.end, 0
        while k < len(self.texts) and (k == quantity.end or k not in self.breaks):
            for line in self.lines:
                if line.start == k:
                    if line.quantity is None:
                        line.quantity = quantity.value
                        line.quantity_span = (quantity.start, quantity.end)
                        line.counted_by_article = self.texts[quantity.start] in ARTICLES
                    return True
                if any(start == k for start, _ in line.drink_spans):
                    return True  # a count before a combo's drink counts drinks per combo
            skip = self._option_end(k)
            if skip is not None:
                k = skip
            elif self.texts[k] in quantity.links:
                k += 1
            elif self._is_measure(k):
                k += 2  # "a 16 OZ mocha"
            elif quantity.links and gap < COUNT_GAP_WORDS and is_content(self.texts[k]):
                k, gap = k + 1, gap + 1  # "a vanilla latte", "a 2% hazelnut latte"
            else:
                break
        return False

    def _is_measure(self, k: int) -> bool:
        following = self.texts[k + 1] if k + 1 < len(self.texts) else ""
        return spoken_number(self.texts[k]) is not None and following in NOT_COUNTS_BEFORE

    def _option_end(self, k: int) -> int | None:
        return self.option_ends.get(k)

    # --- variants: "one decaf and one regular" ------------------------------------------

    def _variants(self, free: list[Count], mentions: list[OptionMention]) -> list[OptionMention]:
        """Counts and "the other" said with options but no item make lines of the item
        before them; a count said after an item ("make the latte three") joins it.
        Returns the mentions still to attach."""
        cues = sorted(
            [(q.start, q.end, q.value, q) for q in free if not q.needs_item]
            + [(i, i + 1, 1, None) for i in self._other_cues()],
            key=lambda cue: cue[0],
        )
        used: set[int] = set()
        for index, (start, end, value, quantity) in enumerate(cues):
            real = [ln for ln in self.lines if ln.variant_of is None]
            base = next((ln for ln in reversed(real) if ln.end <= start), None)
            if base is None:  # "one decaf and one regular MOCHA"
                base = next((ln for ln in real if ln.start >= end), None)
            stop = cues[index + 1][0] if index + 1 < len(cues) else len(self.texts)
            stop = min([stop, *(ln.start for ln in self.lines if ln.start >= end)])
            stop = min([stop, *(k for k in range(end, stop) if self.texts[k] in _ELLIPSIS_STOPS)])
            item = self.parser.item(base.sku) if base is not None else None
            taken = [
                m
                for m in mentions
                if end <= m.start < stop
                and item is not None
                and m.resolve(item)
                and self._item_right_after(m) is None  # "two drinks: an OAT MILK latte"
            ]
            first = taken[0].start if taken else stop
            said_a_thing = any(  # "a couple of CHANGES: make it with oat milk"
                is_content(self.texts[k]) and k not in self.blocked for k in range(end, first)
            )
            other_without_options = (
                quantity is None and not taken and any(ln.variant_of is base for ln in self.lines)
            )
            if (
                base is not None
                and item is not None
                and (taken or other_without_options)
                and (not said_a_thing)
            ):
                variant = OrderLine(base.sku, start, end, variant_of=base)
                variant.quantity, variant.quantity_span = value, (start, end)
                for mention in taken:
                    for group, choice in mention.resolve(item):
                        if group not in variant.options:
                            variant.set_option(group, choice, mention.start, mention.end)
                            break
                    used.add(mention.start)
                self.lines.append(variant)
            elif quantity is not None and not quantity.needs_item:
                self._count_backward(quantity)
        return [m for m in mentions if m.start not in used]

    def _other_cues(self) -> Iterator[int]:
        for i, text in enumerate(self.texts):
            if i in self.blocked or text not in _OTHER_WORDS:
                continue
            after = self.texts[i + 1] if i + 1 < len(self.texts) else ""
            if text == "other" or after in _ANOTHER_FOLLOWERS or i + 1 in self.option_ends:
                yield i

    def _count_backward(self, quantity: Count) -> None:
        before = [ln for ln in self.lines if 0 <= quantity.start - ln.end <= BACKWARD_WINDOW]
        if before and before[-1].quantity is None:
            before[-1].quantity = quantity.value
            before[-1].quantity_span = (quantity.start, quantity.end)

    # --- options ------------------------------------------------------------------------

    def _attach_options(self, mentions: list[OptionMention]) -> None:
        for mention in mentions:
            if self._said_for_all(mention):  # "a latte and a mocha, BOTH with oat milk"
                for line in [ln for ln in self.lines if ln.end <= mention.start]:
                    item = self.parser.item(line.sku)
                    choices = mention.resolve(item) if item else []
                    free = [(g, c) for g, c in choices if g not in line.options]
                    if free:
                        line.set_option(*free[0], mention.start, mention.end)
                    elif not choices:
                        self._unavailable(line, mention)
                continue
            candidates = self._candidate_lines(mention)
            for line in candidates:
                item = self.parser.item(line.sku)
                choices = mention.resolve(item) if item is not None else []
                free = [(g, c) for g, c in choices if g not in line.options]
                if free:
                    line.set_option(*free[0], mention.start, mention.end)
                    break
                if choices:
                    break  # said for this item, which already has that option
            else:  # no item said with it can have it: "a latte with hazelnut"
                if candidates:
                    self._unavailable(candidates[0], mention)

    def _unavailable(self, line: OrderLine, mention: OptionMention) -> None:
        """Remember words the item cannot have, unless they only ask for the usual way."""
        if mention.plain:
            return
        start = mention.start
        if self.texts[start] in _UNAVAILABLE_LEADS and start + 1 < mention.end:
            start += 1
        line.unavailable.append((start, mention.end))

    def _said_for_all(self, mention: OptionMention) -> bool:
        k = mention.start - 1
        while k >= 0 and self.texts[k] in _OPTION_LEADS:
            k -= 1
        return k >= 0 and self.texts[k] in _ALL_WORDS

    def _candidate_lines(self, mention: OptionMention) -> list[OrderLine]:
        """The item said right after the option, else the nearest before, else after."""
        following = self._item_right_after(mention)
        if mention.needs_item:
            return [following] if following is not None else []
        real = [ln for ln in self.lines if ln.variant_of is None]
        before = [ln for ln in reversed(real) if ln.end <= mention.start]
        after = [ln for ln in real if ln.start >= mention.end]
        return ([following] if following is not None else []) + before + after

    def _item_right_after(self, mention: OptionMention) -> OrderLine | None:
        k, gap = mention.end, 0
        while k < len(self.texts) and k not in self.breaks:
            for line in self.lines:
                if line.start == k and line.variant_of is None:
                    return line
                if any(start == k for start, _ in line.drink_spans):
                    return line
            skip = self._option_end(k)
            if skip is not None:
                k = skip
                continue
            text = self.texts[k]
            if text in _OPTION_LINKS:
                k += 1
            elif k not in self.blocked and gap < OPTION_GAP_WORDS and is_content(text):
                k, gap = k + 1, gap + 1
            else:
                break
        return None

    def _loose(self, free: list[Count], mentions: list[OptionMention]) -> None:
        for quantity in free:
            if not quantity.needs_item:
                self.out.append(
                    self._entity("quantity", str(quantity.value), quantity.start, quantity.end)
                )
        for mention in mentions:
            if not mention.needs_item and mention.known:
                value = mention.loose_value()
                self.out.append(self._entity("option", value, mention.start, mention.end))

    # --- unplaced -----------------------------------------------------------------------

    def _unplaced(
        self, quantities: list[Count], mentions: list[OptionMention]
    ) -> list[tuple[int, int]]:
        """Parts that open like an order but whose words matched nothing."""
        placed = {i for ln in self.lines for i in range(ln.start, ln.end)}
        placed |= {i for ln in self.lines for s, e in ln.drink_spans for i in range(s, e)}
        placed |= {i for e in self.out for i in self._indices(e["start"], e["end"])}
        mentions = [m for m in mentions if m.known]  # the others are words it did not know
        blocked = self.blocked - self.unknown
        cues = {q.start for q in quantities} | {m.start for m in mentions}
        found: list[tuple[int, int]] = []
        opens = cues | {ln.start for ln in self.lines}
        for part in parts(self.texts, self.breaks, placed | blocked, opens):
            if placed & set(part):
                continue
            opening = next(
                (
                    i
                    for i in part
                    if i in cues
                    and (self._is_mention(i, mentions) or opens_order(self.texts, i, self.breaks))
                ),
                None,
            )
            if opening is None:
                continue
            end = self._ordered_words_end(opening, part[-1] + 1)
            if end is not None:
                found.append((opening, end))
        return found

    def _ordered_words_end(self, opening: int, stop: int) -> int | None:
        """Where the words of an order attempt end: after the count and options, the
        unknown words naming the thing ("a large BLORP", "a shot OF HAZELNUT"); None when
        what follows is no noun ("one TO be decaf", "almond milk INSTEAD")."""
        blocked = self.blocked - self.unknown
        k = opening
        while k < stop and (k in blocked or read_quantity(self.texts, k) is not None):
            k = self.option_ends.get(k, k + 1)
        end = None
        while k < stop and k not in blocked:
            if is_content(self.texts[k]):
                end = k = k + 1
            elif self.texts[k] in _NOUN_JOINERS and end is not None:
                k += 1
            else:
                break
        return end

    @staticmethod
    def _is_mention(i: int, mentions: list[OptionMention]) -> bool:
        return any(m.start == i for m in mentions)

    def _indices(self, start: int, end: int) -> set[int]:
        return {i for i, w in enumerate(self.words) if start <= w.start and w.end <= end}

    # --- output -------------------------------------------------------------------------

    def _line_entities(self, line: OrderLine, group: str) -> list[Entity]:
        item = self._entity("item", line.sku, line.start, line.end)
        if line.check:
            item["check"] = True
        entities = [item]
        if line.quantity is not None and line.quantity_span is not None:
            start, end = line.quantity_span
            entities.append(self._entity("quantity", str(line.quantity), start, end))
        for group_id, (choice, start, end) in line.options.items():
            entities.append(self._entity("option", f"{group_id}:{choice}", start, end))
        for start, end in line.unavailable:
            entities.append(self._entity("unavailable_option", self._said(start, end), start, end))
        for entity in entities:
            entity["group"] = group
        return entities

    def _entity(self, kind: str, value: str, start: int, end: int) -> Entity:
        words = self.words
        return Entity(entity=kind, value=value, start=words[start].start, end=words[end - 1].end)

    def _said(self, start: int, end: int) -> str:
        return self.text[self.words[start].start : self.words[end - 1].end]


def parse_order(text: str, lexicon: Lexicon | None) -> list[Entity]:
    """Parse one utterance; build an OrderParser instead when parsing many."""
    return OrderParser(lexicon).parse(text)


__all__ = ["Entity", "OrderParser", "Word", "parse_order"]
