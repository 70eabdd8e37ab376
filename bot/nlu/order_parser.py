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
item heard only by sound is marked `check` (and `strong` when it sounds like that item
only and a size or a count is said beside it: "a large lad"); an order part that
matched nothing becomes `unplaced`. An edit's verb and the words pointing at cart
lines ("delete BOTH lattes", "remove THE LAST ONE") are one `edit` entity
(contracts/cart_edits.py). An amount of money ("yes, pay the 15 yuan") is an `amount`
in fen (bot/nlu/amounts.py). An option said for an item that cannot have it ("a latte
with hazelnut" where the Latte has no syrup, "a large cola" where Cola comes in one
size) is an
`unavailable_option` of that item's line, so the dialogue can say it back.

This module runs the steps in order and numbers the lines; each step has its module:
merchant_names (a merchant named), menu_words (items, stores, options, lines opened),
line_carving (counts and variant lines), option_placement (options to lines, unavailable
options, loose ones), unplaced, all reading and extending one parse_state.ParseState.
"""

from __future__ import annotations

from bot.nlu.amounts import AMOUNT_ENTITY, find_amounts
from bot.nlu.edit_targets import (
    edit_parts,
    kept_parts,
    option_target,
    ordered_parts,
    read_edit,
    target_words,
)
from bot.nlu.line_carving import carve_variant_lines, count_forward, merge_restatements
from bot.nlu.menu_matcher import ITEM, STORE, MenuMatcher
from bot.nlu.menu_words import menu_words, open_lines, shot_of_something_else
from bot.nlu.merchant_names import MERCHANT_ENTITY, MerchantNames
from bot.nlu.numbers import ARTICLES
from bot.nlu.option_placement import add_loose, attach_options, unknown_extras
from bot.nlu.options import SIZE_GROUP, OptionMention, OptionVocabulary
from bot.nlu.order_lines import Entity, OrderLine, carve_variants, find_counts
from bot.nlu.parse_state import ParseState
from bot.nlu.pickup_times import find_pickup_times
from bot.nlu.unplaced import options_said_alone, unplaced_parts
from bot.nlu.utterance import Word
from bot.nlu.who_sells import asks_who_sells
from contracts.cart_edits import EDIT_ENTITY, CartEdit
from contracts.lexicon import Lexicon, LexiconItem

# Right before an option, these say it is NOT wanted ("no ice", "not iced"): it is left unset,
# which is the item's default. Phrases that say a choice ("no caffeine") match whole.
_NEGATIONS = frozenset({"no", "not", "without", "less", "nothing"})
_TAKES_BACK = frozenset({"no", "not", "without"})


class OrderParser:
    """Parses utterances against one lexicon (or none: then only counts, options, times)."""

    def __init__(self, lexicon: Lexicon | None) -> None:
        self.lexicon = lexicon
        self.matcher = MenuMatcher(lexicon) if lexicon is not None else None
        self.options = OptionVocabulary(lexicon)
        self._items = {item.sku: item for item in lexicon.items} if lexicon is not None else {}
        self.merchant_names = MerchantNames(lexicon.merchants if lexicon is not None else [])
        self._by_merchant: dict[str, OrderParser | None] = {}

    def parse(self, text: str, merchant_id: str = "") -> list[Entity]:
        """All entities in `text`, sorted by position, heard first as the merchant in use
        (`merchant_id`) sells: its own items and option groups, so another merchant's item
        never hides an option word here ("soya milk" at a café without soy milk). Only
        when that leaves words unplaced and another merchant sells an item in them is the
        whole platform's reading taken ("a cortado" at the bakery). "": no merchant in
        use, or a lexicon of one merchant: the whole lexicon; so is a question about who
        sells something ("who has matcha near me?", at the bakery too)."""
        mine = None if asks_who_sells(text) else self._merchant_parser(merchant_id)
        if mine is None:
            return self._heard(text)
        entities = mine._heard(text)
        if not any(entity["entity"] == "unplaced" for entity in entities):
            return entities
        everywhere = self._heard(text)
        elsewhere = {e["value"] for e in everywhere if e["entity"] == "item"} - set(mine._items)
        return everywhere if elsewhere else entities

    def _merchant_parser(self, merchant_id: str) -> OrderParser | None:
        """The parser of one merchant's own lexicon, built on first use and kept."""
        if not merchant_id or self.lexicon is None:
            return None
        if merchant_id not in self._by_merchant:
            own = self.lexicon.of_merchant(merchant_id)
            self._by_merchant[merchant_id] = OrderParser(own) if own is not None else None
        return self._by_merchant[merchant_id]

    def _parse(self, text: str) -> list[Entity]:
        state = ParseState(text, self.matcher, self.options, self._items)
        # "order from Copper Kettle", "the coffee place": a merchant's name is claimed first,
        # so its words ("coffee") are never heard as an item.
        for start, end, merchant_id in self.merchant_names.find(state.texts, state.blocked):
            state.out.append(state.entity(MERCHANT_ENTITY, merchant_id, start, end))
            state.blocked.update(range(start, end))
        return _entities(state)

    def _heard(self, text: str) -> list[Entity]:
        """All entities in `text`, sorted by position, against this parser's lexicon."""
        entities = self._parse(text)
        edit = next((e for e in entities if e["entity"] == EDIT_ENTITY), None)
        said = CartEdit.parse_raw(str(edit["value"])) if edit else None
        if edit is None or said is None or not (said.ordered or said.kept):
            return entities
        # "make the last one iced, and I'll have a steamer": the edit's words and the
        # order's are heard apart (blanked, so every offset stays), so neither's counts or
        # options join the other's items. Words that name what stays are in neither.
        ordering, keeping = _marked(text, said.ordered), _marked(text, said.kept)
        edited = self._parse(
            "".join(" " if o or k else c for c, o, k in zip(text, ordering, keeping, strict=True))
        )
        orders = self._parse("".join(c if o else " " for c, o in zip(text, ordering, strict=True)))
        groups = [int(str(e["group"])) for e in edited if str(e.get("group") or "").isdigit()]
        shift = max(groups, default=0)
        for entity in orders:
            if str(entity.get("group") or "").isdigit():
                entity["group"] = str(int(str(entity["group"])) + shift)
        kept = [e for e in edited if e["entity"] != EDIT_ENTITY]
        words = [e for e in orders if e["entity"] != EDIT_ENTITY]
        # "lose THE OAT ONE and add a cortado": the target is read in the edit's own words,
        # where no item of the order hides the option that names the line.
        # "scrap the extra soy milk, the one IN THE COMBO is enough": nor what stays.
        alone = next((e for e in edited if e["entity"] == EDIT_ENTITY), None)
        if alone is not None:
            target = CartEdit.parse_raw(str(alone["value"])).target
            if said.kept or (target.option and not said.target.option):
                value = said.copy(update={"target": target}).json(exclude_defaults=True)
                edit = {**edit, "value": value}
        merged = [*kept, *words, edit]
        return sorted(merged, key=lambda e: (e["start"], e["entity"]))

    def item(self, sku: str) -> LexiconItem | None:
        return self._items.get(sku)


