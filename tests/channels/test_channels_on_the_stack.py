"""The channel-side attacks of issue 10 against the whole assistant, as `make serve` runs it."""

from __future__ import annotations

import httpx
import pytest

from launch.stack import Stack
from tests.customer import Customer
from tests.pins_at_rest import files_holding
from tests.tokens import mint_token

pytestmark = pytest.mark.slow

# This file's customer's own PIN, and a wrong one.
PIN = "592613"
WRONG_PIN = "407158"


def rest(stack: Stack, body: dict[str, str], token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(
        f"{stack.config.rasa_url}/webhooks/rest/webhook", json=body, headers=headers, timeout=60
    )


def test_nobody_orders_for_someone_else(running_stack: Stack) -> None:
    alice = Customer.on_stack(running_stack)
    alice.say("a cola")
    no_token = rest(running_stack, {"sender": alice.sender, "message": "check out"})
    assert no_token.status_code == 401
    as_alice = rest(
        running_stack, {"sender": alice.sender, "message": "check out"}, mint_token("mallory")
    )
    assert as_alice.status_code == 403
    expired = rest(running_stack, {"message": "yes"}, mint_token(alice.sender, lifetime_s=-60))
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "token_expired"
    assert alice.orders() == []


def test_at_the_pin_prompt_only_a_pin_counts_and_none_is_kept(running_stack: Stack) -> None:
    customer = Customer.with_own_pin(running_stack, PIN)
    customer.say("nine egg and sausage muffins")  # 112.50: over the voice-pay limit
    customer.say("that's all")
    order_id = str((customer.custom("readback") or {})["order_id"])
    assert "PIN" in customer.say("yes")
    # Homophones are asked again and count no attempt...
    reply = customer.say("no I want to go to the store for two")
    assert "6-digit PIN" in reply and customer.custom("secure_input"), reply
    # ...so the first wrong PIN still leaves two tries.
    reply = customer.say(f"it's {WRONG_PIN}")
    assert "2 tries left" in reply, reply
    reply = customer.say("５９２６１３ for order " + order_id)
    assert "Paid ¥112.50" in reply, reply
    data_dir = running_stack.config.data_dir
    assert files_holding(data_dir, PIN) == []
    assert files_holding(data_dir, "５９２６１３") == []
    assert files_holding(data_dir, WRONG_PIN) == []


def test_a_pin_said_out_of_turn_is_masked_and_order_numbers_still_work(
    running_stack: Stack,
) -> None:
    customer = Customer.on_stack(running_stack)
    customer.say("a cola")
    customer.say("that's all")
    order_id = str((customer.custom("readback") or {})["order_id"])
    assert "Paid" in customer.say("yes")
    customer.say(f"talk to a person, my pin is {PIN}")
    customer.say(f"where is order {order_id}")
    data_dir = running_stack.config.data_dir
    assert files_holding(data_dir, PIN) == []
    # What the tracker kept: the order number as said, the PIN masked (JSON may escape "•").
    assert files_holding(data_dir, f"where is order {order_id}") != []
    masked = ["my pin is ••••••", "my pin is " + "\\u2022" * 6]
    assert any(files_holding(data_dir, text) for text in masked)


def test_the_action_server_runs_nothing_for_strangers(running_stack: Stack) -> None:
    call = {"next_action": "action_checkout", "sender_id": "alice", "tracker": {}, "domain": {}}
    answer = httpx.post(f"{running_stack.config.actions_url}/webhook", json=call, timeout=10)
    assert answer.status_code == 401


def test_rasa_answers_cors_only_for_the_demo_page(running_stack: Stack) -> None:
    demo = f"{running_stack.config.rasa_url}/webhooks/widget/demo"
    own = running_stack.config.rasa_url
    assert (
        httpx.get(demo, headers={"Origin": own}).headers.get("access-control-allow-origin") == own
    )
    foreign = httpx.get(demo, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers
