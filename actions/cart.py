"""The cart as the conversation builds it: pure logic, no I/O.

The NLU (``bot/nlu``, contract C2) marks each order line of an utterance as a group
of entities: ``item`` (a sku, with ``check: true`` when the match was unsure, and
``strong: true`` when it was still the only item it could be, beside a size or count),
``quantity`` and ``option`` ("milk:oat", "size:large"). Entities outside any group
("make that three", "make it oat milk", "make one of them decaf") apply to the line
under discussion. ``unplaced`` entities are words that looked like part of an order
but matched nothing; ``unavailable_option`` entities are option words said for a line's
item that it cannot have ("2% milk" on a Latte with no milk choice), to be said back.
Every item, group and choice comes from the menu: nothing here knows a merchant's
catalogue. Prices are not computed here: the merchant prices carts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from actions.merchants.backend import LineRequest, Menu, MenuItem

UNAVAILABLE = "unavailable_option"
ORDER_ENTITIES = ("item", "quantity", "option", UNAVAILABLE)
# The option group every sized item shares (contract C1): the assistant offers the other
# size after adding an item at its default.
SIZE_GROUP = "size"


@dataclass(frozen=True)
class Mention:
    """One order line as said: what the customer named, nothing resolved yet."""

    sku: str | None = None
    quantity: int | None = None
    options: dict[str, str] = field(default_factory=dict)  # group id -> choice id
    check: bool = False  # the NLU was unsure of the item: ask before adding it
    # ... but it sounds like this item only, with a size or count beside it: add it and
    # name it, so the customer can take it off ("a large lad").
    strong: bool = False
    unavailable: tuple[str, ...] = ()  # option words said that the item cannot have


@dataclass(frozen=True)
class Utterance:
    """What one message says about the cart."""

    mentions: list[Mention]
    loose: Mention  # quantity and options said without an item
    unplaced: list[str]  # words that were not understood as part of the order
    # The loose remainder in the parts it was said in: a new part starts where a count
    # or an option group comes again ("one of them small and one of them large" is two).
    shares: list[Mention] = field(default_factory=list)

    @property
    def takes_back(self) -> bool:
        """Whether an option is taken back ("no ice", "hold the caramel": no choice)."""
        return any("" in m.options.values() for m in [*self.mentions, self.loose])


def read_entities(entities: Iterable[Mapping[str, Any]]) -> Utterance:
    """Split NLU entities into order lines, the loose remainder and unplaced words.

    Grouped entities form one line per group; a group with options but no item
    ("one decaf latte and ONE REGULAR") is another line of the item before it.
    Entities without a group (hand annotations, button payloads) are grouped by
    position when they name items: a quantity or option belongs to the next item
    named, or to the last one (a second line of it when that detail is already set).
    """
    entities = list(entities)
    relevant = [e for e in entities if e.get("entity") in ORDER_ENTITIES and e.get("value")]
    unplaced = [
        str(e["value"]) for e in entities if e.get("entity") == "unplaced" and e.get("value")
    ]
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for entity in relevant:
        if entity.get("group") not in (None, ""):
            grouped.setdefault(str(entity["group"]), []).append(entity)
    lines: list[dict[str, Any]] = []
    for _, members in sorted(grouped.items(), key=lambda kv: _group_order(kv[0])):
        fields: dict[str, Any] = {"options": {}}
        for entity in members:
            _collect(fields, entity)
        if set(fields) == {"options", "unavailable"} and not fields["options"] and lines:
            lines[-1].setdefault("unavailable", []).extend(fields["unavailable"])
            continue  # nothing but words to say back: they are the line before's
        if "sku" not in fields and lines:
            fields["sku"] = lines[-1]["sku"]
        if "sku" in fields:
            lines.append(fields)
    ungrouped = sorted(
        (e for e in relevant if e.get("group") in (None, "")), key=lambda e: e.get("start", 0)
    )
    loose: dict[str, Any] = {"options": {}}
    shares: list[dict[str, Any]] = []
    if any(e["entity"] == "item" for e in ungrouped):
        waiting: list[Mapping[str, Any]] = []
        last: dict[str, Any] | None = None
        for entity in ungrouped:
            if entity["entity"] != "item":
                waiting.append(entity)
                continue
            last = {"options": {}}
            lines.append(last)
            for member in [*waiting, entity]:
                _collect(last, member)
            waiting = []
        for entity in waiting:
            assert last is not None
            if _already_set(last, entity):
                last = {"sku": last["sku"], "options": {}}
                lines.append(last)
            _collect(last, entity)
    else:
        for entity in ungrouped:
            _collect(loose, entity)
            if not shares or _already_set(shares[-1], entity):
                shares.append({"options": {}})
            _collect(shares[-1], entity)
    return Utterance(
        [_mention(f) for f in lines], _mention(loose), unplaced, [_mention(f) for f in shares]
    )


def _group_order(group: str) -> tuple[int, str]:
    return (int(group), "") if group.isdigit() else (1 << 30, group)


def _option(value: Any) -> tuple[str, str] | None:
    group, colon, choice = str(value).partition(":")
    return (group, choice) if group and colon else None  # no choice: taken back ("no ice")


def _already_set(fields: dict[str, Any], entity: Mapping[str, Any]) -> bool:
    if entity["entity"] == "quantity":
        return "quantity" in fields
    if entity["entity"] == UNAVAILABLE:
        return False
    option = _option(entity["value"])
    return option is not None and option[0] in fields["options"]


def _collect(fields: dict[str, Any], entity: Mapping[str, Any]) -> None:
    name = entity["entity"]
    if name == "item":
        fields.setdefault("sku", str(entity["value"]))
        if entity.get("check") in (True, "true", "True"):
            fields["check"] = True
        if entity.get("strong") in (True, "true", "True"):
            fields["strong"] = True
    elif name == "quantity":
        fields.setdefault("quantity", entity["value"])
    elif name == UNAVAILABLE:
        fields.setdefault("unavailable", []).append(str(entity["value"]))
    elif (option := _option(entity["value"])) is not None:
        fields["options"].setdefault(option[0], option[1])


def _mention(fields: dict[str, Any]) -> Mention:
    quantity = str(fields.get("quantity", ""))
    return Mention(
        sku=fields.get("sku"),
        quantity=int(quantity) if quantity.isdigit() and int(quantity) > 0 else None,
        options=dict(fields.get("options") or {}),
        check=bool(fields.get("check")),
        strong=bool(fields.get("check") and fields.get("strong")),
        unavailable=tuple(fields.get("unavailable") or ()),
    )


def valid_options(item: MenuItem, options: Mapping[str, str]) -> dict[str, str]:
    """The options that exist for this item (an iced hash brown is just a hash brown); a
    choice taken back ("no ice": the group with no choice) is the group's default."""
    return {
        group: choice or g.default
        for group, choice in options.items()
        if (g := item.group(group)) is not None and (not choice or g.choice(choice) is not None)
    }


