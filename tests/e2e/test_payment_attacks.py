"""Issue 10 attacks not covered elsewhere, against the whole assistant as `make serve` runs it."""

from __future__ import annotations

import pytest

from launch.stack import Stack
from tests.customer import Customer

pytestmark = pytest.mark.slow


def test_a_new_session_cannot_confirm_the_readback_of_the_old_one(running_stack: Stack) -> None:
    """Finding 5: Rasa carries slots over to a new session; the pending confirmation must not."""
    customer = Customer.on_stack(running_stack)
    customer.say("a hash brown")
    customer.say("that's all")
    readback = customer.custom("readback")
    assert readback is not None and readback["total"] == 700, customer.replies
    order_id = str(readback["order_id"])

    customer.say("/session_start")  # what Rasa runs when the session expired
    reply = customer.say("yes")
    assert "Paid" not in reply, reply
    assert customer.payments(order_id) == []
    assert customer.merchant(f"/orders/{order_id}")["status"] != "paid"
    assert customer.balance() == 50000

    # The cart carried over: checking out again reads back a new order, and yes pays that.
    customer.say("check out")
    again = customer.custom("readback")
    assert again is not None and str(again["order_id"]) != order_id, customer.replies
    assert "Paid ¥7.00" in customer.say("yes")
    assert customer.balance() == 50000 - 700
