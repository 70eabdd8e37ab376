"""Booking a stay at Harbour Inn in a conversation (issue 17 §3), at the Tracker level against
the real sandbox platform: the two example sentences, the one-question-at-a-time asking of
what is missing, the readback, the PIN, and a full night's alternatives.

The platform's clock is Tuesday 24 November 2026, 08:00 in Shanghai (the customer's day):
"this Friday" is 27 November, "the 12th" is 12 December. Intents are what the model says of
such messages (tests/stories has the model-level checks); the entities are the real parser's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.actions.sandbox_talk import SandboxTalk

PIN = "2468"
PASSWORD = "correct horse"


async def pin_verified(hotel: SandboxTalk, order_id: str, customer: str | None = None) -> None:
    """What the shell does with the PIN the assistant asked for: verify it with the platform,
    as the customer (with their own token), then tell the dialogue only the outcome."""
    customer = customer or hotel.talk.sender
    verified = await hotel.client.post(
        f"/accounts/{customer}/pin-verifications",
        json={"order_id": order_id, "pin": PIN},
        headers=await own_token(hotel, customer),
    )
    assert verified.status_code == 200, verified.text


async def own_token(hotel: SandboxTalk, customer: str | None = None) -> dict[str, str]:
    signed_in = await hotel.client.post(
        "/identity/sign-in",
        json={"customer_id": customer or hotel.talk.sender, "password": PASSWORD},
    )
    return {"Authorization": f"Bearer {signed_in.json()['token']}"}


async def sign_up_with_pin(hotel: SandboxTalk, customer: str | None = None) -> None:
    signed_up = await hotel.client.post(
        "/identity/sign-up",
        json={"customer_id": customer or hotel.talk.sender, "password": PASSWORD},
    )
    assert signed_up.status_code == 201, signed_up.text
    pin = await hotel.client.put(
        "/identity/pin",
        json={"password": PASSWORD, "pin": PIN},
        headers={"Authorization": f"Bearer {signed_up.json()['token']}"},
    )
    assert pin.status_code == 200, pin.text


def stay(hotel: SandboxTalk) -> dict[str, Any]:
    return dict(hotel.talk.slots.get("stay") or {})


async def test_book_a_room_in_hangzhou_for_this_friday_asks_the_rest_then_pays_with_the_pin(
    harbour_inn: SandboxTalk,
) -> None:
    await sign_up_with_pin(harbour_inn)
    reply = await harbour_inn.say(
        "book a room in Hangzhou for this Friday, two nights", "book_stay"
    )
    assert reply == (
        "Which hotel in Hangzhou: Harbour Inn West Lake, Harbour Inn Hefang Street, Harbour Inn "
        "Hangzhou East Station or Harbour Inn Lingyin?"
    )
    assert harbour_inn.talk.question == "stay"
    assert [b["title"] for b in harbour_inn.talk.replies[0]["buttons"]][0] == (
        "Harbour Inn West Lake"
    )
    assert stay(harbour_inn) == {"city": "Hangzhou", "check_in": "2026-11-27", "nights": 2}

    reply = await harbour_inn.say("the West Lake one", "inform")
    assert reply == "How many guests?"
    reply = await harbour_inn.say("two", "inform")
    assert reply == (
        "Which room would you like: Standard Double (¥188.00 a night), Twin Room (¥218.00 a "
        "night) or King Suite (¥468.00 a night)?"
    )
    reply = await harbour_inn.say("a twin please", "order_item")
    assert reply == (
        "Here is your booking: a Twin Room at Harbour Inn West Lake, Hangzhou; check-in Fri 27 "
        "Nov from 14:00, check-out Sun 29 Nov: 2 nights for 2 guests, ¥218.00 a night. The "
        "total is ¥436.00; free cancellation until 14:00 on Thu 26 Nov. Shall I pay ¥436.00 "
        "for order 1001? Please say yes or no."
    )
    assert harbour_inn.talk.question == "pay"

    reply = await harbour_inn.say("yes", "affirm")
    assert reply.startswith("That's above your voice-pay limit of ¥100.00.")
    assert "4-digit payment PIN" in reply and harbour_inn.talk.question == "pin"

    await pin_verified(harbour_inn, harbour_inn.talk.slots["order_id"])
    reply = await harbour_inn.talk.say(
        "/pin_submitted", "pin_submitted", {"entity": "secure_outcome", "value": "verified"}
    )
    assert reply == (
        "Paid ¥436.00. Your booking number is 1001: Harbour Inn West Lake, check-in Fri 27 Nov "
        "from 14:00, 2 nights. Thank you!"
    )
    assert stay(harbour_inn) == {}  # the next booking starts afresh
    order = await harbour_inn.client.get("/orders/1001", headers=await own_token(harbour_inn))
    assert (order.json()["status"], order.json()["stay"]["check_out"]) == ("paid", "2026-11-29")


async def test_a_twin_room_at_the_west_lake_one_from_the_12th_to_the_14th_is_read_back_at_once(
    harbour_inn: SandboxTalk,
) -> None:
    reply = await harbour_inn.say(
        "a twin room at the West Lake one from the 12th to the 14th for two people", "order_item"
    )
    assert reply.startswith(
        "Here is your booking: a Twin Room at Harbour Inn West Lake, Hangzhou; check-in Sat 12 "
        "Dec from 14:00, check-out Mon 14 Dec: 2 nights for 2 guests, ¥218.00 a night. The "
        "total is ¥436.00;"
    )
    assert harbour_inn.talk.custom("readback")["total"] == 43600


async def test_missing_dates_are_asked_one_question_at_a_time(harbour_inn: SandboxTalk) -> None:
    reply = await harbour_inn.say("a standard double at the Bund for two people", "order_item")
    assert reply == "Which day would you like to check in?"
    assert stay(harbour_inn) == {
        "city": "Shanghai",
        "hotel_id": "hi-bund",
        "guests": 2,
        "room_type": "standard-double",
    }
    assert await harbour_inn.say("this Friday", "inform") == "How many nights?"
    reply = await harbour_inn.say("until Sunday", "inform")  # the check-out day
    assert "check-in Fri 27 Nov from 14:00, check-out Sun 29 Nov: 2 nights" in reply
    assert "Shall I pay ¥376.00 for order 1001?" in reply


async def test_a_change_after_the_readback_lets_that_order_go_and_reads_the_new_one(
    harbour_inn: SandboxTalk,
) -> None:
    await harbour_inn.say(
        "a twin room at the West Lake one from the 12th to the 14th for two people", "order_item"
    )
    reply = await harbour_inn.say("make it a king suite", "change_item")
    assert "a King Suite at Harbour Inn West Lake" in reply
    assert "Shall I pay ¥936.00 for order 1002?" in reply
    first = await harbour_inn.talk.backend.order(harbour_inn.talk.sender, "1001")
    assert first.status == "cancelled"


async def test_a_full_night_offers_the_alternatives_and_the_second_one_books_it(
    harbour_inn: SandboxTalk,
) -> None:
    # Both King Suites at the West Lake hotel are taken on the 12th (paid by other guests).
    for guest in ("k1", "k2"):
        await book_directly(harbour_inn, guest, "king-suite", "2026-12-12", nights=1)
    reply = await harbour_inn.say(
        "a king suite at the West Lake one on the 12th for one night for three people",
        "order_item",
    )
    assert reply == (
        "Harbour Inn West Lake has no King Suite free for 1 night from Sat 12 Dec. I can "
        "offer: 1. a King Suite at Harbour Inn Hefang Street from Sat 12 Dec, 1 night, "
        "¥468.00; 2. a King Suite at Harbour Inn West Lake from Sun 13 Dec, 1 night, ¥468.00; "
        "3. a King Suite at Harbour Inn Lingyin from Sat 12 Dec, 1 night, ¥468.00. Which "
        "would you like?"
    )  # one of each kind first: the nearest hotel in the city, then the next day
    assert harbour_inn.talk.question == "stay"
    reply = await harbour_inn.say("the second one", "inform")
    assert reply.startswith(
        "Here is your booking: a King Suite at Harbour Inn West Lake, Hangzhou; check-in Sun "
        "13 Dec from 14:00"
    )


async def book_directly(
    hotel: SandboxTalk, guest: str, room: str, check_in: str, nights: int, signed_up: bool = False
) -> None:
    """A guest's booking, paid with their PIN straight through the platform (as another
    client of theirs would)."""
    if not signed_up:
        await sign_up_with_pin(hotel, guest)
    headers = await own_token(hotel, guest)
    body = {
        "merchant_id": "harbour-inn",
        "store_id": "hi-west-lake",
        "items": [
            {"sku": room, "options": {"check_in": check_in, "nights": str(nights), "guests": "1"}}
        ],
    }
    placed = (await hotel.client.post("/orders", json=body, headers=headers)).json()
    await pin_verified(hotel, placed["id"], guest)
    paid = await hotel.client.post(
        "/payments",
        json={
            "order_id": placed["id"],
            "confirmation_token": placed["confirmation_token"],
            "amount": placed["total"],
        },
        headers={**headers, "Idempotency-Key": f"pay-{placed['id']}"},
    )
    assert paid.status_code == 201, paid.text


async def test_cancelling_a_booking_refunds_it_inside_the_window_and_not_after(
    harbour_inn: SandboxTalk,
) -> None:
    sender = harbour_inn.talk.sender
    await book_directly(harbour_inn, sender, "king-suite", "2026-11-27", nights=1)
    reply = await harbour_inn.say("cancel my booking", "cancel_order")
    assert reply == (
        "Cancel booking 1001 at Harbour Inn West Lake (¥468.00) and refund ¥468.00? Please "
        "say yes or no."
    )
    reply = await harbour_inn.say("yes", "affirm")
    assert reply == "Order 1001 is cancelled. ¥468.00 is refunded to your account."

    await book_directly(harbour_inn, sender, "king-suite", "2026-11-27", nights=1, signed_up=True)
    clock = harbour_inn.client._transport.inner.app.state.runtime.clock  # type: ignore[attr-defined]
    clock.set(datetime.fromisoformat("2026-11-26T15:00:00+08:00"))  # past Thu 14:00
    await harbour_inn.say("cancel my booking", "cancel_order")
    reply = await harbour_inn.say("yes", "affirm")
    assert reply.startswith(
        "Booking 1002 could be cancelled free of charge until 14:00 on Thu 26 Nov; that has "
        "passed, so it stands and nothing is refunded."
    ), reply
    order = await harbour_inn.talk.backend.order(sender, "1002")
    assert order.status == "paid"
