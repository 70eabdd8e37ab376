"""How the assistant words amounts, carts and orders, for screens and for speech.

Amounts are fen (integers) until the last moment; ``contracts.money.format_money``
writes them exactly, with no float on the way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from actions.merchants.backend import LineRequest, Menu, Order
from actions.pickup_qr import pickup_qr
from actions.stay_phrasing import stay_card
from contracts.bot_messages import (
    ActionCustom,
    Cart,
    Line,
    MenuCard,
    MenuCardItem,
    MenuChoice,
    MenuOptionGroup,
    OrderCard,
    Readback,
    StoreRef,
)
from contracts.money import format_money
from contracts.pricing import ChosenOption, PricedLine, Quote

ASAP = "as soon as possible"


def clock_time(iso: str) -> str:
    """'2026-11-24T08:10:00+08:00' → '08:10' (the merchant's local time)."""
    try:
        return datetime.fromisoformat(iso).strftime("%H:%M")
    except ValueError:
        return iso


def item_name(sku: str | None, menu: Menu | None) -> str:
    item = menu.find(sku) if menu and sku else None
    return item.name if item else (sku or "item").replace("-", " ")


# Groups said before the item's name, in this order: "a large iced decaf double-shot oat Latte".
PREFIX_GROUPS = ("size", "temperature", "caffeine", "shots", "milk")
# A combo's drink group: its choice ids are skus, and the drink is always named.
DRINK_GROUP = "drink"
NO_CHOICE = "none"


@dataclass(frozen=True)
class _Choice:
    """One chosen option of a line, in words."""

    group: str
    group_name: str
    choice: str
    choice_name: str
    is_default: bool
    group_default: str | None  # None when the menu does not know the item


def describe_line(
    line: PricedLine | LineRequest, menu: Menu | None, name: str | None = None
) -> str:
    """The line as said, with the choices that are not the defaults: "2 large oat Lattes",
    "an iced decaf Latte with vanilla", "an Americano with oat milk", "a Breakfast Combo
    with a large Soy Milk" (a combo's drink is always named, its size is the drink's)."""
    label = name or (line.name if isinstance(line, PricedLine) else item_name(line.sku, menu))
    chosen = _chosen(line, menu)
    drink = next((c for c in chosen if c.group == DRINK_GROUP), None)
    before: list[str] = []
    after: list[str] = []
    for group in PREFIX_GROUPS:
        for option in (c for c in chosen if c.group == group and not c.is_default):
            if group == "size" and drink is not None:
                continue
            if group == "milk" and option.choice == NO_CHOICE:
                after.append("no milk")
            elif group == "milk" and option.group_default == NO_CHOICE:
                after.append(f"{option.choice_name.lower()} milk")
            else:
                words = option.choice_name.lower()
                before.append(f"{words}-shot" if group == "shots" else words)
    if drink is not None:
        size = next((c for c in chosen if c.group == "size" and not c.is_default), None)
        words = f"{size.choice_name.lower()} {drink.choice_name}" if size else drink.choice_name
        after.insert(0, _with_article(words))
    for option in chosen:
        if option.is_default or option.group in (*PREFIX_GROUPS, DRINK_GROUP):
            continue
        if option.group == "syrup":
            after.append(option.choice_name.lower())  # "with vanilla", "with caramel"
        else:
            after.append(f"{option.choice_name} {option.group_name}".lower())
    if line.quantity == 1:
        text = _with_article(" ".join([*before, label]))
    else:
        plural = label if label.endswith("s") else f"{label}s"
        text = " ".join([str(line.quantity), *before, plural])
    return f"{text} with {join_words(after)}" if after else text


def _with_article(words: str) -> str:
    return f"an {words}" if words[:1].lower() in "aeiou" else f"a {words}"


def _chosen(line: PricedLine | LineRequest, menu: Menu | None) -> list[_Choice]:
    """Every chosen option of the line with display names. With the item on the menu, groups
    the line does not name are at their default; without it, the line's own names and
    `default` flags are all there is."""
    item = menu.find(line.sku) if menu else None
    said: dict[str, ChosenOption | str] = {}
    for option in line.options:
        if isinstance(option, ChosenOption):
            said[option.group] = option
        else:
            said[option[0]] = option[1]
    if item is None:
        return [_unknown_item_choice(group, option) for group, option in said.items()]
    chosen = []
    for group in item.options:
        given = said.get(group.id, group.default)
        choice_id = given.choice if isinstance(given, ChosenOption) else given
        choice = group.choice(choice_id)
        choice_name = choice.name if choice else choice_id.replace("-", " ")
        if group.id == DRINK_GROUP and menu is not None and menu.find(choice_id):
            choice_name = item_name(choice_id, menu)
        chosen.append(
            _Choice(
                group=group.id,
                group_name=group.name,
                choice=choice_id,
                choice_name=choice_name,
                is_default=choice_id == group.default,
                group_default=group.default,
            )
        )
    return chosen


def _unknown_item_choice(group: str, option: ChosenOption | str) -> _Choice:
    if isinstance(option, ChosenOption):
        return _Choice(
            group=group,
            group_name=option.group_name,
            choice=option.choice,
            choice_name=option.choice_name,
            is_default=option.default,
            group_default=None,
        )
    return _Choice(group, group, option, option.replace("-", " "), False, None)


def join_words(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def pickup_words(pickup_time: str | None) -> str:
    """The pickup slot as said: "as soon as possible", "in 20 minutes", "at 08:30"."""
    if not pickup_time or pickup_time == "asap":
        return ASAP
    if pickup_time.startswith("+"):
        return f"in {pickup_time[1:]} minutes"
    return f"at {pickup_time}"


def custom(**cards: Any) -> dict[str, Any]:
    """A message's ``custom`` object (contracts/bot_messages.py): ``custom(order=card)``."""
    return ActionCustom(**cards).payload()


def menu_payload(menu: Menu, title: str) -> MenuCard:
    """The menu card: each item's base price and option groups with each choice's price."""
    return MenuCard(
        title=title,
        breakfast_served=menu.breakfast_served,
        items=[
            MenuCardItem(
                sku=item.sku,
                name=item.name,
                price=item.price,
                available=item.available,
                description=item.description,
                options=[
                    MenuOptionGroup(
                        id=group.id,
                        group=group.name,
                        default=group.default,
                        choices=[
                            MenuChoice(id=choice.id, name=choice.name, price=choice.price)
                            for choice in group.choices
                        ],
                    )
                    for group in item.options
                ],
            )
            for item in menu.items
        ],
    )


def cart_payload(quote: Quote, store: StoreRef, pickup: str) -> Cart:
    return Cart(
        lines=[Line.from_priced(line) for line in quote.lines],
        total=quote.total,
        currency=quote.currency,
        store=store,
        pickup=pickup,
    )


def order_payload(order: Order) -> OrderCard:
    """The order card; a booking's shows its stay, and no pickup code (nothing is picked up:
    the booking number is what the hotel asks for)."""
    stay = stay_card(order)
    code = order.pickup_code if stay is None else None
    return OrderCard(
        id=order.id,
        status=order.status,
        total=order.total,
        currency=order.currency,
        store_name=order.store_name,
        pickup_time=order.pickup_time,
        lines=[Line.from_priced(line) for line in order.lines],
        pickup_code=code,
        pickup_qr=pickup_qr(code) if code else None,
        stay=stay,
    )


def pickup_when(order: Order) -> str:
    """As soon as possible, the time the store's queue makes it ready (merchant API
    "Pickup slots"), so a busy store's later time is heard at the readback."""
    if order.asap:
        return (
            f"as soon as possible, ready around {clock_time(order.ready_at or order.pickup_time)}"
        )
    return f"at {clock_time(order.pickup_time)}"


def readback_payload(order: Order) -> Readback:
    """The readback card: the cart's shape plus the order number."""
    return Readback(
        order_id=order.id,
        lines=[Line.from_priced(line) for line in order.lines],
        total=order.total,
        currency=order.currency,
        store=StoreRef(id=order.store_id, name=order.store_name),
        pickup=pickup_when(order),
        stay=stay_card(order),
    )


def readback_text(order: Order, menu: Menu | None) -> str:
    """Every line with its price, the store, the pickup time and the total."""
    lines = "; ".join(
        f"{describe_line(line, menu, line.name)}, {format_money(line.line_total)}"
        for line in order.lines
    )
    return (
        f"Here is your order: {lines}. Pickup at {order.store_name}, {pickup_when(order)}. "
        f"The total is {format_money(order.total)}."
    )


def not_caught(words: list[str]) -> str:
    """Words that named nothing on the menu, quoted: "'a doppio' or 'a blorp'"."""
    return join_words([f"'{w}'" for w in words]).replace(" and ", " or ")
