"""The cart as the conversation builds it: pure logic, no I/O.

The NLU (``bot/nlu``) marks each order line of an utterance as a group of
entities: ``item`` (a sku), ``quantity``, ``size`` ("regular" or "large") and, for a
combo, an ``item`` with role ``drink``. Entities outside any group ("make that
three", "make it large") apply to the line the customer touched last.
Prices are not computed here: the merchant backend prices every cart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

from actions.merchants.backend import LineRequest, Menu, MenuItem


@dataclass(frozen=True)
class Mention:
    """One order line as said: what the customer named, nothing resolved yet."""

    sku: str | None = None
    quantity: int | None = None
    size: str | None = None  # canonical: "regular" or "large"
    drink: str | None = None


def mentions_from_entities(
    entities: Iterable[dict[str, Any]],
) -> tuple[list[Mention], Mention]:
    """Split NLU entities into order lines and the loose remainder.

    The menu extractor groups each line's entities. Entities without a group (hand
    annotations, button payloads) are grouped by position: a quantity or size
    belongs to the next item named, or to the last one when none follows.
    """
    relevant = [
        e
        for e in entities
        if e.get("entity") in ("item", "quantity", "size") and e.get("value") not in (None, "")
    ]
    groups: dict[str, dict[str, Any]] = {}
    ungrouped = sorted((e for e in relevant if not e.get("group")), key=lambda e: e.get("start", 0))
    for entity in (e for e in relevant if e.get("group")):
        _collect(groups.setdefault(str(entity["group"]), {}), entity)
    loose: dict[str, Any] = {}
    waiting: list[dict[str, Any]] = []
    last_line: dict[str, Any] | None = None
    for entity in ungrouped:
        if entity["entity"] != "item":
            waiting.append(entity)
        elif entity.get("role") == "drink" and last_line is not None:
            _collect(last_line, entity)
        else:
            last_line = groups.setdefault(f"~{len(groups):03d}", {})
            for modifier in [*waiting, entity]:
                _collect(last_line, modifier)
            waiting = []
    for modifier in waiting:
        _collect(last_line if last_line is not None else loose, modifier)
    lines = [_mention(fields) for _, fields in sorted(groups.items(), key=lambda kv: kv[0])]
    return [m for m in lines if m.sku], _mention(loose)


def _collect(fields: dict[str, Any], entity: dict[str, Any]) -> None:
    name = entity["entity"]
    key = "drink" if name == "item" and entity.get("role") == "drink" else name
    fields.setdefault("sku" if key == "item" else key, entity["value"])


def _mention(fields: dict[str, Any]) -> Mention:
    quantity = fields.get("quantity")
    return Mention(
        sku=fields.get("sku"),
        quantity=int(str(quantity)) if str(quantity).isdigit() else None,
        size=fields.get("size"),
        drink=fields.get("drink"),
    )


def size_name(item: MenuItem, canonical: str | None) -> str | None:
    """The item's own size choice for a canonical size ("regular" is its first size)."""
    sizes = item.group("size")
    if canonical is None or sizes is None:
        return None
    names = [choice.id for choice in sizes.choices]
    if canonical == "large":
        return "large" if "large" in names else names[-1]
    return names[0]


