"""Edits that point at cart lines: by position, quantifier, pointer or the part inside one.

The NLU sends the verb and the target as one `edit` entity (contracts/cart_edits.py);
the new values (counts, options, another item) come as the usual order entities. Here the
target is resolved against the cart: "remove the last one" is the newest line, "delete
both lattes" every Latte line, "switch one of them to oat" one of the line under
discussion (split off), "change the last one to a latte" swaps that line for the item
(a combo's drink when it is one: "switch one of the combos to soy milk"), "change the
tea to a wild strawberry" the one line whose item is a tea, "make the drink large" the
combo's drink, which is a part of the combo line and never a line of
its own. A target that fits several lines is never
guessed: the assistant asks, naming them. An edit verb never adds anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from actions.cart import Line, Mention, Utterance, add, resolve, valid_options
from actions.merchants.backend import Menu, MenuItem
from actions.phrasing import describe_line, join_words
from contracts.cart_edits import CHANGE, COMPLAIN, EDIT_ENTITY, REMOVE, CartEdit, Target

DRINK = "drink"
COMPLAINT_REPLY = "Sorry about that. I haven't changed anything. What should I change?"


@dataclass(frozen=True)
class Outcome:
    """The cart after an edit, the lines it touched, or a question instead of a change
    (naming `candidates`, the lines it could mean)."""

    cart: list[Line]
    touched: list[Line] = field(default_factory=list)
    question: str = ""
    candidates: list[Line] = field(default_factory=list)
    # Lines the edit meant that cannot take what was asked ("both large" over a youtiao):
    # left as they were, and said back.
    refused: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class _Several:
    """The target fits these lines (indices into the cart): ask, never guess."""

    indices: list[int]


def read_edit(entities: Iterable[Mapping[str, Any]]) -> CartEdit | None:
    """The `edit` entity of a message; a malformed one (a forged payload) counts as none."""
    for entity in entities:
        if entity.get("entity") == EDIT_ENTITY:
            try:
                return CartEdit.parse_raw(str(entity.get("value") or ""))
            except ValidationError:
                return None
    return None


def edits_by_part(
    entities: Iterable[Mapping[str, Any]],
) -> list[tuple[CartEdit, list[Mapping[str, Any]]]]:
    """A message that says several edits, each with the entities said in its part ("make
    the first one iced AND the second one decaf"); empty when it says one or none."""
    entities = list(entities)
    parts = [e for e in entities if e.get("entity") == EDIT_ENTITY and "start" in e]
    if len(parts) < 2:
        return []
    found = []
    for part in parts:
        edit = read_edit([part])
        if edit is None:
            return []  # a forged or broken part: none of them is done
        start, end = int(part["start"]), int(part["end"])
        inside = [
            e
            for e in entities
            if e.get("entity") != EDIT_ENTITY and start <= int(e.get("start", -1)) < end
        ]
        found.append((edit, inside))
    return found


def apply_all(
    cart: list[Line],
    parts: list[tuple[CartEdit, Utterance]],
    menu: Menu,
    last_sku: str | None,
) -> Outcome | None:
    """Several edits of lines by place, each placed in the cart as it was said: changes
    first, then removals from the last place back, so no edit moves another's line. None
    when any of them points at no line or needs a question (nothing is done then)."""
    changes = [(e, u) for e, u in parts if e.verb != REMOVE]
    removals = sorted(
        ((e, u) for e, u in parts if e.verb == REMOVE),
        key=lambda part: _from_end(part[0].target.position, len(cart)),
    )
    result, touched, refused = list(cart), list[Line](), list[Line]()
    for edit, said in [*changes, *removals]:
        outcome = apply(result, edit, said, menu, last_sku)
        if outcome is None or outcome.question:
            return None
        result, touched, refused = (
            outcome.cart,
            touched + outcome.touched,
            refused + outcome.refused,
        )
    return Outcome(result, touched, refused=refused)


def _from_end(position: int | None, size: int) -> int:
    """How far from the cart's end a place is (the last one is 0), for removing in order."""
    if position is None:
        return size
    return -position - 1 if position < 0 else size - position


def ordered_beside_edit(
    entities: Iterable[Mapping[str, Any]],
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """An edit's entities split in two: those it edits with, and those said in the parts
    of the message that order (`CartEdit.ordered`: "take off the hash brown and add a
    youtiao", "add a cortado and remove the latte", "make the fries large and add a cola")."""
    entities = list(entities)
    edit = read_edit(entities)
    spans = edit.ordered if edit else ()

    def ordered(entity: Mapping[str, Any]) -> bool:
        at = entity.get("start")
        return (
            at is not None
            and entity.get("entity") != EDIT_ENTITY
            and any(start <= int(at) < end for start, end in spans)
        )

    return [e for e in entities if not ordered(e)], [e for e in entities if ordered(e)]


def points_at_lines(edit: CartEdit | None) -> bool:
    """Whether the edit names its lines in a way only this module resolves."""
    if edit is None:
        return False
    target = edit.target
    return edit.verb == COMPLAIN or bool(
        target.position is not None
        or target.every
        or target.count
        or target.part
        or target.kind
        or target.other
        or target.option
    )


def names_combo_drink(
    cart: list[Line], edit: CartEdit, mentions: list[Mention], menu: Menu
) -> bool:
    """ "the drink should be a soy milk" with a combo in the cart: the items named are
    drinks of a combo there (or that combo, with no count), so they choose its drink
    and order nothing. "one of the combos should have soy milk instead": that combo,
    heard with its drink chosen and counted by the target only, is an edit of it."""
    combos = [line for line in cart if (item := menu.find(line.sku)) and item.group(DRINK)]
    if not combos:
        return False
    if edit.target.part != DRINK:
        return bool(mentions) and (
            all(
                DRINK in m.options
                and m.quantity in (None, edit.target.count)
                and any(line.sku == m.sku for line in combos)
                for m in mentions
            )
            # "could two of them be soy milk instead of coffee" over combos and no drink
            # line: the drinks are those combos', counted by the pointer, never ordered
            or (
                edit.target.pointer
                and all(
                    m.quantity in (None, edit.target.count)
                    and any(_is_drink_of(line, m.sku, menu) for line in combos)
                    and not any(line.sku == m.sku for line in cart)
                    for m in mentions
                )
            )
        )
    return all(
        any(_is_drink_of(line, m.sku, menu) for line in combos)
        or (m.quantity is None and any(line.sku == m.sku for line in combos))
        for m in mentions
    )


def drink_named_as_line(
    cart: list[Line], edit: CartEdit | None, mentions: list[Mention], menu: Menu
) -> CartEdit | None:
    """ "make the soy milk large" over a combo with a soy milk and no Soy Milk line: the
    drink named is the combo's drink, a part of that line ("make the drink large"), never
    a line of its own. The edit as one of the combo's drink; None when it is not that."""
    if edit is None or edit.verb not in (None, CHANGE) or edit.target.part or not mentions:
        return None  # a removal or a complaint is no change of the combo's drink
    if any(m.quantity for m in mentions) and not edit.target.other:
        # "make me two soy milks": counted, they are ordered ("the other ONE with a large
        # coffee" is counted by its pointer, and orders nothing)
        return None
    if any(line.sku == m.sku for m in mentions for line in cart):
        return None  # a line of its own is that line
    if not all(
        any(
            _is_drink_of(line, m.sku, menu) and line.chosen(menu).get(DRINK) == m.sku
            for line in cart
        )
        for m in mentions
    ):
        return None
    return edit.copy(update={"target": edit.target.copy(update={"part": DRINK})})


def apply(
    cart: list[Line], edit: CartEdit, said: Utterance, menu: Menu, last_sku: str | None
) -> Outcome | None:
    """What the edit does to the cart; None when it points at no line (nothing changes)."""
    if edit.verb == COMPLAIN:
        return Outcome(cart, question=COMPLAINT_REPLY)
    target = edit.target
    if target.part == DRINK and (outcome := _edit_part(cart, edit, said, menu, last_sku)):
        return outcome
    if combo_edit := _combos_by_drink(cart, edit, said, menu):
        return combo_edit
    new_item = _new_item(cart, edit, said, menu)
    named = [m for m in said.mentions if m is not new_item]
    chosen = _lines(cart, target, named, menu, last_sku)
    if chosen is None and (within := _place_within_line(cart, target, named, last_sku)):
        # "make the second one large" over one line of 2 Cold Brews: one of them
        one = edit.copy(update={"target": target.copy(update={"count": 1, "position": None})})
        return change_lines(cart, within, one, said, menu)
    if chosen is None:
        return None
    if isinstance(chosen, _Several):
        return _which(cart, chosen.indices, menu, "Which one do you mean")
    return change_lines(cart, chosen, edit, said, menu)


def _combos_by_drink(
    cart: list[Line], edit: CartEdit, said: Utterance, menu: Menu
) -> Outcome | None:
    """ "could two of them be soy milk instead of coffee", "one of those with a big soy
    milk" over combos and no drink line: the drinks named are the combos' drinks, never
    lines. The combos pointed at are those with a drink named (all when none has one),
    and a drink named that they do not have is their new drink; the pointer's count
    splits them off. None when the edit is not that."""
    target = edit.target
    combos = [i for i, line in enumerate(cart) if (it := menu.find(line.sku)) and it.group(DRINK)]
    if not (target.pointer and combos and said.mentions) or target.part:
        return None
    skus = {line.sku for line in cart}
    if not all(
        m.sku not in skus and any(_is_drink_of(cart[i], m.sku, menu) for i in combos)
        for m in said.mentions
    ):
        return None
    options = {k: v for m in said.mentions for k, v in m.options.items()}
    if len(said.mentions) == 1 and not options:
        # "can one of them have soy milk too": one drink said alone is the new drink of
        # combos that do not have it yet
        drink = said.mentions[0].sku
        combos = [i for i in combos if cart[i].chosen(menu).get(DRINK) != drink] or combos
    had = {cart[i].chosen(menu).get(DRINK) for i in combos}
    old = {m.sku for m in said.mentions if m.sku in had}
    chosen = [i for i in combos if not old or cart[i].chosen(menu).get(DRINK) in old]
    if len(chosen) > 1 and not target.every:
        return _which(cart, chosen, menu, "Which one do you mean")
    new = [replace(m, options=options) for m in said.mentions if m.sku not in had]
    loose = replace(said.loose, options={**said.loose.options, **options})
    change = edit.copy(update={"verb": edit.verb or CHANGE})
    return change_lines(cart, chosen, change, replace(said, mentions=new[-1:], loose=loose), menu)


def change_lines(
    cart: list[Line], chosen: list[int], edit: CartEdit, said: Utterance, menu: Menu
) -> Outcome:
    """The edit done to the lines at these indices (chosen by the target, or by the
    customer's answer to "Which one do you mean?")."""
    target = edit.target
    if target.count and len(said.shares) > 1 and edit.verb != REMOVE and not said.mentions:
        return _split(cart, chosen, target.count, said.shares, menu)
    options = {**said.loose.options, **{k: v for m in said.mentions for k, v in m.options.items()}}
    # "one of them" says which lines, not how many: not a new count. The words of "the
    # last one", "all three" are no counts (bot/nlu/edit_targets.target_words), so a count
    # said beside them is the new one: "the last one, make it three", "two of each".
    quantity = None if target.count else said.loose.quantity
    new_item = _new_item(cart, edit, said, menu)
    verb = edit.verb or (CHANGE if options or quantity else None)
    result, touched = list(cart), []
    refused: list[Line] = []
    for index in sorted(chosen, reverse=True):
        line = result[index]
        new = _changed(line, options, new_item, menu)
        if (options or new_item) and new is None and verb != REMOVE:
            refused.insert(0, line)
            continue
        if verb == REMOVE:
            if target.count and target.count < line.quantity:
                result[index] = replace(line, quantity=line.quantity - target.count)
            else:
                del result[index]
        elif new and target.count and target.count < line.quantity:
            split = replace(new, quantity=target.count)
            result[index : index + 1] = [
                replace(line, quantity=line.quantity - target.count),
                split,
            ]
            touched.append(split)
        elif new or quantity or target.count:
            # "only one of those": a count with nothing else to change is the new count.
            new = replace(
                new or line,
                quantity=quantity or (target.count if not new else None) or line.quantity,
            )
            result[index] = new
            touched.append(new)
    return Outcome(add([], result, menu), touched, refused=refused)


def _split(
    cart: list[Line], chosen: list[int], count: int, shares: list[Mention], menu: Menu
) -> Outcome:
    """ "make one of them small and one of them large" over 3 Hot Chocolates: each part
    said takes its count (the one of "one of them" when it names none) off the line with
    its options, the rest stay as they were. A line with fewer than the parts need, or one
    a part's options cannot apply to, is left as it was and said back."""
    result, touched = list(cart), []
    refused: list[Line] = []
    for index in sorted(chosen, reverse=True):
        line = result[index]
        counts = [share.quantity or count for share in shares]
        parts = [_changed(line, share.options, None, menu) for share in shares]
        if sum(counts) > line.quantity or any(part is None for part in parts):
            refused.insert(0, line)
            continue
        left = line.quantity - sum(counts)
        split = [replace(part, quantity=n) for part, n in zip(parts, counts, strict=True) if part]
        result[index : index + 1] = [replace(line, quantity=left)] * bool(left) + split
        touched += split
    return Outcome(add([], result, menu), touched, refused=refused)


def unclear_removal(cart: list[Line], mentions: list[Mention], menu: Menu) -> Mention | None:
    """The first item named for removal that several cart lines could be ("remove a
    mocha" over an almond Mocha and a decaf Mocha): asked about, never guessed."""
    return next((m for m in mentions if len(lines_of(cart, m, menu)) > 1), None)


def lines_of(cart: list[Line], mention: Mention, menu: Menu) -> list[int]:
    """The indices of the lines the mention could be: those of its item with the options
    said, or when none has them, every line of its item ("the large latte" when it is
    medium is still that latte)."""
    lines = [i for i, line in enumerate(cart) if line.sku == mention.sku]
    said = mention.options.items()
    strict = [i for i in lines if all(cart[i].chosen(menu).get(g) == c for g, c in said)]
    return strict or lines


def which_removal(cart: list[Line], mention: Mention, menu: Menu) -> tuple[Outcome, CartEdit]:
    """ "Which one do you mean: ...?" about a removal, and the edit the answer applies:
    "remove a mocha" takes one away from the line picked, "remove the mocha" all of it."""
    edit = CartEdit(verb=REMOVE, target=Target(count=mention.quantity))
    return _which(cart, lines_of(cart, mention, menu), menu, "Which one do you mean"), edit


def _new_item(cart: list[Line], edit: CartEdit, said: Utterance, menu: Menu) -> Mention | None:
    """The item a changed line becomes ("change the last one to a latte", "switch one
    of the combos to soy milk"): the last item named that is not in the cart, or of two
    items named, the second ("change the latte to an americano"), or one said with a count
    over a line chosen by place. None for other edits."""
    if edit.verb != CHANGE:
        return None
    known = [m for m in said.mentions if m.sku and menu.find(m.sku)]
    in_cart = {line.sku for line in cart}
    outside = [m for m in known if m.sku not in in_cart]
    if outside:
        return outside[-1]
    if len({m.sku for m in known}) > 1:
        return known[-1]
    by_place = edit.target.position is not None or edit.target.other
    if by_place and known and known[-1].quantity:
        # "change the second one to a latte" with a latte elsewhere in the cart: the place
        # says which line, and an item said with a count ("a latte", unlike "the second
        # latte") is what that line becomes.
        return known[-1]
    return None


def _changed(
    line: Line, options: dict[str, str], new_item: Mention | None, menu: Menu
) -> Line | None:
    """The line with the options said and as the new item (a combo's drink when it is
    one of its drinks, else the item itself, keeping the options both have); None when
    nothing said applies to it."""
    item = menu.find(line.sku)
    if item is None:
        return None
    wanted = valid_options(item, options)
    if new_item and new_item.sku != line.sku:
        if not _is_drink_of(line, new_item.sku, menu):
            kept = {**line.options, **options, **new_item.options}
            return resolve(replace(new_item, quantity=line.quantity, options=kept), menu)
        wanted[DRINK] = str(new_item.sku)
    return replace(line, options={**line.options, **wanted}) if wanted else None


def _which(cart: list[Line], indices: list[int], menu: Menu, ask: str) -> Outcome:
    lines = [describe_line(cart[i].request(), menu) for i in indices]
    question = f"{ask}: {join_words(lines).replace(' and ', ' or ')}?"
    return Outcome(cart, question=question, candidates=[cart[i] for i in indices])


def _lines(
    cart: list[Line], target: Target, mentions: list[Mention], menu: Menu, last_sku: str | None
) -> list[int] | _Several | None:
    """The indices of the lines the target means, the candidates when it could mean
    several, or None when it means none."""
    named = {m.sku for m in mentions if m.sku and menu.find(m.sku)}
    # "both of them" with no item named is every line, whatever its item.
    by_pointer = (
        target.position is None and not target.every and not target.kind and not target.option
    )
    sku_pool = named or ({last_sku} if last_sku and by_pointer else set())
    candidates = [
        i
        for i, line in enumerate(cart)
        if (not sku_pool or line.sku in sku_pool)
        and _of_kind(line, target.kind, menu)
        and _has_option(line, target.option, menu)
    ]
    if target.kind and target.lines and len(candidates) < target.lines:
        # "both drinks" over a Mocha and a tea, where the menu files teas apart from its
        # drinks: the lines said are the two there are, named loosely (asked if not two)
        candidates = [i for i, line in enumerate(cart) if not sku_pool or line.sku in sku_pool]
    if target.other:
        return _other(cart, candidates)
    if not candidates:
        return None
    span = target.lines or 1
    if target.position is not None:
        # "the second one", "the last two", "the first two": that many lines from there
        at = target.position - 1 if target.position > 0 else len(candidates) - span
        return list(range(at, at + span)) if 0 <= at <= len(candidates) - span else None
    if target.lines:  # "the two teas": exactly that many, or which ones is asked
        if len(candidates) < target.lines:
            return None
        return candidates if len(candidates) == target.lines else _Several(candidates)
    if target.every:
        return candidates
    if len(candidates) > 1 and (named or target.kind or target.option) and not target.pointer:
        # "the latte", "the tea", "the iced one": which one is not guessed
        return _Several(candidates)
    return [candidates[-1]]


def _place_within_line(
    cart: list[Line], target: Target, mentions: list[Mention], last_sku: str | None
) -> list[int] | None:
    """ "the second one" when the cart has fewer lines than that but one line (of the item
    named, or else under discussion) holds that many: the index of that line, whose items
    the place counts; None otherwise."""
    if target.position is None or target.position < 2 or target.lines or target.every:
        return None
    skus = {m.sku for m in mentions if m.sku} or ({last_sku} if last_sku else set())
    lines = [i for i, line in enumerate(cart) if line.sku in skus]
    if len(cart) >= target.position or len(lines) != 1:
        return None
    return lines if cart[lines[0]].quantity >= target.position else None


def _other(cart: list[Line], candidates: list[int]) -> list[int] | _Several | None:
    """ "make the other one iced" after "two lattes, one with oat milk": of the two lines
    of one item, the one the previous message did not single out, which is the one
    without the options said for the other. With no such pair, which one is asked."""
    if len(candidates) == 2:
        first, second = (cart[i] for i in candidates)
        # the options said, not the defaults: "one with oat milk" sets milk over whole
        mine, theirs = first.options.items(), second.options.items()
        if first.sku == second.sku and mine != theirs:
            if mine <= theirs:
                return [candidates[0]]
            if theirs <= mine:
                return [candidates[1]]
    every = candidates if len(candidates) > 1 else list(range(len(cart)))
    return _Several(every) if len(every) > 1 else None


def _of_kind(line: Line, kind: str | None, menu: Menu) -> bool:
    """Whether the line's item is of the kind said ("the tea", "the coffee"); any line
    when none was."""
    if kind is None:
        return True
    item = menu.find(line.sku)
    return item is not None and (item.category == kind or _called(item, kind))


def _has_option(line: Line, option: str | None, menu: Menu) -> bool:
    """Whether the line has the option said ("group:choice", "the caramel one"); any line
    when none was."""
    if option is None:
        return True
    group, _, choice = option.partition(":")
    return line.chosen(menu).get(group) == choice


def _called(item: MenuItem, word: str) -> bool:
    """Whether the item goes by this word among others ("coffee" in "cold brew coffee"):
    a word for a kind of item, like a category."""
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.I)
    return any(pattern.search(p) for p in (item.name, *item.aliases))


def kind_said_as_item(
    text: str, entities: list[Mapping[str, Any]], cart: list[Line], menu: Menu
) -> list[Mapping[str, Any]] | None:
    """ "put oat milk in THE COFFEE" over a Chai Latte and a Cold Brew: "coffee" is an
    alias of the Americano, but said with "the" and only options, over a cart with no
    Americano and a line called "... coffee", it is a kind of item pointing at the cart
    (like "the tea"), never an order of an Americano. Said with a quantifier over
    several lines called so ("make BOTH COFFEES large" over an Americano and a Latte
    called "milk coffee"), it is every line of that kind, not the Americano alone. The
    entities with the item made an edit of that kind (its options loose, for the lines of
    that kind); None when no item is said that way."""
    for entity in entities:
        if entity.get("entity") != "item" or "start" not in entity or entity.get("check"):
            continue
        sku, start, end = str(entity.get("value")), int(entity["start"]), int(entity["end"])
        said_before = text[:start].lower().split()
        group = entity.get("group")
        members = [e for e in entities if group not in (None, "") and e.get("group") == group]
        word = _kind_word(text[start:end].lower(), cart, menu)
        called = [line for line in cart if (item := menu.find(line.sku)) and _called(item, word)]
        # "make both coffees large" over an Americano and a Latte: every line called so,
        # unless the item heard alone fills the quantifier ("both lattes" over 2 Lattes).
        every = _quantified(said_before)
        own = sum(line.quantity for line in cart if line.sku == sku)
        if any(e.get("entity") == "quantity" for e in members) or not (
            (every and own < 2 and len(called) > 1)
            or (
                called
                and said_before[-1:] in (["the"], ["my"])
                and not any(line.sku == sku for line in cart)
                and any(e.get("entity") in ("option", "unavailable_option") for e in members)
            )
        ):
            continue
        heard = read_edit(entities)
        edit = CartEdit(verb=heard.verb if heard else None, target=Target(kind=word, every=every))
        kept: list[Mapping[str, Any]] = [
            {k: v for k, v in e.items() if k != "group"} if e in members else e
            for e in entities
            if e is not entity and e.get("entity") != EDIT_ENTITY
        ]
        return [*kept, {"entity": EDIT_ENTITY, "value": edit.json(exclude_defaults=True)}]
    return None


# Before a kind of item said as an item, these take every line of it: "BOTH coffees",
# "ALL THE coffees", "ALL OF MY coffees".
_QUANTIFIERS = frozenset({"both", "all", "every"})


def _quantified(said_before: list[str]) -> bool:
    """Whether the words before a kind end with a quantifier over it ("both", "all the",
    "all of my")."""
    words = [w for w in said_before[-3:] if w not in ("the", "my", "of")]
    return bool(words) and words[-1] in _QUANTIFIERS


def _kind_word(word: str, cart: list[Line], menu: Menu) -> str:
    """The word as cart lines are called by it: "coffees" is said of lines called
    "coffee"."""
    one = word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
    lines = [item for line in cart if (item := menu.find(line.sku))]
    return word if any(_called(item, word) for item in lines) or one == word else one


def _edit_part(
    cart: list[Line], edit: CartEdit, said: Utterance, menu: Menu, last_sku: str | None
) -> Outcome | None:
    """ "make the drink large", "make the soy milk in my combo a large one": the combo's
    drink is its `drink` option (and the combo's size is the drink's): the combo line
    changes, no drink line is added or changed."""
    combos = [i for i, line in enumerate(cart) if (it := menu.find(line.sku)) and it.group(DRINK)]
    if not combos:
        return None
    drinks = [m.sku for m in said.mentions if _is_drink_of(cart[combos[0]], m.sku, menu)]
    named = {m.sku for m in said.mentions if m.sku in {cart[i].sku for i in combos}}
    pool = [i for i in combos if not named or cart[i].sku in named]
    with_drink = [i for i in pool if drinks and cart[i].chosen(menu).get(DRINK) in drinks]
    if edit.target.every:
        chosen = pool
    elif len(with_drink) == 1 or len(pool) == 1:
        chosen = with_drink or pool
    elif last_sku and any(cart[i].sku == last_sku for i in pool):
        chosen = [max(i for i in pool if cart[i].sku == last_sku)]
    else:
        return _which(cart, pool, menu, "Which one")
    options = {**said.loose.options, **{k: v for m in said.mentions for k, v in m.options.items()}}
    # "make the drink in my combo a soy milk", "soy milk in the combo instead of the
    # coffee": the drink said that the combo does not have yet is its new one.
    had = {cart[i].chosen(menu).get(DRINK) for i in chosen}
    if new_drinks := [d for d in drinks if d not in had]:
        options[DRINK] = str(new_drinks[-1])
    result, touched = list(cart), []
    for index in chosen:
        item = menu.find(result[index].sku)
        wanted = valid_options(item, options) if item else {}
        result[index] = replace(result[index], options={**result[index].options, **wanted})
        touched.append(result[index])
    return Outcome(add([], result, menu), touched)


def _is_drink_of(line: Line, sku: str | None, menu: Menu) -> bool:
    item = menu.find(line.sku)
    group = item.group(DRINK) if item else None
    return bool(sku and group and group.choice(sku))


def chosen_candidate(
    cart: list[Line],
    candidates: list[Line],
    answer: Utterance,
    edit: CartEdit | None,
    menu: Menu,
) -> int | None:
    """The cart index of the line the answer to "Which one do you mean: ...?" picks:
    by its place in the question ("the second", "the last one"), by what sets it apart
    ("the large one", "the oat one") or by its name ("the latte"); None when the answer
    picks no single one of them (or it is no longer in the cart)."""
    picked = candidates
    position = edit.target.position if edit else None
    if position is not None:
        at = position - 1 if position > 0 else position
        picked = [candidates[at]] if -len(candidates) <= at < len(candidates) else []
    said = [*answer.mentions, answer.loose]
    skus = {m.sku for m in said if m.sku}
    options = {k: v for m in said for k, v in m.options.items()}
    picked = [
        line
        for line in picked
        if (not skus or line.sku in skus)
        and all(line.chosen(menu).get(group) == choice for group, choice in options.items())
    ]
    if len(picked) != 1 or (position is None and not skus and not options):
        return None
    return next((i for i, line in enumerate(cart) if line == picked[0]), None)
