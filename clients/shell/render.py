"""Turn the assistant's messages into rich renderables; pure functions, no I/O.

Custom payloads (docs/bot-messages.md) come from another process and may be incomplete: a
payload this module cannot draw becomes a one-line note, never an exception, because every
custom message also carries a readable ``text`` that the user has already seen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from clients.shell.messages import BotMessage, Button, SecureInput, choices
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


def render_menu(menu: Mapping[str, Any]) -> RenderableType:
    """The menu as a table: item, its price (one per size), the other choices it offers, and
    whether it can be ordered now."""
    table = Table(title=Text(str(menu.get("title") or "Menu")), title_justify="left")
    table.add_column("Item")
    table.add_column("Price")
    table.add_column("Choose")
    table.add_column("Available")
    for item in menu.get("items") or []:
        name = Text(str(item["name"]))
        if item.get("description"):
            name.append(f"\n{item['description']}", style="dim")
        groups = item.get("options") or []
        sizes = next((group for group in groups if group.get("id") == SIZE_GROUP), None)
        if sizes is None:
            prices = format_money(item["price"], thousands=True)
        else:
            prices = "\n".join(
                f"{choice['name']} " + format_money(item["price"] + choice["price"], thousands=True)
                for choice in sizes["choices"]
            )
        others = ", ".join(str(group["group"]) for group in groups if group is not sizes)
        available = item.get("available", True)
        table.add_row(
            name,
            Text(prices),
            Text(others),
            "yes" if available else "sold out",
            style=None if available else "dim",
        )
    if menu.get("breakfast_served") is False:
        return Group(table, Text("Breakfast is not being served right now."))
    return table


def render_cart(cart: Mapping[str, Any], *, title: str = "Your order") -> Group:
    """Cart or readback lines with a total row, and the store and pickup time underneath."""
    table = Table(title=Text(title), title_justify="left", show_footer=True)
    table.add_column("Qty", justify="right")
    table.add_column("Item", footer="Total")
    table.add_column("Options")
    table.add_column(
        "Line total", justify="right", footer=format_money(cart["total"], thousands=True)
    )
    for line in cart.get("lines") or []:
        table.add_row(
            Text(str(line["quantity"])),
            Text(str(line["name"])),
            Text(options_text(line)),
            Text(format_money(line["line_total"], thousands=True)),
        )
    store = cart.get("store")
    store_name = store.get("name") if isinstance(store, Mapping) else store
    pickup = _pickup(cart.get("pickup"))
    where = Text(f"Pickup at {store_name}, {pickup}" if store_name else f"Pickup {pickup}")
    return Group(table, where)


def render_readback(readback: Mapping[str, Any]) -> Group:
    """The lines the user must confirm before paying; titled with the order number."""
    order_id = readback.get("order_id")
    title = f"Please confirm order {order_id}" if order_id else "Please confirm your order"
    return render_cart(readback, title=title)


def render_order(order: Mapping[str, Any]) -> Panel:
    """An order's status, total, store, pickup time and items in a small panel."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("Status", Text(str(order.get("status", "unknown"))))
    if order.get("total") is not None:
        facts.add_row("Total", Text(format_money(order["total"], thousands=True)))
    if order.get("store_name"):
        facts.add_row("Store", Text(str(order["store_name"])))
    facts.add_row("Pickup", Text(_pickup(order.get("pickup_time"))))
    items = [_order_item(item) for item in order.get("items") or []]
    body: RenderableType = Group(facts, Text("\n".join(items))) if items else facts
    return Panel(body, title=Text(f"Order {order.get('id', '')}".strip()), expand=False)


def _render_custom(custom: Mapping[str, Any]) -> list[RenderableType]:
    shown: list[RenderableType] = []
    for key, payload in custom.items():
        renderer = _CUSTOM_RENDERERS.get(key)
        if renderer is None:
            continue  # secure_input is handled by the prompt; unknown keys have their text
        try:
            shown.append(renderer(payload))
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            note = f"(this shell could not show the {key}: {type(error).__name__} {error})"
            shown.append(Text(note, style="dim"))
    return shown


def options_text(line: Mapping[str, Any]) -> str:
    """The line's choices the customer changed, e.g. "Large, Oat, Decaf". Entries without a
    `default` flag are all shown: then nothing says which ones are ordinary."""
    options = line.get("options") or []
    return ", ".join(
        str(option["choice"]) for option in options if not option.get("default", False)
    )


def _order_item(item: object) -> str:
    if not isinstance(item, Mapping):
        return f"• {item}"
    detail = options_text(item)
    return f"• {item.get('quantity', 1)} × {item.get('name', item.get('sku', '?'))}" + (
        f" ({detail})" if detail else ""
    )


def _pickup(value: object) -> str:
    if not value:
        return ASAP
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(value)


_CUSTOM_RENDERERS: dict[str, Callable[[Any], RenderableType]] = {
    "menu": render_menu,
    "cart": render_cart,
    "readback": render_readback,
    "order": render_order,
}
