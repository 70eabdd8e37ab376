"""Answers read against the question just asked, through the REST channel, checked on the
merchant platform (issue 9's conversations, issue 10's findings 3 and 6)."""

from __future__ import annotations

import pytest

from launch.stack import Stack
from tests.customer import Customer

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("answer", ["no", "no thanks", "no that's it", "yes", "I'm good"])
def test_anything_else_answered_in_everyday_words_reads_the_order_back(
    running_stack: Stack, answer: str
) -> None:
    customer = Customer.on_stack(running_stack)
    reply = customer.say("2 hash browns and 1 youtiao")
    cart = customer.custom("cart")
    assert cart is not None and cart["total"] == 2 * 700 + 400, reply
    reply = customer.say(answer)
    readback = customer.custom("readback")
    assert readback is not None, reply
    assert f"Shall I pay ¥18.00 for order {readback['order_id']}?" in reply
    assert customer.payments(str(readback["order_id"])) == []


def test_a_yes_meant_for_an_older_question_pays_only_the_order_just_read_back(
    running_stack: Stack,
) -> None:
    customer = Customer.on_stack(running_stack)
    customer.say("a hash brown")
    customer.say("that's all")
    paid = str(customer.custom("readback")["order_id"])
    assert "Paid ¥7.00" in customer.say("yes")

    reply = customer.say("cancel my order")
    assert f"Cancel order {paid} (¥7.00)" in reply, reply
    customer.say("a cola")
    customer.say("check out")
    cola = customer.custom("readback")
    assert cola is not None and cola["total"] == 800, customer.replies
    reply = customer.say("yes")
    assert "Paid ¥8.00" in reply, reply
    assert customer.merchant(f"/orders/{paid}")["status"] == "paid", "never refunded"
    assert customer.merchant(f"/orders/{cola['order_id']}")["status"] == "paid"
    assert customer.balance() == 50000 - 700 - 800


def test_what_was_not_understood_is_never_dropped_in_silence(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    reply = customer.say("Can I get two egg & sausage muffins and a large lad?")
    cart = customer.custom("cart")
    assert cart is not None, reply
    # A strong, unique guess (a size beside a sound-alike of one item) is added and named.
    assert {line["sku"]: line["quantity"] for line in cart["lines"]} == {
        "egg-sausage-muffin": 2,
        "latte": 1,
    }
    assert "I took that to be a large Latte; say 'remove the Latte' if not." in reply, reply
    reply = customer.say("a lad")  # a weak guess is still asked about
    assert "Did you mean a Latte?" in reply, reply
