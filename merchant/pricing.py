"""Prices order lines in integer fen. Pure: no database, no clock, no floats.

A line's unit price is the item's base price plus the price of the chosen choice of each
of its option groups (a group the customer left out takes its default, which adds
nothing). `line_total = unit_price * quantity`; the total is the sum of the line totals.
Every refusal is an `ApiError` with the documented code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from contracts.money import format_money
from contracts.pricing import ChosenOption, PricedLine, Quote
from merchant.catalogue import Item, OptionGroup
from merchant.errors import invalid, not_found


@dataclass(frozen=True)
class LineRequest:
    """What the customer asked for: `options` are (group id, choice id) pairs, any order;
    a group not named takes its default."""

    sku: str
    quantity: int = 1
    options: tuple[tuple[str, str], ...] = ()


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
    """Price one line; `index` only names the line in error fields (`items.2.options.milk`)."""
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
    options = choose_options(item, request.options, where=where)
    unit_price = item.price + sum(option.price for option in options)
    return PricedLine(
        sku=item.sku,
        name=item.name,
        quantity=request.quantity,
        options=options,
        unit_price=unit_price,
        line_total=unit_price * request.quantity,
    )


def choose_options(
    item: Item, requested: Sequence[tuple[str, str]], *, where: str
) -> tuple[ChosenOption, ...]:
    """One chosen option per group of `item`, in catalogue order; refuses a group the item
    does not have, a choice the group does not offer, and a group named twice."""
    wanted: dict[str, str] = {}
    for group_id, choice_id in requested:
        key = _normal(group_id)
        field = f"{where}.options.{group_id}"
        group = item.group(key)
        if group is None:
            offered = ", ".join(g.name.lower() for g in item.options)
            has = f"you can choose its {offered}" if offered else "it comes one way only"
            raise invalid(
                "invalid_option", f"{item.name} has no {group_id!r} option; {has}.", field=field
            )
        if key in wanted:
            raise invalid(
                "invalid_option", f"{item.name} has one {group.name.lower()}.", field=field
            )
        if group.choice(_normal(choice_id)) is None:
            raise invalid("invalid_option", _offer(item, group), field=field)
        wanted[key] = _normal(choice_id)
    chosen = []
    for group in item.options:
        choice = group.choice(wanted.get(group.id, group.default)) or group.default_choice
        chosen.append(
            ChosenOption(
                group=group.id,
                group_name=group.name,
                choice=choice.id,
                choice_name=choice.name,
                price=choice.price,
                default=choice.id == group.default,
            )
        )
    return tuple(chosen)


def _offer(item: Item, group: OptionGroup) -> str:
    """ "Milk for the Latte can be Whole, Oat (¥3.00 more) or Almond (¥3.00 more)." """
    names = [choice.name + _delta(choice.price) for choice in group.choices]
    return f"{group.name} for the {item.name} can be {_spoken_list(names)}."


def _delta(price: int) -> str:
    if price > 0:
        return f" ({format_money(price)} more)"
    if price < 0:
        return f" ({format_money(-price)} less)"
    return ""


def _normal(text: str) -> str:
    """Skus, group and choice ids match case-insensitively and ignore surrounding spaces."""
    return text.strip().lower()


def _spoken_list(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]