@dataclass(frozen=True)
class Line:
    """A cart line: an item, how many, and the choices said (the rest are defaults)."""

    sku: str
    quantity: int
    options: dict[str, str] = field(default_factory=dict)

    def request(self) -> LineRequest:
        return LineRequest(self.sku, self.quantity, tuple(sorted(self.options.items())))

    def chosen(self, menu: Menu) -> dict[str, str]:
        """Every group of the item with its choice: said, or the default."""
        item = menu.find(self.sku)
        if item is None:
            return dict(self.options)
        return {g.id: self.options.get(g.id, g.default) for g in item.options}

    def same_choice(self, other: Line, menu: Menu) -> bool:
        return self.sku == other.sku and self.chosen(menu) == other.chosen(menu)

    def to_slot(self) -> dict[str, Any]:
        return {"sku": self.sku, "quantity": self.quantity, "options": dict(self.options)}

    @classmethod
    def from_slot(cls, data: Mapping[str, Any]) -> Line:
        options = data.get("options")
        return cls(
            sku=str(data["sku"]),
            quantity=int(data.get("quantity") or 1),
            options={str(k): str(v) for k, v in options.items()}
            if isinstance(options, dict)
            else {},
        )

    def to_mention(self) -> Mention:
        return Mention(self.sku, self.quantity, dict(self.options))


def resolve(mention: Mention, menu: Menu) -> Line | None:
    """A line for what was said, with the options this item has; None for an unknown sku."""
    item = menu.find(mention.sku or "")
    if item is None:
        return None
    return Line(item.sku, mention.quantity or 1, valid_options(item, mention.options))