def _taken_back(texts: list[str], mention: OptionMention) -> OptionMention | None:
    """A negated option: "no"/"without"/"not" take its choice back; "less" asks for what
    no menu choice says (nothing is set)."""
    return mention.taken_back() if texts[mention.start - 1] in _TAKES_BACK else None


_HOLDS = frozenset({"hold", "skip", "minus"})


def _held(texts: list[str], start: int) -> bool:
    """ "HOLD THE caramel", "SKIP the whipped cream", "minus the syrup": that choice off."""
    if start >= 1 and texts[start - 1] in _HOLDS:
        return True
    return start >= 2 and texts[start - 1] == "the" and texts[start - 2] in _HOLDS


def _marked(text: str, spans: tuple[tuple[int, int], ...]) -> list[bool]:
    """For each character of `text`, whether it lies in one of `spans`."""
    inside = [False] * len(text)
    for start, end in spans:
        inside[start:end] = [True] * (end - start)
    return inside


def _entities(state: ParseState) -> list[Entity]:
    """Amounts and times first (they claim their numbers), then items, options and stores, then
    counts, variants, options attached, unplaced parts; lines numbered in order."""
    texts = state.texts
    for amount in find_amounts(state.text, state.words):  # "pay the 15 yuan": no count, no time
        state.out.append(state.entity(AMOUNT_ENTITY, str(amount.fen), amount.start, amount.end))
        state.blocked.update(range(amount.start, amount.end))
    for spoken in find_pickup_times(texts):
        if state.blocked & set(range(spoken.claimed_from, spoken.end)):
            continue
        state.out.append(state.entity("pickup_time", spoken.value, spoken.start, spoken.end))
        state.blocked.update(range(spoken.claimed_from, spoken.end))
    matches, mentions = menu_words(state)
    for match in matches:
        state.blocked.update(range(match.start, match.end))
        if match.kind == STORE:
            state.out.append(state.entity("store", match.target, match.start, match.end))
    # "no, a small one" (a phrase at some merchants) answers with a size: a "no" set off
    # by a comma is a reply, not "without".
    negated = [
        m
        for m in mentions
        if m.start > 0 and texts[m.start - 1] in _NEGATIONS and m.start not in state.breaks
    ]
    for mention in mentions:
        state.blocked.update(range(mention.start, mention.end))
        state.option_ends[mention.start] = mention.end
        if not mention.known:
            state.unknown.update(range(mention.start, mention.end))
    # "no ice", "without oat milk", "hold the caramel": no choice of its own, the group as
    # it comes
    held = [m for m in mentions if _held(texts, m.start)]
    mentions = [
        back
        for m in mentions
        if (
            back := m.taken_back()
            if m in held
            else m
            if m not in negated
            else _taken_back(texts, m)
        )
        is not None
    ]
    mentions = [m for m in mentions if not shot_of_something_else(state, m)]
    open_lines(state, [m for m in matches if m.kind == ITEM])
    # "the last ONE", "the first TWO": which cart lines, never a count of items. With items
    # named, "two lattes, the first one with oat and the second one with soy" counts them.
    target = None
    if not any(match.kind == ITEM for match in matches):
        state.blocked.update(target_words(texts, state.kinds, state.blocked))
        # "get rid of THE ALMOND ONE": the option says which lines, it sets nothing
        if (target := option_target(texts, mentions)) is not None:
            mentions.remove(target)
            if texts[target.end : target.end + 1] in (["one"], ["ones"]):
                state.blocked.add(target.end)
    quantities = list(find_counts(texts, state.blocked))
    free = [q for q in quantities if not count_forward(state, q)]
    unplaced = unplaced_parts(state, quantities, mentions)
    unplaced += options_said_alone(state, quantities, mentions)  # "a doppio and a cortado"
    in_unplaced = {i for start, end in unplaced for i in range(start, end)}
    free = [q for q in free if q.start not in in_unplaced]
    mentions = [m for m in mentions if m.start not in in_unplaced]
    mentions = carve_variant_lines(state, free, mentions)
    attach_options(state, mentions)
    unknown_extras(state)  # "a mocha with extra whipped cream": said back, never dropped
    shared = _shares_of_lines_said(state)
    carve_variants(state.lines)
    merge_restatements(state)
    if not state.lines:
        add_loose(state, free, mentions)
    for start, end in unplaced:
        state.out.append(state.entity("unplaced", state.said(start, end), start, end))
    state.lines.sort(key=lambda line: line.start)
    # "and THE cappuccino with non-fat milk", "THE ONE WITH a soy milk": every item named
    # points at the cart's line
    definite = bool(state.lines) and all(_said_definitely(texts, line) for line in state.lines)
    for number, line in enumerate(state.lines, start=1):
        state.out.extend(_line_entities(state, line, str(number)))
    edit = read_edit(
        texts, state.kinds, state.blocked, definite, target.loose_value() if target else None
    )
    if shared:
        edit = None  # "two lattes, make one of the lattes large": this message's lines
    parts = edit_parts(texts, state.breaks) if edit is not None and not state.lines else []
    for start, end in parts:  # "make the first one iced and the second one decaf"
        claimed = {i - start for i in state.blocked if start <= i < end}
        said = read_edit(texts[start:end], state.kinds, claimed)
        if said is not None:
            value = said.json(exclude_defaults=True)
            state.out.append(state.entity(EDIT_ENTITY, value, start, end))
    if parts:
        edit = None
    if edit is not None and state.words:  # the whole utterance says it
        # "take off the hash brown and add a youtiao": the parts that order an item
        ordered = [
            (start, end)
            for start, end in ordered_parts(texts, state.breaks)
            if any(start <= line.start < end for line in state.lines)
        ]
        # "..., I just want THE combo" keeps a line; "..., I just want A mocha" orders one
        kept = [span for span in _kept(state) if _names_lines(texts, state.lines, span)]
        ordered = [span for span in ordered if not any(_overlap(span, k) for k in kept)]
        if ordered and edit.verb is not None:
            spans = tuple(state.span(start, end) for start, end in ordered)
            edit = edit.copy(update={"ordered": spans})
        if kept:
            edit = edit.copy(update={"kept": tuple(state.span(start, end) for start, end in kept)})
        value = edit.json(exclude_defaults=True)
        state.out.append(state.entity(EDIT_ENTITY, value, 0, len(state.words)))
    return sorted(state.out, key=lambda e: (e["start"], e["entity"]))


