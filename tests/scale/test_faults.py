"""Faults survived by the scaled topology: real processes killed, real servers restarted.

Each conversation goes through HAProxy (or straight to one replica where the test says
so) and every outcome is checked on the merchant platform. The tests that kill a
process come last: a killed replica is started again before the next test.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import httpx
import psycopg2
import pytest

from launch.scaled import ScaledStack
from tests.customer import Customer
from tests.scale.conftest import PrivatePostgres

pytestmark = pytest.mark.slow

ORDER = "two hash browns and a medium americano"
CART_TOTAL = 2 * 700 + 1200
MERCHANT_OUTAGE_SECONDS = 10.0
LOG_POLL_SECONDS = 0.01
LOG_WAIT_SECONDS = 30.0
MAX_FOLLOW_UPS = 3
# The action that pays after the yes: the one answer action of the pending question
# (it calls the merchant's payment), or the older dedicated action.
PAYING_ACTIONS = ("action_answer", "action_confirm_payment")


def customer_of(stack: ScaledStack) -> Customer:
    return Customer.signed_in(stack.config.rasa_url, stack.config.merchant_url)


def order_to_readback(customer: Customer) -> str:
    """Fill the cart and reach the readback; return the placed order's id."""
    customer.order_cart(ORDER, CART_TOTAL)
    reply = customer.say("that's all")
    readback = customer.custom("readback")
    assert readback is not None and readback["total"] == CART_TOTAL, reply
    return str(readback["order_id"])