@dataclass(frozen=True)
class Line:
    """A cart line; ``missing`` names the detail still to ask for ("size", "drink")."""

    sku: str
    quantity: int
    size: str | None = None
    drink: str | None = None
    drink_size: str | None = None

    def missing(self, menu: Menu) -> str | None:
        item = menu.find(self.sku)
        if item is None:
            return None
        if item.group("drink") is not None:
            return "drink" if self.drink is None else None
        return "size" if self.size is None and item.group("size") is not None else None

    def same_choice(self, other: Line) -> bool:
        return (self.sku, self.size, self.drink, self.drink_size) == (
            other.sku,
            other.size,
            other.drink,
            other.drink_size,
        )

    def request(self) -> LineRequest:
        # A combo's drink size is its "size" group.
        options = {"size": self.size, "drink": self.drink}
        if self.drink_size:
            options["size"] = self.drink_size
        chosen = tuple(sorted((group, choice) for group, choice in options.items() if choice))
        return LineRequest(self.sku, self.quantity, chosen)

    def to_slot(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_slot(cls, data: dict[str, Any]) -> Line:
        return cls(
            sku=str(data["sku"]),
            quantity=int(data.get("quantity") or 1),
            size=data.get("size"),
            drink=data.get("drink"),
            drink_size=data.get("drink_size"),
        )


def resolve(mention: Mention, menu: Menu) -> Line | None:
    """Turn a mention into a line with the item's own size names."""
    item = menu.find(mention.sku or "")
    if item is None:
        return None
    quantity = mention.quantity or 1
    if item.group("drink") is not None:
        drink_size = "large" if mention.size == "large" else None
        return Line(item.sku, quantity, size_name(item, None), mention.drink, drink_size)
    return Line(item.sku, quantity, size_name(item, mention.size))


def lines_from_slot(value: Any) -> list[Line]:
    return [Line.from_slot(d) for d in value or [] if isinstance(d, dict) and d.get("sku")]


def lines_to_slot(lines: Iterable[Line]) -> list[dict[str, Any]]:
    return [line.to_slot() for line in lines]


def add(cart: list[Line], new: Iterable[Line]) -> list[Line]:
    """Add lines, merging a line into an identical choice already in the cart."""
    result = list(cart)
    for line in new:
        same = next((i for i, old in enumerate(result) if old.same_choice(line)), None)
        if same is None:
            result.append(line)
        else:
            result[same] = replace(result[same], quantity=result[same].quantity + line.quantity)
    return result


def remove(cart: list[Line], mentions: list[Mention], menu: Menu) -> list[Line]:
    """Remove the named items; "remove one latte" takes one away, not all."""
    result = list(cart)
    for mention in mentions:
        index = _find(result, mention, menu)
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
) -> list[Line]:
    """Apply a correction: a new quantity, size or combo drink, or one item for another."""
    result = list(cart)
    named = [m for m in mentions if _find(result, m, menu, strict_size=False) is not None]
    unnamed = [m for m in mentions if m not in named]
    if len(named) == 1 and len(unnamed) == 1:  # "change the americano to a latte"
        index = _find(result, named[0], menu, strict_size=False)
        assert index is not None
        old = result[index]
        swapped = resolve(replace(unnamed[0], quantity=unnamed[0].quantity or old.quantity), menu)
        if swapped is not None:
            result[index] = swapped
        return result
    targets = named or ([Mention(sku=last_sku)] if last_sku else [])
    for mention in targets:
        index = _find(result, mention, menu, strict_size=False)
        if index is None:
            continue
        quantity = mention.quantity or loose.quantity
        size = mention.size or loose.size
        result[index] = _adjust(result[index], quantity, size, mention.drink, menu)
    return result + [line for m in unnamed if (line := resolve(m, menu))]


def _adjust(
    line: Line, quantity: int | None, size: str | None, drink: str | None, menu: Menu
) -> Line:
    item = menu.find(line.sku)
    if item is None:
        return line
    if quantity:
        line = replace(line, quantity=quantity)
    if item.group("drink") is not None:
        if drink:
            line = replace(line, drink=drink)
        if size:
            line = replace(line, drink_size="large" if size == "large" else None)
    elif size and item.group("size") is not None:
        line = replace(line, size=size_name(item, size))
    return line


def complete(line: Line, size: str | None, drink: str | None, menu: Menu) -> Line:
    """Fill a pending line's missing detail from the customer's answer."""
    item = menu.find(line.sku)
    if item is None:
        return line
    drinks = item.group("drink")
    if drinks is not None:
        choices = [choice.id for choice in drinks.choices]
        if drink in choices:
            line = replace(line, drink=drink)
        if size:
            line = replace(line, drink_size="large" if size == "large" else None)
        return line
    if size and line.size is None:
        line = replace(line, size=size_name(item, size))
    return line


def _find(cart: list[Line], mention: Mention, menu: Menu, strict_size: bool = True) -> int | None:
    """The newest cart line matching the mention (its size too, when one was said)."""
    item = menu.find(mention.sku or "")
    wanted_size = size_name(item, mention.size) if item and mention.size and strict_size else None
    for index in range(len(cart) - 1, -1, -1):
        line = cart[index]
        if line.sku == mention.sku and (wanted_size is None or line.size == wanted_size):
            return index
    return None