def _names_lines(texts: list[str], lines: list[OrderLine], span: tuple[int, int]) -> bool:
    """Whether an item said in words[span] is said as the cart's ("the combo")."""
    inside = [line for line in lines if span[0] <= line.start < span[1]]
    return any(texts[line.start - 1 : line.start] in _DEFINITE for line in inside)


_DEFINITE = (["the"], ["my"], ["that"], ["this"], ["those"], ["these"])


def _overlap(one: tuple[int, int], other: tuple[int, int]) -> bool:
    return one[0] < other[1] and other[0] < one[1]


def _kept(state: ParseState) -> list[tuple[int, int]]:
    """The parts of a removal that name lines to keep (edit_targets.kept_parts) and name
    one. A reason before the removal counts only when the removal names a line of its own
    ("the latte already has oat milk, remove it" removes the latte)."""
    kept = [
        (start, end)
        for start, end in kept_parts(state.texts, state.breaks)
        if any(start <= line.start < end for line in state.lines)
    ]
    outside = [line for line in state.lines if not any(s <= line.start < e for s, e in kept)]
    return kept[1:] if kept and kept[0][0] == 0 and not outside else kept


_SHARE_OF = (["of", "the"], ["of", "my"], ["of", "those"], ["of", "these"])


def _shares_of_lines_said(state: ParseState) -> bool:
    """ "four muffins and two lattes, make ONE OF THE LATTES large": a count said with "of
    the" before an item this message already ordered, with more, is a share of that line
    (a variant carved out of it), not more of the item. Whether any was found."""
    found = False
    for line in state.lines:
        span, lead = line.quantity_span, state.texts[line.start - 2 : line.start]
        if line.variant_of is not None or span is None or span[1] != line.start - 2:
            continue
        earlier = [
            b
            for b in state.lines
            if b.end <= span[0] and b.sku == line.sku and b.variant_of is None
        ]
        if lead in _SHARE_OF and earlier and (earlier[-1].quantity or 1) > (line.quantity or 1):
            line.variant_of, found = earlier[-1], True
    return found