def test_the_same_yes_sent_to_both_replicas_at_once_charges_once(
    scaled_stack: ScaledStack, private_postgres: PrivatePostgres
) -> None:
    customer = customer_of(scaled_stack)
    order_id = order_to_readback(customer)
    replicas = [scaled_stack.config.replica_url(p) for p in scaled_stack.config.rasa_replica_ports]
    replies: list[str] = []
    start = threading.Barrier(len(replicas))

    def say_yes(url: str) -> None:
        # The same customer straight to one replica, with replies of its own per thread.
        twin = replace(customer, rasa_url=url, replies=[])
        start.wait()
        try:
            replies.append(twin.say("yes"))
        except httpx.HTTPStatusError as error:
            # Under heavy load the replica that waits for the conversation's lock may give
            # up on the duplicate with 503 (try again): allowed, as long as it charges nothing.
            assert error.response.status_code == 503, error
            replies.append("(503: busy, try again)")

    threads = [threading.Thread(target=say_yes, args=(url,)) for url in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(replies) == 2, "both replicas must answer"
    assert len(customer.captured(order_id)) == 1, replies
    assert customer.order(order_id)["status"] == "paid"
    # The lock store runs the two turns one after the other; the second finds the
    # payment already made (same idempotency key) and may say so again: one charge.
    assert any("Paid ¥26.00" in reply for reply in replies), replies
    assert customer.order(order_id)["total"] == CART_TOTAL
    # In the tracker the two turns do not interleave: the first ends (action_listen)
    # before the second user message.
    events = tracker_events(private_postgres, scaled_stack, customer.sender)
    users = [i for i, (kind, _) in enumerate(events) if kind == "user"]
    first, second = users[-2:]
    assert ("action", "action_listen") in events[first:second], events[first:]


def tracker_events(
    postgres: PrivatePostgres, stack: ScaledStack, sender: str
) -> list[tuple[str, str | None]]:
    """(type, action name) of every event Rasa stored for `sender`, in order."""
    with (
        psycopg2.connect(
            host="127.0.0.1",
            port=postgres.port,
            user="postgres",
            dbname=stack.config.tracker_database,
        ) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT type_name, action_name FROM events WHERE sender_id = %s ORDER BY id",
            (sender,),
        )
        return [(str(kind), name) for kind, name in cursor.fetchall()]


def test_the_merchant_down_for_ten_seconds_keeps_the_order_and_charges_once(
    scaled_stack: ScaledStack,
) -> None:
    customer = customer_of(scaled_stack)
    order_id = order_to_readback(customer)
    scaled_stack.stop_service("merchant")
    down_since = time.monotonic()
    try:
        reply = customer.say("yes")
        assert "sorry" in reply.lower(), reply
        assert "Paid" not in reply, reply
    finally:
        time.sleep(max(0.0, MERCHANT_OUTAGE_SECONDS - (time.monotonic() - down_since)))
        scaled_stack.start_service("merchant")
    assert customer.order(order_id)["status"] == "placed", "the order is kept, unpaid"
    assert customer.captured(order_id) == []

    # Back: the customer confirms again (the assistant may first read the order back).
    for _ in range(MAX_FOLLOW_UPS):
        reply = customer.say("yes")
        if "Paid" in reply:
            break
    assert "Paid ¥26.00" in reply, customer.replies
    paid = customer.captured(order_id)
    assert [p["amount"] for p in paid] == [CART_TOTAL]


def test_postgres_restarted_mid_conversation_loses_nothing(
    scaled_stack: ScaledStack, private_postgres: PrivatePostgres
) -> None:
    customer = customer_of(scaled_stack)
    customer.order_cart(ORDER, CART_TOTAL)

    private_postgres.restart()

    reply = customer.say("that's all")
    readback = customer.custom("readback")
    assert readback is not None and readback["total"] == CART_TOTAL, reply
    reply = customer.say("yes")
    assert "Paid ¥26.00" in reply, reply
    assert len(customer.captured(str(readback["order_id"]))) == 1


def test_an_action_server_killed_during_payment_charges_at_most_once_and_says_so(
    scaled_stack: ScaledStack,
) -> None:
    customer = customer_of(scaled_stack)
    order_id = order_to_readback(customer)
    # Every action call of the next turn goes to actions-1, which dies as soon as it
    # starts the payment; actions-2 takes over.
    scaled_stack.set_server_state("action_servers", "actions-2", "drain")
    log = scaled_stack.config.log_dir / "actions-1.log"
    seen = log.stat().st_size
    replies: list[str] = []
    turn = threading.Thread(target=lambda: replies.append(customer.say("yes")))
    turn.start()
    try:
        wait_for_line(log, seen, *(f"Received request to run '{a}'" for a in PAYING_ACTIONS))
        scaled_stack.set_server_state("action_servers", "actions-2", "ready")
        scaled_stack.kill_service("actions-1")
        turn.join(timeout=120)
    finally:
        scaled_stack.set_server_state("action_servers", "actions-2", "ready")
        if scaled_stack._service("actions-1").process.poll() is not None:  # type: ignore[union-attr]
            scaled_stack.start_service("actions-1")

    captured = customer.captured(order_id)
    assert len(captured) <= 1
    reply = replies[0] if replies else ""
    if captured:
        # The customer must learn it was paid: from this reply, or by asking.
        if "Paid" not in reply:
            reply = customer.say("where is my order")
            assert "paid" in reply.lower(), reply
    else:
        assert "Paid" not in reply, reply
        reply = customer.say("where is my order")
        assert "paid" not in reply.lower() or "unpaid" in reply.lower(), reply


def test_a_rasa_replica_killed_mid_conversation_loses_nothing(
    scaled_stack: ScaledStack,
) -> None:
    customer = customer_of(scaled_stack)
    customer.order_cart(ORDER, CART_TOTAL)

    # The module's last test: the stack is torn down after it, so rasa-1 stays dead.
    scaled_stack.kill_service("rasa-1")
    # Round robin: at least one of these would have gone to the dead replica.
    reply = customer.say("that's all")
    readback = customer.custom("readback")
    assert readback is not None and readback["total"] == CART_TOTAL, reply
    lines = {line["sku"]: line["quantity"] for line in readback["lines"]}
    assert lines == {"hash-brown": 2, "americano": 1}
    reply = customer.say("yes")
    assert "Paid ¥26.00" in reply, reply
    assert len(customer.captured(str(readback["order_id"]))) == 1


def wait_for_line(log: Path, offset: int, *lines: str) -> None:
    """Wait (bounded) until one of `lines` appears in `log` after byte `offset`."""
    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while time.monotonic() < deadline:
        with log.open("rb") as handle:
            handle.seek(offset)
            written = handle.read()
        if any(line.encode() in written for line in lines):
            return
        time.sleep(LOG_POLL_SECONDS)
    raise AssertionError(f"none of {lines!r} appeared in {log}")
