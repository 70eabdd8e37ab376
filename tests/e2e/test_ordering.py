"""Whole conversations through the REST channel with all three services running.

Every outcome is checked on the merchant platform: orders, payments, balances.
"""

from __future__ import annotations

import pytest

from launch.stack import Stack
from tests.customer import Customer

pytestmark = pytest.mark.slow


def test_order_confirm_and_pay_exactly_once(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    reply = customer.say("two egg and sausage muffins and a large latte")
    cart = customer.custom("cart")
    assert cart is not None and cart["total"] == 2 * 1250 + 1900, reply

    reply = customer.say("that's all")
    readback = customer.custom("readback")
    assert readback is not None, reply
    assert "¥44.00" in reply and "People's Square" in reply and "as soon as possible" in reply
    order_id = readback["order_id"]
    assert customer.payments(order_id) == [], "nothing may be charged before the yes"

    reply = customer.say("Yes,")  # Whisper's punctuation
    assert "Paid ¥44.00" in reply and "Sorry" not in reply, reply
    order = customer.merchant(f"/orders/{order_id}")
    payments = customer.payments(order_id)
    assert order["status"] == "paid"
    assert [p["amount"] for p in payments] == [order["total"]] == [readback["total"]]

    customer.say("yes")  # a repeated confirmation must not charge again
    assert len(customer.payments(order_id)) == 1
    assert customer.balance() == 50000 - 4400


def test_a_drink_is_added_at_once_with_its_defaults_and_options_are_set(
    running_stack: Stack,
) -> None:
    customer = Customer.on_stack(running_stack)
    reply = customer.say("can I get a latte")
    cart = customer.custom("cart")
    assert cart is not None and cart["total"] == 1600, reply
    assert "large" in reply.lower(), "the reply offers the other size"
    customer.say("large please")
    assert customer.custom("cart")["total"] == 1900

    customer.say("and a breakfast combo with a large soy milk")
    cart = customer.custom("cart")
    assert cart is not None and cart["total"] == 1900 + 2500 + 300, customer.replies
    combo = next(line for line in cart["lines"] if line["sku"] == "breakfast-combo")
    assert ("Drink", "Soy Milk") in [(o["group"], o["choice"]) for o in combo["options"]], combo


def test_anything_else_answered_with_no_thanks_reads_the_order_back(
    running_stack: Stack,
) -> None:
    customer = Customer.on_stack(running_stack)
    customer.say("An Americano.")
    assert customer.custom("cart")["total"] == 1200, customer.replies
    reply = customer.say("no thanks")
    readback = customer.custom("readback")
    assert readback is not None and f"for order {readback['order_id']}" in reply, reply
    assert customer.payments(str(readback["order_id"])) == []


def test_corrections_at_any_point(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    customer.say("two hash browns and a medium americano")
    assert customer.custom("cart")["total"] == 2 * 700 + 1200

    customer.say("change the americano to large")
    assert customer.custom("cart")["total"] == 2 * 700 + 1500

    customer.say("actually make that three")
    lines = {line["sku"]: line["quantity"] for line in customer.custom("cart")["lines"]}
    assert lines == {"hash-brown": 2, "americano": 3}

    customer.say("remove the hash brown")
    assert [line["sku"] for line in customer.custom("cart")["lines"]] == ["americano"]

    reply = customer.say("what's in my cart")
    assert "3 large Americanos" in reply, reply

    customer.say("start over")
    reply = customer.say("what's in my cart")
    assert "empty" in reply.lower(), reply


def test_no_to_the_readback_charges_nothing(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    customer.say("a hash brown")
    customer.say("check out")
    order_id = customer.custom("readback")["order_id"]
    reply = customer.say("no")
    assert "nothing has been charged" in reply.lower(), reply
    assert customer.payments(order_id) == []
    assert customer.merchant(f"/orders/{order_id}")["status"] == "cancelled"

    reply = customer.say("add a youtiao")
    assert customer.custom("cart")["total"] == 700 + 400, reply

    # Checking out again places a new order (issue 10, finding 6), and yes pays it.
    customer.say("check out")
    second = customer.custom("readback")
    assert second is not None and second["order_id"] != order_id, customer.replies
    reply = customer.say("yes")
    assert "Paid ¥11.00" in reply, reply
    assert [p["amount"] for p in customer.payments(second["order_id"])] == [1100]


def test_unclear_answer_to_the_readback_asks_again(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    customer.say("a hash brown")
    customer.say("that's it")
    order_id = customer.custom("readback")["order_id"]
    reply = customer.say("sorry?")
    assert "Here is your order" in reply and customer.custom("readback") is not None, reply
    reply = customer.say("blorf wibble")
    assert "yes or no" in reply.lower(), reply
    assert customer.payments(order_id) == []


def test_store_and_time_can_be_changed_and_are_read_back(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    customer.say("a large soy milk")
    customer.say("I'll pick it up at the jing an temple store at half past eight")
    reply = customer.say("that's all")
    assert "Jing'an Temple" in reply and "08:30" in reply, reply


def test_menu_questions(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    reply = customer.say("what's on the breakfast menu")
    menu = customer.custom("menu")
    assert menu is not None and "Hash Brown" in reply
    assert {item["sku"] for item in menu["items"]} >= {"hash-brown", "latte", "breakfast-combo"}
    assert "¥19.00" in customer.say("how much is a large latte")
    assert "soy milk" in customer.say("what's in the combo").lower()
    assert "10:30" in customer.say("are you still serving breakfast")


def test_status_and_cancellation_refunds(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    customer.say("a medium latte")
    customer.say("that's all")
    customer.say("yes")
    order_id = customer.orders()[0]["id"]
    assert customer.balance() == 50000 - 1600

    reply = customer.say("where is my order")
    assert order_id in reply and "paid" in reply, reply

    reply = customer.say("cancel my order")
    assert order_id in reply and "refund" in reply.lower(), reply
    assert customer.merchant(f"/orders/{order_id}")["status"] == "paid", "only after the yes"
    reply = customer.say("yes")
    assert "cancelled" in reply.lower(), reply
    assert customer.merchant(f"/orders/{order_id}")["status"] == "refunded"
    assert [p["status"] for p in customer.payments(order_id)] == ["refunded"]
    assert customer.balance() == 50000


def test_handoff_is_recorded(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    customer.say("a hash brown")
    reply = customer.say("I want to talk to a person")
    handoffs = customer.merchant("/handoffs", customer_id=customer.sender)["handoffs"]
    assert len(handoffs) == 1 and handoffs[0]["id"] in reply, reply


def test_out_of_scope_and_nonsense_get_a_clear_answer(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    assert "only help with your order" in customer.say("book me a taxi to the airport").lower()
    assert "sorry" in customer.say("qwzx vbnm plok").lower()
