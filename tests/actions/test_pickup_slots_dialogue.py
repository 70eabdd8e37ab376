"""Pickup slots in the conversation (issue 17 §4), at the real sandbox platform: a full
slot is answered with the next free one, which "yes" or "ok that one" takes and another
time replaces; as soon as possible is read back with the time the store's queue makes it
ready, and "where is my order" says that time too.

Golden Crumb's People's Square store takes 6 orders per 10-minute slot and needs 10 minutes
(packs/golden-crumb/pack.yml); the platform's clock stands at 08:00. Other customers' orders
fill slots through the same backend, as the action server would place theirs.
"""

from __future__ import annotations

import pytest

from actions.merchants.backend import LineRequest, MerchantBackend, OrderRequest
from tests.actions.sandbox_talk import GOLDEN_CRUMB, SandboxTalk

STORE = "gc-peoples-square"
CAPACITY = 6


async def others_order(talk: SandboxTalk, pickup_time: str | None, count: int = CAPACITY) -> None:
    """`count` other customers place and pay an order at the store (None: as soon as
    possible)."""
    await others_order_at(talk.talk.backend, pickup_time, count)


async def others_order_at(
    backend: MerchantBackend, pickup_time: str | None, count: int = CAPACITY
) -> None:
    for index in range(count):
        customer = f"other-{(pickup_time or 'asap').replace(':', '')}-{index}"
        placed = await backend.place_order(
            OrderRequest(
                customer_id=customer,
                merchant_id=GOLDEN_CRUMB,
                lines=(LineRequest(sku="cola"),),
                store_id=STORE,
                pickup_time=None if pickup_time is None else f"2026-11-24T{pickup_time}:00+08:00",
            ),
            idempotency_key=f"{customer}-order",
        )
        order = placed.order
        assert placed.confirmation_token is not None
        await backend.pay(
            customer, order.id, placed.confirmation_token, order.total, f"{customer}-pay"
        )


async def check_out_at_nine(talk: SandboxTalk) -> str:
    await talk.say("a cola", "order_item")
    reply = await talk.say("pick it up at 9:00", "set_pickup")
    assert talk.talk.slots["pickup_time"] == "09:00", reply
    return await talk.say("that's all", "checkout")


async def test_a_full_slot_is_answered_with_the_next_free_one_and_yes_takes_it(
    golden_crumb: SandboxTalk,
) -> None:
    await others_order(golden_crumb, "09:00")
    reply = await check_out_at_nine(golden_crumb)
    assert "fully booked for pickup between 09:00 and 09:10" in reply, reply
    assert "Shall I make it 09:10?" in reply and golden_crumb.talk.question == "slot_offer"
    assert golden_crumb.talk.custom("readback") is None  # nothing to pay for yet
    buttons = golden_crumb.talk.replies[-1]["buttons"]
    assert [b["title"] for b in buttons] == ["Yes, 09:10", "09:20", "09:30"]
    assert buttons[1]["payload"] == '/set_pickup{"pickup_time": "09:20"}'

    reply = await golden_crumb.say("yes", "affirm")
    assert "Pickup at People's Square, at 09:10" in reply, reply
    assert golden_crumb.talk.question == "pay"
    reply = await golden_crumb.say("yes", "affirm")
    assert "Paid ¥8.00" in reply and "at 09:10" in reply, reply


@pytest.mark.parametrize(
    ("answer", "intent"),
    [
        # As the trained model hears them (tests/nlu/test_slot_offers_heard_by_the_model.py).
        ("ok that one", "checkout"),
        ("ok that one please", "order_item"),
        ("sure, that works", "affirm"),
    ],
)
async def test_ok_that_one_takes_the_offered_time_whatever_intent_it_is_heard_as(
    golden_crumb: SandboxTalk, answer: str, intent: str
) -> None:
    await others_order(golden_crumb, "09:00")
    await check_out_at_nine(golden_crumb)
    reply = await golden_crumb.say(answer, intent)
    assert "at 09:10" in reply and golden_crumb.talk.question == "pay", reply
    assert golden_crumb.lines() == [("cola", 1, {})]


async def test_another_time_said_instead_is_read_back(golden_crumb: SandboxTalk) -> None:
    await others_order(golden_crumb, "09:00")
    await check_out_at_nine(golden_crumb)
    reply = await golden_crumb.say("no, make it 9:30", "set_pickup")
    assert "Pickup at People's Square, at 09:30" in reply, reply
    assert golden_crumb.talk.question == "pay"


async def test_no_to_the_offer_asks_for_a_time_and_reads_back_the_one_said(
    golden_crumb: SandboxTalk,
) -> None:
    await others_order(golden_crumb, "09:00")
    await check_out_at_nine(golden_crumb)
    reply = await golden_crumb.say("no", "deny")
    assert "What time would suit you?" in reply and golden_crumb.talk.question == "store_time"
    reply = await golden_crumb.say("as soon as possible", "set_pickup")
    assert "as soon as possible, ready around 08:10" in reply, reply
    assert golden_crumb.talk.question == "pay"


async def test_as_soon_as_possible_is_read_back_with_the_ready_time(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("a cola", "order_item")
    reply = await golden_crumb.say("that's all", "checkout")
    assert "Pickup at People's Square, as soon as possible, ready around 08:10." in reply, reply


async def test_a_busy_store_makes_the_ready_time_later_and_the_status_says_it(
    golden_crumb: SandboxTalk,
) -> None:
    await others_order(golden_crumb, None)  # a full batch in the kitchen's queue
    await golden_crumb.say("a cola", "order_item")
    reply = await golden_crumb.say("that's all", "checkout")
    assert "as soon as possible, ready around 08:20" in reply, reply
    await golden_crumb.say("yes", "affirm")
    reply = await golden_crumb.say("where is my order", "order_status")
    assert "is paid; pickup at People's Square, ready around 08:20." in reply, reply