def _said_definitely(texts: list[str], line: OrderLine) -> bool:
    """Whether the item is said as a line of the cart: "THE cappuccino", or what the line
    comes with, "THE ONE WITH (a) soy milk", whose article then counts nothing (the
    line's count is dropped)."""
    if line.quantity is None and texts[line.start - 1 : line.start] in (["the"], ["my"]):
        return True  # "the cappuccino with ...", "my mocha bigger"
    k = line.start - 1
    article = k >= 0 and texts[k] in ARTICLES and line.quantity_span == (k, k + 1)
    k -= article
    if k < 2 or texts[k - 2 : k + 1] not in (["the", "one", "with"], ["the", "ones", "with"]):
        return False
    if article:
        line.quantity, line.quantity_span = None, None
    return line.quantity is None


def _line_entities(state: ParseState, line: OrderLine, group: str) -> list[Entity]:
    item = state.entity("item", line.sku, line.start, line.end)
    if line.check:
        item["check"] = True
        if _strong_guess(line):
            item["strong"] = True
    entities = [item]
    if line.quantity is not None and line.quantity_span is not None:
        start, end = line.quantity_span
        entities.append(state.entity("quantity", str(line.quantity), start, end))
    for group_id, (choice, start, end) in line.options.items():
        entities.append(state.entity("option", f"{group_id}:{choice}", start, end))
    for start, end in line.unavailable:
        entities.append(state.entity("unavailable_option", state.said(start, end), start, end))
    for entity in entities:
        entity["group"] = group
    return entities


def _strong_guess(line: OrderLine) -> bool:
    """An unsure item that sounds like one menu item only, with its size or a count said
    beside it ("a large lad", "two lates"): added and named, not asked about."""
    counted = line.quantity is not None and not line.counted_by_article
    return line.unique and (SIZE_GROUP in line.options or counted)


def parse_order(text: str, lexicon: Lexicon | None) -> list[Entity]:
    """Parse one utterance; build an OrderParser instead when parsing many."""
    return OrderParser(lexicon).parse(text)


__all__ = ["Entity", "OrderParser", "Word", "parse_order"]
