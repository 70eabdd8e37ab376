"""Short answers read against the one pending question (contract C3), at the Tracker level."""

from __future__ import annotations

import pytest

from contracts.heard_answer import METADATA_KEY, HeardAnswer
from tests.actions.conversation import Conversation, item, qty


async def cart_and_readback(talk: Conversation) -> str:
    await talk.say("two hash browns", "order_item", qty(2), item("hash-brown"))
    await talk.say("that's all", "checkout")
    readback = talk.custom("readback")
    assert readback is not None
    return str(readback["order_id"])


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("no", "deny"),
        ("nope", "deny"),
        ("no thanks", "deny"),
        ("I'm good", "deny"),
        ("yes", "affirm"),
        ("that's it", "checkout"),
        ("nothing else", "checkout"),
    ],
)
async def test_anything_else_answered_yes_or_no_reads_the_order_back(
    text: str, intent: str
) -> None:
    talk = Conversation()
    reply = await talk.say("a hash brown", "order_item", item("hash-brown"))
    assert "Anything else, or shall I check out?" in reply and talk.question == "more_or_done"
    assert talk.expects() == ["more_or_done"]
    reply = await talk.say(text, intent)
    assert "Here is your order" in reply and "Shall I pay ¥7.00 for order 1001?" in reply, reply
    assert talk.question == "pay" and talk.expects() == ["pay"]
    assert talk.backend.captured() == []


async def test_naming_an_item_at_anything_else_adds_it() -> None:
    talk = Conversation()
    await talk.say("a hash brown", "order_item", item("hash-brown"))
    reply = await talk.say("yes, a youtiao", "affirm", item("youtiao"))
    assert [line["sku"] for line in talk.cart] == ["hash-brown", "youtiao"], reply
    assert talk.custom("readback") is None


async def test_yes_to_the_readback_pays_exactly_that_order_and_amount() -> None:
    talk = Conversation()
    order_id = await cart_and_readback(talk)
    reply = await talk.say("yes please", "affirm")
    assert "Paid ¥14.00" in reply and order_id in reply, reply
    assert talk.backend.captured() == [(order_id, 1400)]
    assert talk.cart == [] and talk.slots["order_id"] is None

    reply = await talk.say("yes", "affirm")  # a repeated yes answers nothing now
    assert talk.backend.captured() == [(order_id, 1400)]
    assert "Paid" not in reply


async def test_an_unsure_yes_to_the_readback_asks_again_naming_order_and_amount() -> None:
    talk = Conversation()
    order_id = await cart_and_readback(talk)
    reply = await talk.say("yeah", "affirm", confidence=0.6)
    assert f"Shall I pay ¥14.00 for order {order_id}?" in reply and "clear yes or no" in reply
    assert talk.backend.captured() == []
    reply = await talk.say("blorf", "nlu_fallback", confidence=0.3)
    assert f"Shall I pay ¥14.00 for order {order_id}?" in reply
    await talk.say("yes", "affirm")
    assert talk.backend.captured() == [(order_id, 1400)]


async def test_no_to_the_readback_goes_back_to_editing_and_charges_nothing() -> None:
    talk = Conversation()
    order_id = await cart_and_readback(talk)
    reply = await talk.say("no, wait", "deny")
    assert "nothing has been charged" in reply.lower(), reply
    assert talk.backend.status(order_id) == "cancelled"
    assert talk.backend.captured() == [] and len(talk.cart) == 1


async def test_no_at_the_readback_then_check_out_places_a_new_order_that_yes_pays() -> None:
    """Issue 10, finding 6: the declined order is not replayed."""
    talk = Conversation()
    first = await cart_and_readback(talk)
    await talk.say("no", "deny")
    reply = await talk.say("check out", "checkout")
    second = str(talk.custom("readback")["order_id"])
    assert second != first, reply
    reply = await talk.say("yes", "affirm")
    assert "Paid ¥14.00" in reply, reply
    assert talk.backend.captured() == [(second, 1400)]


