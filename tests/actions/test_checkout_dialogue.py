"""Paying at the Tracker level: the PIN, lost answers, refusals, the pickup."""

from __future__ import annotations

from tests.actions.conversation import Conversation, item, qty
from tests.actions.fake_backend import VOICE_PAY_LIMIT


async def over_the_limit(talk: Conversation) -> str:
    await talk.say("seven large lattes", "order_item", qty(7), item("latte"))
    reply = await talk.say("that's all", "checkout")
    readback = talk.custom("readback")
    assert readback["total"] == 7 * 1600 > VOICE_PAY_LIMIT, reply
    return str(readback["order_id"])


async def test_above_the_limit_the_pin_is_asked_and_its_outcome_pays() -> None:
    talk = Conversation()
    order_id = await over_the_limit(talk)
    reply = await talk.say("yes", "affirm")
    secure = talk.custom("secure_input")
    assert "PIN" in reply and secure["submit"]["fields"] == {"order_id": order_id}
    assert talk.question == "pin" and talk.expects() == ["pin"]
    reply = await talk.say(
        "/pin_submitted", "pin_submitted",
        {"entity": "secure_outcome", "value": "pin_incorrect"},
        {"entity": "attempts_left", "value": "2"},
    )  # fmt: skip
    assert "didn't match" in reply and "2 tries left" in reply and talk.question == "pin"
    talk.backend.pin_verified.add(order_id)
    reply = await talk.say(
        "/pin_submitted", "pin_submitted", {"entity": "secure_outcome", "value": "verified"}
    )
    assert "Paid ¥112.00" in reply, reply
    assert talk.backend.captured() == [(order_id, 11200)]


async def test_no_at_the_pin_prompt_charges_nothing() -> None:
    talk = Conversation()
    await over_the_limit(talk)
    await talk.say("yes", "affirm")
    reply = await talk.say("no", "deny")
    assert "haven't charged anything" in reply and talk.backend.captured() == []


async def test_a_pin_outcome_nobody_waited_for_pays_nothing() -> None:
    talk = Conversation()
    order_id = await over_the_limit(talk)
    talk.backend.pin_verified.add(order_id)
    reply = await talk.say(
        "/pin_submitted", "pin_submitted", {"entity": "secure_outcome", "value": "verified"}
    )
    assert "no payment waiting for a PIN" in reply and talk.backend.captured() == []


async def test_rasa_shell_is_refused_the_pin_and_pointed_to_make_shell() -> None:
    """Issue 10, finding 8: `rasa shell` (channel "cmdline") has no PIN guard."""
    talk = Conversation(channel="cmdline")
    order_id = await over_the_limit(talk)
    reply = await talk.say("yes", "affirm")
    assert "make shell" in reply and order_id in reply and "nothing was charged" in reply
    assert talk.custom("secure_input") is None and talk.backend.captured() == []


async def test_a_lost_payment_answer_is_checked_and_never_called_uncharged() -> None:
    """Issue 10, finding 7: the capture happened, its answer was lost."""
    talk = Conversation()
    await talk.say("two hash browns", "order_item", qty(2), item("hash-brown"))
    await talk.say("that's all", "checkout")
    order_id = str(talk.custom("readback")["order_id"])
    talk.backend.lose_pay_answer = True
    reply = await talk.say("yes", "affirm")
    assert "Paid ¥14.00" in reply and "nothing was charged" not in reply.lower(), reply
    assert talk.backend.captured() == [(order_id, 1400)] and talk.cart == []


