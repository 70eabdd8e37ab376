"""Turn the assistant's messages into rich renderables; pure functions, no I/O.

Custom payloads (docs/bot-messages.md) come from another process and are read with the
classes that wrote them (``contracts/bot_messages.py``). A payload that does not fit becomes
a one-line note naming what is wrong, never an exception, because every custom message also
carries a readable ``text`` that the user has already seen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from clients.shell.messages import BotMessage, Button, choices
from contracts.bot_messages import (
    Cart,
    Line,
    MenuCard,
    OrderCard,
    Readback,
    SecureInput,
    StayCard,
)
from contracts.money import format_money

SPEAKER = "Orderly"
ASAP = "as soon as possible"
# The option group a menu shows as one price per choice.
SIZE_GROUP = "size"


def render_reply(reply: Sequence[BotMessage]) -> list[RenderableType]:
    """Everything one reply shows, in order, ending with its numbered buttons if it has any."""
    shown: list[RenderableType] = []
    for message in reply:
        if message.text:
            shown.append(Text.assemble((f"{SPEAKER}: ", "bold cyan"), message.text))
        if message.image:
            shown.append(Text.assemble((f"{SPEAKER}: ", "bold cyan"), f"[image] {message.image}"))
        shown.extend(_render_custom(message.custom))
    buttons = choices(reply)
    if buttons:
        shown.append(render_choices(buttons))
    return shown


def render_choices(buttons: Sequence[Button]) -> Text:
    """``1) Medium  2) Large``: the numbers the user may type instead of the words."""
    line = Text()
    for number, button in enumerate(buttons, start=1):
        if number > 1:
            line.append("  ")
        line.append(f"{number})", style="bold")
        line.append(f" {button.title}")
    return line


def secure_input_note(request: SecureInput) -> str:
    """What the shell says before reading a secret, so the user knows nothing will echo."""
    what = "payment PIN" if request.purpose == "payment_pin" else request.purpose.replace("_", " ")
    size = f"{request.digits}-digit " if request.digits else ""
    return f"Enter your {size}{what} (typing is hidden)"


def render_menu(menu: MenuCard) -> RenderableType:
    """The menu as a table: item, its price (one per size), the other choices it offers, and
    whether it can be ordered now."""
    table = Table(title=Text(menu.title or "Menu"), title_justify="left")
    table.add_column("Item")
    table.add_column("Price")
    table.add_column("Choose")
    table.add_column("Available")
    for item in menu.items:
        name = Text(item.name)
        if item.description:
            name.append(f"\n{item.description}", style="dim")
        sizes = next((group for group in item.options if group.id == SIZE_GROUP), None)
        if sizes is None:
            prices = _money(item.price)
        else:
            prices = "\n".join(
                f"{choice.name} {_money(item.price + choice.price)}" for choice in sizes.choices
            )
        others = ", ".join(group.group for group in item.options if group is not sizes)
        table.add_row(
            name,
            Text(prices),
            Text(others),
            "yes" if item.available else "sold out",
            style=None if item.available else "dim",
        )
    if not menu.breakfast_served:
        return Group(table, Text("Breakfast is not being served right now."))
    return table


def render_cart(cart: Cart, *, title: str = "Your order") -> Group:
    """Cart or readback lines with a total row, and the store and pickup time underneath (a
    booking's hotel, dates, nights and guests)."""
    table = Table(title=Text(title), title_justify="left", show_footer=True)
    table.add_column("Nights" if cart.stay else "Qty", justify="right")
    table.add_column("Item", footer="Total")
    table.add_column("Options")
    table.add_column("Line total", justify="right", footer=_money(cart.total))
    for line in cart.lines:
        table.add_row(
            Text(str(line.quantity)),
            Text(line.name),
            Text(options_text(line)),
            Text(_money(line.line_total)),
        )
    if cart.stay is not None:
        return Group(table, Text(f"{cart.stay.hotel}: {stay_words(cart.stay)}"))
    where = f"Pickup at {cart.store.name}, {_pickup(cart.pickup)}"
    return Group(table, Text(where))


def render_readback(readback: Readback) -> Group:
    """The lines the user must confirm before paying; titled with the order number."""
    what = "booking" if readback.stay else "order"
    return render_cart(readback, title=f"Please confirm {what} {readback.order_id}")


def stay_words(stay: StayCard) -> str:
    """ "check-in Sat 12 Dec from 14:00, check-out Mon 14 Dec; 2 nights, 2 guests" """
    since = f" from {stay.check_in_from}" if stay.check_in_from else ""
    nights = f"{stay.nights} night{'' if stay.nights == 1 else 's'}"
    guests = f"{stay.guests} guest{'' if stay.guests == 1 else 's'}"
    return (
        f"check-in {_day(stay.check_in)}{since}, check-out {_day(stay.check_out)}; "
        f"{nights}, {guests}"
    )


def _day(value: str) -> str:
    try:
        return datetime.fromisoformat(value).strftime("%a %d %b")
    except ValueError:
        return value


def render_order(order: OrderCard) -> Panel:
    """An order's status, total, store, pickup time and lines in a small panel."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("Status", Text(order.status))
    facts.add_row("Total", Text(_money(order.total)))
    if order.stay is not None:  # a booking: a stay at a hotel, nothing to pick up
        facts.add_row("Hotel", Text(order.stay.hotel))
        facts.add_row("Room", Text(order.stay.room_type))
        facts.add_row("Stay", Text(stay_words(order.stay)))
        return Panel(facts, title=Text(f"Booking {order.id}"), expand=False)
    facts.add_row("Store", Text(order.store_name))
    facts.add_row("Pickup", Text(_pickup(order.pickup_time)))
    lines = [_order_line(line) for line in order.lines]
    body: RenderableType = Group(facts, Text("\n".join(lines))) if lines else facts
    return Panel(body, title=Text(f"Order {order.id}"), expand=False)


def _render_custom(custom: Mapping[str, Any]) -> list[RenderableType]:
    shown: list[RenderableType] = []
    for key, payload in custom.items():
        card = _CARDS.get(key)
        if card is None:
            continue  # secure_input is handled by the prompt; unknown keys have their text
        model, renderer = card
        try:
            shown.append(renderer(model.parse_obj(payload)))
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
                for problem in error.errors()
            )
            note = f"(this shell could not show the {key}: {problems})"
            shown.append(Text(note, style="dim"))
    return shown


def options_text(line: Line) -> str:
    """The line's choices the customer changed, e.g. "Large, Oat, Decaf"."""
    return ", ".join(option.choice for option in line.options if not option.default)


def _order_line(line: Line) -> str:
    detail = options_text(line)
    return f"• {line.quantity} × {line.name}" + (f" ({detail})" if detail else "")


def _money(fen: int) -> str:
    return format_money(fen, thousands=True)


def _pickup(value: object) -> str:
    if not value:
        return ASAP
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(value)


# Each card's contract and how the shell draws it.
_CARDS: dict[str, tuple[type[BaseModel], Callable[[Any], RenderableType]]] = {
    "menu": (MenuCard, render_menu),
    "cart": (Cart, render_cart),
    "readback": (Readback, render_readback),
    "order": (OrderCard, render_order),
}
