"""Rendering the assistant's messages: amounts, menus, carts, readbacks, orders, buttons."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import pytest
from rich.console import Console, RenderableType

from clients.shell.messages import (
    MalformedReply,
    choices,
    parse_reply,
    secure_input_request,
)
from clients.shell.render import render_reply, secure_input_note
from contracts.bot_messages import SecureInput
from contracts.money import format_money

MENU: dict[str, Any] = {
    "title": "Breakfast menu",
    "breakfast_served": True,
    "items": [
        {
            "sku": "soy-milk",
            "name": "Soy Milk",
            "available": True,
            "description": "Fresh, unsweetened",
            "price": 500,
            "options": [
                {
                    "id": "size",
                    "group": "Size",
                    "default": "regular",
                    "choices": [
                        {"id": "regular", "name": "Regular", "price": 0},
                        {"id": "large", "name": "Large", "price": 200},
                    ],
                }
            ],
        },
        {
            "sku": "egg-sausage-muffin",
            "name": "Egg Sausage Muffin",
            "available": False,
            "description": "",
            "price": 1999,
            "options": [],
        },
        {
            "sku": "latte",
            "name": "Latte",
            "available": True,
            "description": "",
            "price": 3200,
            "options": [
                {"id": "milk", "group": "Milk", "default": "whole", "choices": []},
                {"id": "caffeine", "group": "Caffeine", "default": "regular", "choices": []},
            ],
        },
    ],
}


def option(group: str, choice: str, price: int = 0, default: bool = False) -> dict[str, Any]:
    return {"group": group, "choice": choice, "price": price, "default": default}


COMBO_LINE: dict[str, Any] = {
    "sku": "breakfast-combo",
    "name": "Breakfast Combo",
    "quantity": 1,
    "options": [option("Drink", "Soy Milk"), option("Size", "Large", 300)],
    "unit_price": 2800,
    "line_total": 2800,
}
LATTE_LINE: dict[str, Any] = {
    "sku": "latte",
    "name": "Latte",
    "quantity": 2,
    "options": [
        option("Size", "Large", 400),
        option("Milk", "Oat", 300),
        option("Shots", "Double", default=True),
        option("Caffeine", "Decaf"),
        option("Temperature", "Hot", default=True),
    ],
    "unit_price": 1999,
    "line_total": 3998,
}
CART: dict[str, Any] = {
    "lines": [COMBO_LINE, LATTE_LINE],
    "total": 6798,
    "currency": "CNY",
    "store": {"id": "gc-peoples-square", "name": "People's Square"},
    "pickup": "as soon as possible",
}


def shown(reply: list[dict[str, Any]]) -> str:
    """What a user reading the terminal would see for this reply, as plain text."""
    return as_text(render_reply(parse_reply(reply)))


def as_text(renderables: Sequence[RenderableType]) -> str:
    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None)
    for renderable in renderables:
        console.print(renderable)
    return out.getvalue()


def test_menu_lists_each_item_with_its_sizes_prices_choices_and_availability() -> None:
    text = shown([{"text": "Here is our menu.", "custom": {"menu": MENU}}])
    assert "Orderly: Here is our menu." in text
    assert "Breakfast menu" in text
    soy_row = next(line for line in text.splitlines() if "Soy Milk" in line)
    assert "Regular ¥5.00" in soy_row and "yes" in soy_row
    assert "Large ¥7.00" in text
    muffin_row = next(line for line in text.splitlines() if "Egg Sausage Muffin" in line)
    assert "¥19.99" in muffin_row and "sold out" in muffin_row
    latte_row = next(line for line in text.splitlines() if "Latte" in line)
    assert "¥32.00" in latte_row and "Milk, Caffeine" in latte_row
    assert "not being served" not in text


def test_menu_says_when_breakfast_is_not_served() -> None:
    text = shown([{"custom": {"menu": {**MENU, "breakfast_served": False}}}])
    assert "Breakfast is not being served right now." in text


def test_cart_shows_changed_options_line_totals_total_store_and_pickup() -> None:
    text = shown([{"custom": {"cart": CART}}])
    assert "Options" in text
    combo_row = next(line for line in text.splitlines() if "Breakfast Combo" in line)
    assert "Soy Milk, Large" in combo_row
    assert format_money(COMBO_LINE["line_total"], thousands=True) in combo_row
    latte_row = next(line for line in text.splitlines() if "Latte" in line)
    assert re.search(r"\b2\b", latte_row) and "¥39.98" in latte_row
    assert "Large, Oat, Decaf" in latte_row
    assert "Double" not in text and "Hot" not in text  # defaults are not repeated
    total_row = next(line for line in text.splitlines() if "Total" in line and "¥" in line)
    assert "¥67.98" in total_row
    assert "Pickup at People's Square, as soon as possible" in text


def test_readback_is_titled_with_the_order_to_confirm() -> None:
    text = shown([{"custom": {"readback": {**CART, "order_id": "1001"}}}])
    assert "Please confirm order 1001" in text
    assert "¥67.98" in text


def test_order_panel_shows_status_total_store_pickup_and_items() -> None:
    order = {
        "id": "1001",
        "status": "paid",
        "total": 6798,
        "store_name": "People's Square",
        "pickup_time": "2026-11-24T08:30:00+08:00",
        "lines": [LATTE_LINE],
    }
    text = shown([{"custom": {"order": order}}])
    assert "Order 1001" in text
    assert re.search(r"Status\s+paid", text)
    assert re.search(r"Total\s+¥67\.98", text)
    assert re.search(r"Store\s+People's Square", text)
    assert re.search(r"Pickup\s+2026-11-24 08:30", text)
    assert "2 × Latte (Large, Oat, Decaf)" in text


def test_options_without_a_default_flag_are_all_shown() -> None:
    line = {**LATTE_LINE, "options": [{"group": "Size", "choice": "Medium"}]}
    text = shown([{"custom": {"cart": {**CART, "lines": [line]}}}])
    assert "Medium" in next(row for row in text.splitlines() if "Latte" in row)


def test_buttons_are_numbered_across_the_whole_reply() -> None:
    reply: list[dict[str, Any]] = [
        {"text": "Which size?", "buttons": [{"title": "Medium", "payload": "/m"}]},
        {"buttons": [{"title": "Large", "payload": '/inform{"size": "large"}'}]},
    ]
    assert "1) Medium  2) Large" in shown(reply)
    assert [b.payload for b in choices(parse_reply(reply))] == ["/m", '/inform{"size": "large"}']


def test_a_button_without_payload_sends_its_title() -> None:
    (button,) = choices(parse_reply([{"buttons": [{"title": "Yes"}]}]))
    assert button.payload == "Yes"


def test_secure_input_is_detected_and_announced_as_hidden() -> None:
    reply = parse_reply(
        [
            {"text": "Please type your payment PIN."},
            {"custom": {"secure_input": {"purpose": "payment_pin", "digits": 6}}},
        ]
    )
    request = secure_input_request(reply)
    assert request == SecureInput(purpose="payment_pin", digits=6)
    assert secure_input_note(request) == "Enter your 6-digit payment PIN (typing is hidden)"
    assert secure_input_request(parse_reply([{"text": "Large or medium?"}])) is None


def test_a_secure_input_that_does_not_fit_the_contract_is_still_hidden() -> None:
    reply = parse_reply([{"custom": {"secure_input": {"purpose": "payment_pin", "digits": "six"}}}])
    assert secure_input_request(reply) == SecureInput(purpose="secret")


def test_text_is_shown_literally_not_as_markup() -> None:
    assert "Orderly: Say [bold]yes[/bold] to confirm" in shown(
        [{"text": "Say [bold]yes[/bold] to confirm"}]
    )


def test_an_incomplete_custom_payload_becomes_a_note_not_a_crash() -> None:
    text = shown([{"text": "Your cart:"}, {"custom": {"cart": {"lines": [{"name": "Latte"}]}}}])
    assert "Orderly: Your cart:" in text
    assert "could not show the cart" in text


def test_a_version_1_order_card_with_items_is_a_note_naming_the_missing_lines() -> None:
    order = {"id": "1001", "status": "paid", "total": 6798, "store_name": "People's Square"}
    order |= {"pickup_time": "2026-11-24T08:30:00+08:00", "items": [LATTE_LINE]}
    text = shown([{"custom": {"order": order}}])
    assert "could not show the order: lines: field required" in text


def test_an_amount_that_is_not_integer_fen_is_a_note_not_a_rounded_price() -> None:
    text = shown([{"custom": {"cart": {**CART, "total": 67.985}}}])
    assert "could not show the cart: total: value is not a valid integer" in text
    assert "¥67.98" not in text and "¥67.99" not in text


def test_unknown_custom_payloads_are_left_to_their_text() -> None:
    assert shown([{"text": "Hello", "custom": {"confetti": {"colour": "gold"}}}]).strip() == (
        "Orderly: Hello"
    )


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ({"error": "boom"}, "expected a list"),
        (["hello"], "not an object"),
        ([{"text": 3}], "non-string text"),
        ([{"buttons": [{"payload": "/x"}]}], "without a title"),
        ([{"custom": ["menu"]}], "custom payload"),
    ],
)
def test_a_reply_that_is_not_rasa_messages_is_refused_clearly(body: Any, complaint: str) -> None:
    with pytest.raises(MalformedReply, match=complaint):
        parse_reply(body)


STAY = {
    "hotel": "Harbour Inn West Lake",
    "room_type": "Twin Room",
    "check_in": "2026-12-12",
    "check_out": "2026-12-14",
    "nights": 2,
    "guests": 2,
    "check_in_from": "14:00",
}
ROOM_LINE = {"sku": "twin", "name": "Twin Room", "quantity": 2, "options": [],
             "unit_price": 21800, "line_total": 43600}  # fmt: skip


def test_a_booking_readback_shows_the_stay_not_a_pickup() -> None:
    readback = {
        "lines": [ROOM_LINE],
        "total": 43600,
        "store": {"id": "hi-west-lake", "name": "Harbour Inn West Lake"},
        "pickup": "at 14:00",
        "order_id": "1001",
        "stay": STAY,
    }
    text = shown([{"custom": {"readback": readback}}])
    assert "Please confirm booking 1001" in text and "Nights" in text
    assert (
        "Harbour Inn West Lake: check-in Sat 12 Dec from 14:00, check-out Mon 14 Dec; "
        "2 nights, 2 guests"
    ) in " ".join(text.split())
    assert "Pickup" not in text


def test_a_paid_booking_shows_the_hotel_room_and_dates_and_no_pickup() -> None:
    order = {
        "id": "1001",
        "status": "paid",
        "total": 43600,
        "store_name": "Harbour Inn West Lake",
        "pickup_time": "2026-12-12T14:00:00+08:00",
        "lines": [ROOM_LINE],
        "stay": STAY,
    }
    text = shown([{"custom": {"order": order}}])
    assert "Booking 1001" in text and "Order 1001" not in text
    assert re.search(r"Hotel\s+Harbour Inn West Lake", text)
    assert re.search(r"Room\s+Twin Room", text)
    assert "check-in Sat 12 Dec from 14:00, check-out Mon 14 Dec" in text
    assert "Pickup" not in text and "2 × Twin Room" not in text