async def test_editing_after_an_unknown_outcome_never_cancels_a_paid_order() -> None:
    """Issue 10, finding 7: abandon_unconfirmed_order reads the status first."""
    talk = Conversation()
    await talk.say("two hash browns", "order_item", qty(2), item("hash-brown"))
    await talk.say("that's all", "checkout")
    order_id = str(talk.custom("readback")["order_id"])
    talk.backend.lose_pay_answer = True
    talk.backend.down = False

    # The capture happens, then the merchant is unreachable for the read as well.
    async def pay_then_go_down(*args: object, **kwargs: object) -> object:
        try:
            return await original(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            talk.backend.down = True

    original = talk.backend.pay
    talk.backend.pay = pay_then_go_down  # type: ignore[method-assign]
    reply = await talk.say("yes", "affirm")
    assert "nothing was charged" not in reply.lower() and "can't check" in reply, reply
    assert talk.question == "pay"

    talk.backend.down = False
    reply = await talk.say("and a youtiao", "order_item", item("youtiao"))
    assert talk.backend.status(order_id) == "paid" and talk.backend.cancels == []
    assert f"Order {order_id} was already paid" in reply, reply


async def test_the_merchant_down_at_the_yes_keeps_the_order_and_a_retry_charges_once() -> None:
    talk = Conversation()
    await talk.say("two hash browns", "order_item", qty(2), item("hash-brown"))
    await talk.say("that's all", "checkout")
    order_id = str(talk.custom("readback")["order_id"])
    talk.backend.down = True
    reply = await talk.say("yes", "affirm")
    assert "nothing was charged" not in reply.lower() and order_id in reply, reply
    assert talk.question == "pay"
    talk.backend.down = False
    reply = await talk.say("yes", "affirm")
    assert "Paid ¥14.00" in reply and talk.backend.captured() == [(order_id, 1400)]


async def test_an_expired_confirmation_reads_a_new_order_back() -> None:
    talk = Conversation()
    await talk.say("a hash brown", "order_item", item("hash-brown"))
    await talk.say("that's all", "checkout")
    first = str(talk.custom("readback")["order_id"])
    talk.backend.tokens[first] = "rotated"  # the token expired on the merchant's side
    reply = await talk.say("yes", "affirm")
    second = str(talk.custom("readback")["order_id"])
    assert "expired" in reply and second != first and talk.question == "pay", reply
    assert talk.backend.status(first) == "cancelled" and talk.backend.captured() == []
    await talk.say("yes", "affirm")
    assert talk.backend.captured() == [(second, 700)]


async def test_changing_the_pickup_at_the_readback_reads_it_again() -> None:
    talk = Conversation()
    await talk.say("a hash brown", "order_item", item("hash-brown"))
    await talk.say("that's all", "checkout")
    first = str(talk.custom("readback")["order_id"])
    reply = await talk.say(
        "pick it up at riverside", "set_pickup", {"entity": "store", "value": "s-river"}
    )
    readback = talk.custom("readback")
    assert "Riverside" in reply and readback["order_id"] != first and talk.question == "pay"
    await talk.say("yes", "affirm")
    assert talk.backend.captured() == [(str(readback["order_id"]), 700)]


async def test_status_and_handoff() -> None:
    talk = Conversation()
    await talk.say("a large latte", "order_item", item("latte"))
    await talk.say("that's all", "checkout")
    await talk.say("yes", "affirm")
    reply = await talk.say("where is my order", "order_status")
    assert "Order 1001 (a Latte, ¥16.00) is paid" in reply, reply
    reply = await talk.say("talk to a person", "human_handoff")
    assert "H1" in reply and talk.backend.handoffs[0][-1] == "talk to a person"


async def test_over_the_daily_no_pin_total_the_platform_says_why_the_pin_is_needed() -> None:
    talk = Conversation()
    await talk.say("two hash browns", "order_item", qty(2), item("hash-brown"))
    await talk.say("that's all", "checkout")
    real_pay = talk.backend.pay

    async def over_daily(*args: object, **kwargs: object) -> object:
        from actions.merchants.backend import MerchantRejected

        raise MerchantRejected(
            "pin_required",
            "You've paid ¥190.00 without a PIN today; the daily limit is ¥200.00.",
            {"voice_pay_limit": VOICE_PAY_LIMIT, "reason": "over_daily_limit"},
        )

    talk.backend.pay = over_daily  # type: ignore[method-assign]
    reply = await talk.say("yes", "affirm")
    assert "daily limit" in reply and "PIN" in reply and talk.question == "pin", reply
    talk.backend.pay = real_pay  # type: ignore[method-assign]


async def test_without_a_pin_of_their_own_the_customer_hears_how_to_set_one() -> None:
    talk = Conversation()
    order_id = await over_the_limit(talk)

    async def no_pin_set(*args: object, **kwargs: object) -> object:
        from actions.merchants.backend import MerchantRejected

        raise MerchantRejected("pin_not_set", "This payment needs the customer's PIN.", {})

    talk.backend.pay = no_pin_set  # type: ignore[method-assign]
    reply = await talk.say("yes", "affirm")
    assert "haven't set one" in reply and "/pin" in reply and "Settings" in reply, reply
    assert "can't be set by voice" in reply and f"order {order_id} is saved" in reply
    assert talk.backend.captured() == [] and talk.question != "pin"


async def test_the_pin_is_asked_for_with_the_length_of_the_customers_own() -> None:
    talk = Conversation()
    await over_the_limit(talk)

    async def four_digit_pin(*args: object, **kwargs: object) -> object:
        from actions.merchants.backend import MerchantRejected

        raise MerchantRejected(
            "pin_required",
            "A PIN is needed.",
            {"voice_pay_limit": VOICE_PAY_LIMIT, "pin_digits": 4},
        )

    talk.backend.pay = four_digit_pin  # type: ignore[method-assign]
    reply = await talk.say("yes", "affirm")
    assert "4-digit" in reply and talk.custom("secure_input")["digits"] == 4, reply
    reply = await talk.say(
        "/pin_submitted", "pin_submitted", {"entity": "secure_outcome", "value": "pin_incorrect"}
    )
    assert "4-digit" in reply and talk.custom("secure_input")["digits"] == 4, reply


async def test_words_naming_nothing_at_the_payment_question_ask_it_again() -> None:
    """Gibberish at "Shall I pay ...?" that DIET hears as an order (no entity at all) left
    the payment question for "anything else?"; it is asked again, and nothing is charged."""
    talk = Conversation()
    await talk.say("a hash brown", "order_item", item("hash-brown"))
    await talk.say("that's it", "checkout")
    assert talk.question == "pay"
    for intent in ("inform", "order_item", "change_item", "set_pickup"):
        reply = await talk.say("blorf wibble", intent)
        assert "yes or no" in reply.lower() and talk.question == "pay", reply
    assert talk.backend.captured() == []


async def test_asking_to_change_the_pickup_at_the_payment_question_asks_where_and_when() -> None:
    talk = Conversation()
    await talk.say("a hash brown", "order_item", item("hash-brown"))
    await talk.say("that's it", "checkout")
    reply = await talk.say("can I change the pickup store?", "set_pickup")
    assert "Which store" in reply and talk.backend.captured() == [], reply
