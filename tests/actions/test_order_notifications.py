"""The store changes an order and the dialogue says so, unasked (README "Your order is
ready"): the words, the card, and a conversation that carries on as if nothing came between."""

from __future__ import annotations

from tests.actions.conversation import Conversation, item


async def paid_latte(talk: Conversation) -> str:
    await talk.say("a large latte please", "order_item", item("latte"))
    await talk.say("that's it", "checkout")
    await talk.say("yes", "affirm")
    order_id = str(talk.custom("order")["id"])
    assert talk.backend.status(order_id) == "paid"
    return order_id


async def test_ready_is_said_with_the_order_and_shown_as_a_notification_card() -> None:
    talk = Conversation()
    order_id = await paid_latte(talk)
    reply = await talk.notify(order_id, "ready")
    assert reply.startswith("Your order is ready!")
    assert f"Order {order_id} (a Latte, ¥16.00) is ready to collect; pickup at Centre" in reply
    card = talk.custom("order")
    assert card["status"] == "ready" and card["id"] == order_id
    assert talk.custom("notification") is True


async def test_each_state_the_store_can_reach_has_its_own_words() -> None:
    talk = Conversation()
    order_id = await paid_latte(talk)
    states = ("accepted", "preparing", "ready", "collected", "uncollected", "refunded")
    heard = {status: await talk.notify(order_id, status) for status in states}
    assert (
        "accepted your order" in heard["accepted"] and "accepted by the store" in heard["accepted"]
    )
    assert "is being prepared" in heard["preparing"]
    assert "Enjoy" in heard["collected"] and "pickup at" not in heard["collected"]
    assert "not collected in time" in heard["uncollected"]
    assert "couldn't take your order" in heard["refunded"]
    assert "is cancelled and refunded." in heard["refunded"] and "pickup" not in heard["refunded"]


async def test_a_notification_between_the_readback_and_the_yes_still_lets_the_yes_pay() -> None:
    talk = Conversation()
    first = await paid_latte(talk)
    await talk.say("and two hash browns", "order_item", item("hash-brown"))
    await talk.say("that's all", "checkout")
    second = str(talk.custom("readback")["order_id"])
    assert talk.question == "pay"
    await talk.notify(first, "ready")
    assert talk.question == "pay"
    reply = await talk.say("yes", "affirm")
    assert talk.backend.status(second) == "paid", reply


async def test_a_hand_off_transcript_holds_what_the_customer_said_not_notifications() -> None:
    talk = Conversation()
    order_id = await paid_latte(talk)
    await talk.notify(order_id, "accepted")
    await talk.say("let me talk to someone", "human_handoff")
    transcript = talk.backend.handoffs[0]
    assert transcript[-1] == "let me talk to someone"
    assert not any("EXTERNAL" in said for said in transcript)


async def test_asking_where_the_order_is_still_answers_with_its_current_state() -> None:
    talk = Conversation()
    order_id = await paid_latte(talk)
    reply = await talk.say("where's my order", "order_status")
    assert f"Order {order_id} (a Latte, ¥16.00) is paid" in reply
    assert talk.custom("notification") is None
