"""A stay chooses the hotel, and switching between a booking and a menu merchant loses
nothing silently (issue 17 §2-3), at the Tracker level against the real sandbox platform.

"book a room in Hangzhou for Friday" at Golden Crumb chooses Harbour Inn, the way "a
cortado" chooses Copper Kettle; with an order in progress (a cart, or a stay being booked)
the new-cart question is asked first. The platform's clock is Tuesday 24 November 2026:
"this Friday" is 27 November.
"""

from __future__ import annotations

from typing import Any

from tests.actions.sandbox_talk import COPPER_KETTLE, GOLDEN_CRUMB, HARBOUR_INN, SandboxTalk
from tests.actions.test_booking_dialogue import pin_verified, sign_up_with_pin

HANGZHOU_HOTELS = (
    "Which hotel in Hangzhou: Harbour Inn West Lake, Harbour Inn Hefang Street, Harbour Inn "
    "Hangzhou East Station or Harbour Inn Lingyin?"
)
FRIDAY_IN_HANGZHOU = {"city": "Hangzhou", "check_in": "2026-11-27", "nights": 2}


def stay(talk: SandboxTalk) -> dict[str, Any]:
    return dict(talk.talk.slots.get("stay") or {})


async def test_a_stay_asked_for_at_a_menu_merchant_chooses_the_hotel(
    golden_crumb: SandboxTalk,
) -> None:
    reply = await golden_crumb.say(
        "book a room in Hangzhou for this Friday, two nights", "book_stay"
    )
    assert reply == f"That's for Harbour Inn: booking there now. {HANGZHOU_HOTELS}"
    assert golden_crumb.merchant_in_use() == HARBOUR_INN
    assert stay(golden_crumb) == FRIDAY_IN_HANGZHOU
    assert golden_crumb.talk.custom("merchant") == HARBOUR_INN  # the voice channel follows


async def test_a_stay_asked_for_with_a_cart_asks_first_and_yes_books_it(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("two hash browns")
    reply = await golden_crumb.say(
        "book a room in Hangzhou for this Friday, two nights", "book_stay"
    )
    assert reply == (
        "Your cart is at Golden Crumb, and a cart holds one shop's order. Book at Harbour Inn "
        "(your Golden Crumb cart is emptied), or finish this one first?"
    )
    assert golden_crumb.talk.question == "new_cart"
    assert golden_crumb.merchant_in_use() == GOLDEN_CRUMB and stay(golden_crumb) == {}
    reply = await golden_crumb.say("yes", "affirm")
    assert reply == f"OK, booking at Harbour Inn. {HANGZHOU_HOTELS}"
    assert golden_crumb.merchant_in_use() == HARBOUR_INN
    assert golden_crumb.lines() == [] and stay(golden_crumb) == FRIDAY_IN_HANGZHOU


async def test_a_stay_asked_for_with_a_cart_and_no_keeps_the_cart(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("two hash browns")
    await golden_crumb.say("book a room in Hangzhou for this Friday", "book_stay")
    reply = await golden_crumb.say("no", "deny")
    assert golden_crumb.merchant_in_use() == GOLDEN_CRUMB, reply
    assert golden_crumb.lines() == [("hash-brown", 2, {})]
    assert "Your cart: 2 Hash Browns" in reply


async def test_leaving_a_stay_half_booked_asks_and_finishing_it_asks_its_next_question(
    harbour_inn: SandboxTalk,
) -> None:
    await harbour_inn.say("book a room in Hangzhou for this Friday, two nights", "book_stay")
    reply = await harbour_inn.say("order from Copper Kettle", "choose_merchant")
    assert reply == (
        "Your booking at Harbour Inn isn't finished. Start a new cart at Copper Kettle Coffee "
        "(your Harbour Inn booking is let go), or finish this one first?"
    )
    buttons = [b["title"] for b in harbour_inn.talk.replies[-1]["buttons"]]
    assert buttons == ["New cart at Copper Kettle Coffee", "Finish the Harbour Inn booking"]
    reply = await harbour_inn.say("finish this one first", "deny")
    assert harbour_inn.merchant_in_use() == HARBOUR_INN, reply
    assert reply == HANGZHOU_HOTELS and stay(harbour_inn) == FRIDAY_IN_HANGZHOU
    await harbour_inn.say("order from Copper Kettle", "choose_merchant")
    reply = await harbour_inn.say("yes", "affirm")
    assert harbour_inn.merchant_in_use() == COPPER_KETTLE, reply
    assert stay(harbour_inn) == {}  # let go, as the question said
    reply = await harbour_inn.say("an iced oat latte")
    assert harbour_inn.lines() == [("latte", 1, {"temperature": "iced", "milk": "oat"})], reply


async def test_a_menu_item_at_the_hotel_with_a_booking_read_back_asks_then_lets_it_go(
    harbour_inn: SandboxTalk,
) -> None:
    await harbour_inn.say(
        "a twin room at the West Lake one from the 12th to the 14th for two people", "order_item"
    )
    assert harbour_inn.talk.question == "pay"
    booking = harbour_inn.talk.slots["order_id"]
    reply = await harbour_inn.say("a cortado")
    assert harbour_inn.talk.question == "new_cart", reply
    assert harbour_inn.merchant_in_use() == HARBOUR_INN and harbour_inn.lines() == []
    reply = await harbour_inn.say("start a new cart", "start_over")
    assert harbour_inn.merchant_in_use() == COPPER_KETTLE, reply
    assert harbour_inn.lines() == [("cortado", 1, {})]
    assert stay(harbour_inn) == {} and harbour_inn.talk.slots.get("order_id") is None
    # The booking read back and never confirmed is let go on the platform too.
    sandbox = harbour_inn.talk.backend
    assert (await sandbox.order(harbour_inn.talk.sender, booking)).status == "cancelled"


async def test_a_menu_item_at_the_hotel_with_nothing_booked_orders_it_there(
    harbour_inn: SandboxTalk,
) -> None:
    reply = await harbour_inn.say("a cortado")
    assert reply.startswith("That's from Copper Kettle Coffee: ordering there now."), reply
    assert harbour_inn.merchant_in_use() == COPPER_KETTLE
    assert harbour_inn.lines() == [("cortado", 1, {})]


async def test_a_booking_card_carries_its_stay_and_no_pickup_code(harbour_inn: SandboxTalk) -> None:
    """Clients word a booking as a stay (contracts StayCard), not as a pickup."""
    await sign_up_with_pin(harbour_inn)
    await harbour_inn.say(
        "a twin room at the West Lake one from the 12th to the 14th for two people", "order_item"
    )
    stay_card = harbour_inn.talk.custom("readback")["stay"]
    assert stay_card == {
        "hotel": "Harbour Inn West Lake",
        "room_type": "Twin Room",
        "check_in": "2026-12-12",
        "check_out": "2026-12-14",
        "nights": 2,
        "guests": 2,
        "check_in_from": "14:00",
        "free_cancel_until": stay_card["free_cancel_until"],
    }
    assert stay_card["free_cancel_until"].startswith("2026-12-11T14:00")
    await harbour_inn.say("yes", "affirm")  # above the voice-pay limit: the PIN
    await pin_verified(harbour_inn, harbour_inn.talk.slots["order_id"])
    await harbour_inn.talk.say(
        "/pin_submitted", "pin_submitted", {"entity": "secure_outcome", "value": "verified"}
    )
    paid = harbour_inn.talk.custom("order")
    assert paid["status"] == "paid" and paid["stay"] == stay_card
    # The platform gives every paid order a pickup code; a stay has nothing to pick up.
    assert "pickup_code" not in paid and "pickup_qr" not in paid
