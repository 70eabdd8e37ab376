"""Voice-pay rules end to end: the PIN never rests anywhere, the platform has the last word."""

from __future__ import annotations

import pytest

from launch.stack import Stack
from tests.customer import Customer
from tests.pins_at_rest import files_holding, stored_files

pytestmark = pytest.mark.slow

# This file's customers' own PIN, and a wrong one.
PIN = "631804"
WRONG_PIN = "158027"


def order_over_the_limit(customer: Customer) -> str:
    customer.say("six large lattes")  # 6 x 19.00 = 114.00 > the 100.00 voice-pay limit
    customer.say("that's all")
    readback = customer.custom("readback")
    assert readback is not None and readback["total"] == 11400, customer.replies
    reply = customer.say("yes")
    assert "PIN" in reply, reply
    return str(readback["order_id"])


def test_pin_protected_order_leaves_no_pin_at_rest(running_stack: Stack) -> None:
    customer = Customer.with_own_pin(running_stack, PIN)
    order_id = order_over_the_limit(customer)
    request = customer.custom("secure_input")
    assert request == {"purpose": "payment_pin", "digits": 6}, "the client sees no merchant URL"
    assert customer.payments(order_id) == []

    reply = customer.say(WRONG_PIN)
    assert "didn't match" in reply and "2 tries left" in reply, reply
    assert customer.payments(order_id) == []

    reply = customer.say(f"my pin is {PIN} please")  # as speech recognition writes it
    assert "Paid ¥114.00" in reply, reply
    assert [p["amount"] for p in customer.payments(order_id)] == [11400]

    data_dir = running_stack.config.data_dir
    assert files_holding(data_dir, PIN) == []
    assert files_holding(data_dir, WRONG_PIN) == []
    # The scan means something: the same files do hold what the customer said.
    assert any(b"six large lattes" in path.read_bytes() for path in stored_files(data_dir))
    assert (data_dir / "tracker.sqlite3").exists() and any(data_dir.glob("logs/*.log"))


def test_three_wrong_pins_lock_voice_pay_for_the_account(running_stack: Stack) -> None:
    customer = Customer.with_own_pin(running_stack, PIN)
    order_id = order_over_the_limit(customer)
    customer.say(WRONG_PIN)
    customer.say(WRONG_PIN)
    reply = customer.say(WRONG_PIN)
    assert "locked" in reply.lower(), reply
    order = customer.merchant(f"/orders/{order_id}")
    assert order["status"] == "placed" and customer.payments(order_id) == []

    # A new conversation of the same account is still locked.
    customer.say("/restart")
    second = order_over_the_limit_until_refused(customer)
    assert "locked" in second.lower(), second
    assert customer.balance() == 50000


def order_over_the_limit_until_refused(customer: Customer) -> str:
    customer.say("six large lattes")
    customer.say("that's all")
    return customer.say("yes")


def test_a_pin_nobody_asked_for_is_not_kept(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    reply = customer.say("3 1 9 5 0 7")
    assert "only say your PIN when I ask" in reply, reply
    assert files_holding(running_stack.config.data_dir, WRONG_PIN) == []  # spaced, too


def test_the_pin_every_account_once_shared_pays_nothing(running_stack: Stack) -> None:
    """Until each customer chose their own, every account's PIN was the published 246810."""
    customer = Customer.with_own_pin(running_stack, PIN)
    order_id = order_over_the_limit(customer)
    reply = customer.say("246810")
    assert "didn't match" in reply, reply
    assert customer.payments(order_id) == []


def test_without_a_pin_of_their_own_the_customer_is_told_how_to_set_one(
    running_stack: Stack,
) -> None:
    customer = Customer.on_stack(running_stack)
    customer.say("six large lattes")
    customer.say("that's all")
    readback = customer.custom("readback")
    assert readback is not None, customer.replies
    reply = customer.say("yes")
    assert "haven't set one" in reply and "/pin" in reply and "Settings" in reply, reply
    assert customer.custom("secure_input") is None
    assert customer.payments(str(readback["order_id"])) == []