def lines_from_slot(value: Any) -> list[Line]:
    return [Line.from_slot(d) for d in value or [] if isinstance(d, dict) and d.get("sku")]


def lines_to_slot(lines: Iterable[Line]) -> list[dict[str, Any]]:
    return [line.to_slot() for line in lines]


def add(cart: list[Line], new: Iterable[Line], menu: Menu) -> list[Line]:
    """Add lines, merging a line into an identical choice already in the cart."""
    result = list(cart)
    for line in new:
        same = next((i for i, old in enumerate(result) if old.same_choice(line, menu)), None)
        if same is None:
            result.append(line)
        else:
            result[same] = replace(result[same], quantity=result[same].quantity + line.quantity)
    return result


def remove(cart: list[Line], mentions: list[Mention], menu: Menu) -> list[Line]:
    """Remove the named items; "remove one latte" takes one away, not all."""
    result = list(cart)
    for mention in mentions:
        index = find(result, mention, menu)
        if index is None:  # "remove the large latte" when it is medium: still that latte
            index = find(result, mention, menu, strict=False)
        if index is None:
            continue
        line = result[index]
        if mention.quantity and mention.quantity < line.quantity:
            result[index] = replace(line, quantity=line.quantity - mention.quantity)
        else:
            del result[index]
    return result


def change(
    cart: list[Line],
    mentions: list[Mention],
    loose: Mention,
    menu: Menu,
    last_sku: str | None,
    refers_back: bool = False,
    adds: bool = False,
    part: int | None = None,
) -> list[Line]:
    """Apply a correction: a quantity, options, one item for another, or a split.

    "change the americano to a latte" / "the americano instead of the latte" swap
    one line for another item (keeping its quantity and the options both share);
    "make it oat milk" sets options on the line under discussion; "make one of them
    decaf" (a quantity smaller than the line's, with options, no item named) splits
    the line into that many with the options and the rest as they were; "and one more"
    (`adds`, no item said) adds the count to that line instead of setting it. "change it to
    a latte" (`refers_back`: the words point at the line under discussion) swaps that
    line; "change the drink to soy milk" / "swap the coffee for soy milk" set the
    option of that line whose choices are items (a combo's drink). Otherwise items said
    that are not in the cart are added only beside one that is: "change the muffin to
    two" with no muffin in the cart changes nothing (the dialogue says it is not there),
    where adding two would order what was never asked. `part`: "ONE OF the lattes be a
    large", "could ONE OF those come with soy milk": the change is for that many of the
    line, split off; the rest stay as they were (never a new count of the line).
    """
    result = list(cart)
    named = [m for m in mentions if find(result, m, menu, strict=False) is not None]
    unnamed = [m for m in mentions if m not in named]
    under_discussion = Mention(sku=last_sku)
    if unnamed and not named:
        discussed = find(result, under_discussion, menu)
        if discussed is not None and (
            (picked := _item_choices(result[discussed], unnamed, menu)) is not None
        ):
            line = result[discussed]
            _put(result, discussed, replace(line, options={**line.options, **picked}), part)
            return _merged(result, menu)
        if (holder := _line_holding_one_of(result, unnamed, menu)) is not None:
            # "replace the coffee with a soy milk" over a combo with its Americano, said
            # after another line: the combo's drink is the coffee named
            line = result[holder]
            picked = _item_choices(line, unnamed, menu) or {}
            _put(result, holder, replace(line, options={**line.options, **picked}), part)
            return _merged(result, menu)
        if not (refers_back and len(unnamed) == 1 and discussed is not None):
            return result
        named = [under_discussion]
    if len(named) == 1 and len(unnamed) == 1:
        index = find(result, named[0], menu, strict=False)
        assert index is not None
        old = result[index]
        if (picked := _item_choices(old, unnamed, menu)) is not None:
            # "can the combo come with soy milk instead?": its drink, not a Soy Milk line
            _put(result, index, replace(old, options={**old.options, **picked}), part)
            return _merged(result, menu)
        options = {**old.options, **unnamed[0].options}
        quantity = unnamed[0].quantity or old.quantity
        swapped = resolve(replace(unnamed[0], quantity=quantity, options=options), menu)
        if swapped is not None:
            _put(result, index, swapped, part)
        return _merged(result, menu)
    targets = named or ([Mention(sku=last_sku)] if last_sku else [])
    for mention in targets:
        index = find(result, mention, menu, strict=False)
        if index is None:
            continue
        line, item = result[index], menu.find(result[index].sku)
        if item is None:
            continue
        options = valid_options(item, {**loose.options, **mention.options})
        said = mention.quantity or loose.quantity
        if part and part < line.quantity and said in (None, part):
            # "one of the lattes with oat": that one latte is split off with the change
            _put(result, index, replace(line, options={**line.options, **options}), part)
            continue
        if adds and said and not mentions and options and options != line.options:
            # "one more of those, but with oat milk": the one more has the option, the
            # line as it was stays
            result.insert(
                index + 1, replace(line, quantity=said, options={**line.options, **options})
            )
            continue
        if adds and said and not mentions:
            said += line.quantity
        if not named and said and options and said < line.quantity:
            result[index : index + 1] = [
                replace(line, quantity=line.quantity - said),
                replace(line, quantity=said, options={**line.options, **options}),
            ]
            continue
        result[index] = replace(
            line, quantity=said or line.quantity, options={**line.options, **options}
        )
    added = [new for m in unnamed if (new := resolve(m, menu)) is not None]
    return _merged(result + added, menu)