async def test_a_yes_meant_for_an_older_question_never_moves_money() -> None:
    """Issue 10, finding 3: pay 1001, ask to cancel it, order a cola, check out, yes."""
    talk = Conversation()
    paid = await cart_and_readback(talk)
    await talk.say("yes", "affirm")
    reply = await talk.say("cancel my order", "cancel_order")
    assert f"Cancel order {paid} (¥14.00)" in reply and talk.question == "cancel"
    assert talk.expects() == ["cancel"]
    await talk.say("a youtiao", "order_item", item("youtiao"))
    reply = await talk.say("check out", "checkout")
    new = str(talk.custom("readback")["order_id"])
    reply = await talk.say("yes", "affirm")
    assert "Paid ¥4.00" in reply, reply
    assert talk.backend.status(paid) == "paid" and talk.backend.status(new) == "paid"
    assert talk.backend.cancels == []


async def test_a_late_yes_re_asks_for_the_waiting_order_instead_of_paying() -> None:
    talk = Conversation()
    order_id = await cart_and_readback(talk)
    await talk.say("what's on the menu", "ask_menu")
    reply = await talk.say("yes", "affirm")
    assert f"Shall I pay ¥14.00 for order {order_id}?" in reply, reply
    assert talk.backend.captured() == [] and talk.question == "pay"
    await talk.say("yes", "affirm")
    assert talk.backend.captured() == [(order_id, 1400)]


async def test_a_yes_with_nothing_asked_and_nothing_waiting_asks_anything_else() -> None:
    talk = Conversation()
    reply = await talk.say("yes", "affirm")
    assert "What would you like to order?" in reply and talk.question == "more_or_done"


async def test_cancel_yes_cancels_exactly_the_order_named_and_no_keeps_it() -> None:
    talk = Conversation()
    paid = await cart_and_readback(talk)
    await talk.say("yes", "affirm")
    await talk.say("cancel my order", "cancel_order")
    reply = await talk.say("no", "deny")
    assert f"order {paid} stays" in reply and talk.backend.status(paid) == "paid"
    await talk.say("cancel my order", "cancel_order")
    reply = await talk.say("yes", "affirm")
    assert f"Order {paid} is cancelled" in reply and "refunded" in reply
    assert talk.backend.status(paid) == "refunded" and talk.backend.balance() == 50000


async def test_repeating_the_readback_keeps_the_question_open() -> None:
    talk = Conversation()
    order_id = await cart_and_readback(talk)
    reply = await talk.say("sorry?", "repeat")
    assert "Here is your order" in reply and talk.custom("readback") is not None
    await talk.say("yes", "affirm")
    assert talk.backend.captured() == [(order_id, 1400)]


async def test_a_new_session_drops_the_pending_confirmation() -> None:
    """Issue 10, finding 5: an expired session's readback cannot be confirmed."""
    talk = Conversation()
    order_id = await cart_and_readback(talk)
    await talk.new_session()
    assert talk.slots.get("pending_question") is None and talk.slots.get("order_id") is None
    assert talk.backend.status(order_id) == "cancelled"
    assert len(talk.cart) == 1, "the cart carries over"
    reply = await talk.say("yes", "affirm")
    assert talk.backend.captured() == [] and "Paid" not in reply
    await talk.say("check out", "checkout")
    new = str(talk.custom("readback")["order_id"])
    assert new != order_id


async def paid_and_asked_to_cancel(talk: Conversation) -> str:
    paid = await cart_and_readback(talk)
    await talk.say("yes", "affirm")
    reply = await talk.say("I'd like to cancel my order", "cancel_order")
    assert f"Cancel order {paid} (¥14.00) and refund ¥14.00?" in reply, reply
    return paid


