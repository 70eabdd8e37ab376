"""Prices order lines in integer fen. Pure: no database, no clock, no floats.

A line's unit price is the chosen size's price; for a combo, plus `upsize_price` when
its drink is upsized. `line_total = unit_price * quantity`; the total is the sum of
the line totals. Every refusal is an `ApiError` with the documented code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from merchant.catalogue import Combo, Item
from merchant.errors import invalid, not_found


@dataclass(frozen=True)
class LineRequest:
    """What the customer asked for; `None` means "the default"."""

    sku: str
    quantity: int = 1
    size: str | None = None
    drink: str | None = None
    drink_size: str | None = None


@dataclass(frozen=True)
class PricedLine:
    sku: str
    name: str
    quantity: int
    size: str
    drink: str | None
    drink_size: str | None
    unit_price: int
    line_total: int


@dataclass(frozen=True)
class Quote:
    lines: tuple[PricedLine, ...]
    total: int


def format_fen(amount: int) -> str:
    """ "¥12.50" for 1250: how messages show money."""
    sign = "-" if amount < 0 else ""
    whole, fen = divmod(abs(amount), 100)
    return f"{sign}¥{whole}.{fen:02d}"


def quote(
    menu: Mapping[str, Item],
    requests: Sequence[LineRequest],
    *,
    max_quantity: int,
    max_lines: int,
) -> Quote:
    """Price every line of an order against `menu` (items by sku)."""
    if not requests:
        raise invalid("empty_order", "An order needs at least one item.", field="items")
    if len(requests) > max_lines:
        raise invalid(
            "invalid_request",
            f"An order can have at most {max_lines} lines.",
            field="items",
        )
    lines = tuple(
        price_line(menu, request, index=index, max_quantity=max_quantity)
        for index, request in enumerate(requests)
    )
    return Quote(lines=lines, total=sum(line.line_total for line in lines))


def price_line(
    menu: Mapping[str, Item], request: LineRequest, *, index: int, max_quantity: int
) -> PricedLine:
    """Price one line; `index` only names the line in error fields (`items.2.size`)."""
    where = f"items.{index}"
    item = menu.get(_normal(request.sku))
    if item is None:
        raise not_found(
            "unknown_item",
            f"There is no item {request.sku!r} on the menu.",
            field=f"{where}.sku",
        )
    if not 1 <= request.quantity <= max_quantity:
        raise invalid(
            "invalid_quantity",
            f"You can order between 1 and {max_quantity} of {item.name} per line.",
            field=f"{where}.quantity",
        )
    size_name = _normal(request.size) if request.size is not None else item.sizes[0].name
    size = item.size(size_name)
    if size is None:
        raise invalid(
            "invalid_size",
            f"{item.name} comes in {_spoken_list(item.size_names)}.",
            field=f"{where}.size",
        )
    unit_price = size.price
    drink, drink_size = None, None
    if item.combo is None:
        if request.drink is not None or request.drink_size is not None:
            raise invalid(
                "invalid_drink",
                f"{item.name} is not a combo, so it has no drink to choose.",
                field=f"{where}.drink",
            )
    else:
        drink, drink_size, upsize = _combo_drink(menu, item, item.combo, request, where)
        unit_price += upsize
    return PricedLine(
        sku=item.sku,
        name=item.name,
        quantity=request.quantity,
        size=size.name,
        drink=drink,
        drink_size=drink_size,
        unit_price=unit_price,
        line_total=unit_price * request.quantity,
    )


def _combo_drink(
    menu: Mapping[str, Item], item: Item, combo: Combo, request: LineRequest, where: str
) -> tuple[str, str, int]:
    """The combo's drink sku, its size, and the extra price of that size."""
    choices = {choice.sku: choice for choice in combo.drink_choices}
    sku = _normal(request.drink) if request.drink is not None else combo.drink_choices[0].sku
    choice = choices.get(sku)
    if choice is None:
        names = [_item_name(menu, choice.sku) for choice in combo.drink_choices]
        raise invalid(
            "invalid_drink",
            f"The {item.name} drink can be {_spoken_list(names)}.",
            field=f"{where}.drink",
        )
    size = _normal(request.drink_size) if request.drink_size is not None else choice.size
    if size == choice.size:
        return sku, size, 0
    drink_item = menu.get(sku)
    if size == combo.upsize_size and drink_item is not None and drink_item.size(size):
        return sku, size, combo.upsize_price
    raise invalid(
        "invalid_size",
        f"The {item.name} {_item_name(menu, sku)} comes {choice.size}, or "
        f"{combo.upsize_size} for {format_fen(combo.upsize_price)} more.",
        field=f"{where}.drink_size",
    )


def _normal(text: str) -> str:
    """Skus and size names match case-insensitively and ignore surrounding spaces."""
    return text.strip().lower()


def _item_name(menu: Mapping[str, Item], sku: str) -> str:
    item = menu.get(sku)
    return item.name if item is not None else sku


def _spoken_list(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]