def _put(result: list[Line], index: int, new: Line, part: int | None) -> None:
    """The line at `index` becomes `new`; with `part` fewer than the line holds, only that
    many become it and the rest stay as they were."""
    old = result[index]
    if part and part < old.quantity:
        result[index : index + 1] = [
            replace(old, quantity=old.quantity - part),
            replace(new, quantity=part),
        ]
    else:
        result[index] = new


def _item_choices(line: Line, mentions: list[Mention], menu: Menu) -> dict[str, str] | None:
    """The line's new choices when every mention is a choice of one of its option groups
    (a combo's drink: "swap the coffee for soy milk"), with the options said for them
    that the line has ("make the coffee in it a large": the combo's size is its drink's);
    None when a mention is no choice of the line (it is an item of its own)."""
    item = menu.find(line.sku)
    if item is None:
        return None
    chosen = line.chosen(menu)
    picked: dict[str, str] = {}
    for mention in mentions:
        groups = [g for g in item.options if g.choice(mention.sku or "") is not None]
        if not groups:
            return None
        picked.update({g.id: str(mention.sku) for g in groups if chosen.get(g.id) != mention.sku})
        picked.update(valid_options(item, mention.options))
    return picked


def _line_holding_one_of(cart: list[Line], mentions: list[Mention], menu: Menu) -> int | None:
    """The one line whose choices take every mention, with one of them chosen now (the
    old value, beside the new), or None when no line or several do."""
    found = [
        index
        for index, line in enumerate(cart)
        if _item_choices(line, mentions, menu)
        and any(m.sku in line.chosen(menu).values() for m in mentions)
    ]
    return found[0] if len(found) == 1 else None


def none_in_cart(cart: list[Line], mentions: list[Mention], menu: Menu) -> bool:
    return all(find(cart, m, menu, strict=False) is None for m in mentions)


def all_in_cart(cart: list[Line], mentions: list[Mention], menu: Menu) -> bool:
    """Whether items are named and every one is a line of the cart already."""
    return bool(mentions) and all(find(cart, m, menu, strict=False) is not None for m in mentions)


def repeats_an_item(mentions: list[Mention]) -> bool:
    """ "Two lattes, one of them large": the parser made two lines of one item."""
    skus = [m.sku for m in mentions]
    return len(set(skus)) < len(skus)


def _merged(lines: list[Line], menu: Menu) -> list[Line]:
    return add([], lines, menu)


def find(cart: list[Line], mention: Mention, menu: Menu, strict: bool = True) -> int | None:
    """The newest cart line of the mentioned item (with its options, when strict and said)."""
    for index in range(len(cart) - 1, -1, -1):
        line = cart[index]
        if line.sku != mention.sku:
            continue
        chosen = line.chosen(menu)
        if not strict or all(chosen.get(g) == c for g, c in mention.options.items()):
            return index
    return None