async def test_an_unsure_yes_to_a_cancel_refunds_nothing_and_asks_again() -> None:
    talk = Conversation()
    paid = await paid_and_asked_to_cancel(talk)
    reply = await talk.say("ok sure", "affirm", confidence=0.4)
    assert talk.backend.status(paid) == "paid" and talk.backend.cancels == [], reply
    assert "clear yes or no" in reply and talk.question == "cancel"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("yeah no", "affirm"),
        ("yes, wait a second", "affirm"),
        ("sure, hmm, not sure actually", "affirm"),
        ("umm yeah I guess so", "affirm"),
        ("probably, yes", "affirm"),
        ("ok I suppose", "affirm"),
    ],
)
async def test_a_yes_taken_back_in_the_same_breath_moves_no_money(text: str, intent: str) -> None:
    talk = Conversation()
    paid = await paid_and_asked_to_cancel(talk)
    await talk.say(text, intent)
    assert talk.backend.status(paid) == "paid" and talk.backend.cancels == []
    other = Conversation()
    order_id = await cart_and_readback(other)
    await other.say(text, intent)
    assert other.backend.captured() == [] and other.backend.status(order_id) != "paid"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("no, leave it as it is please", "deny"),
        ("nope, I still want it, thanks", "nlu_fallback"),
    ],
)
async def test_a_no_with_more_words_keeps_the_order(text: str, intent: str) -> None:
    talk = Conversation()
    paid = await paid_and_asked_to_cancel(talk)
    reply = await talk.say(text, intent, confidence=0.45)
    assert f"order {paid} stays" in reply and talk.backend.status(paid) == "paid", reply


async def test_cancelling_right_after_paying_asks_to_cancel_that_order() -> None:
    talk = Conversation()
    paid = await cart_and_readback(talk)
    await talk.say("yes", "affirm")
    reply = await talk.say("hold on, I have to cancel that, sorry", "deny")
    assert f"Cancel order {paid} (¥14.00) and refund ¥14.00?" in reply, reply
    assert talk.question == "cancel" and talk.backend.cancels == []


async def test_a_doubtful_yes_recovered_from_poor_audio_never_pays() -> None:
    """The voice channel heard "T.S." and recovered a yes it is 0.6 sure of: the NLU is
    sure of the word "yes", the payment threshold still applies to the recovery."""
    talk = Conversation()
    order_id = await cart_and_readback(talk)
    doubtful = HeardAnswer(answer="yes", confidence=0.6).metadata()
    reply = await talk.say("yes", "affirm", confidence=0.99, metadata=doubtful)
    assert f"Shall I pay ¥14.00 for order {order_id}?" in reply and "clear yes or no" in reply
    assert talk.backend.captured() == []


async def test_an_unreadable_recovery_counts_as_no_confidence() -> None:
    talk = Conversation()
    await cart_and_readback(talk)
    await talk.say("yes", "affirm", metadata={METADATA_KEY: {"answer": "yes", "confidence": 7}})
    assert talk.backend.captured() == []


async def test_a_sure_yes_recovered_from_poor_audio_pays() -> None:
    talk = Conversation()
    order_id = await cart_and_readback(talk)
    sure = HeardAnswer(answer="yes", confidence=0.93).metadata()
    reply = await talk.say("yes", "affirm", confidence=0.99, metadata=sure)
    assert "Paid ¥14.00" in reply, reply
    assert talk.backend.captured() == [(order_id, 1400)]


async def test_a_doubtful_recovered_yes_cancels_nothing() -> None:
    talk = Conversation()
    order_id = await cart_and_readback(talk)
    await talk.say("yes", "affirm")
    await talk.say("cancel my order", "cancel_order")
    assert talk.question == "cancel"
    doubtful = HeardAnswer(answer="yes", confidence=0.79).metadata()
    reply = await talk.say("yes", "affirm", metadata=doubtful)
    assert "clear yes or no" in reply, reply
    assert talk.question == "cancel" and talk.backend.cancels == []
    assert talk.backend.status(order_id) == "paid"


@pytest.mark.parametrize(
    "text", ["no I don't want to cancel it", "nah, no need to cancel, thanks", "never cancel it"]
)
async def test_saying_not_to_cancel_after_paying_never_asks_to_cancel(text: str) -> None:
    talk = Conversation()
    paid = await cart_and_readback(talk)
    await talk.say("yes", "affirm")
    reply = await talk.say(text, "deny")
    assert talk.question != "cancel" and "Cancel order" not in reply, reply
    assert talk.backend.status(paid) == "paid" and talk.backend.cancels == []
