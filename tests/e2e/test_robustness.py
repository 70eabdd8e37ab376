"""Bad input and a failing merchant: clear errors, nothing lost, nothing charged twice."""

from __future__ import annotations

import httpx
import pytest

from launch.stack import Stack
from tests.customer import Customer

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "JSON"),
        (b'["a", "list"]', "JSON object"),
        (b'{"message": 5}', "message"),
        (b'{"message": ""}', "message"),
        (b'{"message": "' + b"a" * 5000 + b'"}', "longer than"),
    ],
)
def test_malformed_requests_get_a_400_that_names_the_problem(
    running_stack: Stack, body: bytes, problem: str
) -> None:
    url = f"{running_stack.config.rasa_url}/webhooks/rest/webhook"
    token = Customer.on_stack(running_stack).token
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    response = httpx.post(url, content=body, headers=headers)
    assert response.status_code == 400
    assert problem in response.json()["error"]["message"]
    assert "Orderly" in Customer.on_stack(running_stack).say("hello"), "the server keeps serving"


def test_a_merchant_outage_keeps_the_cart_and_charges_once(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    customer.say("two hash browns")
    customer.say("that's all")
    order_id = customer.custom("readback")["order_id"]

    running_stack.stop_service("merchant")
    try:
        reply = customer.say("yes")
        # The payment's outcome is unknown: never "nothing was charged" unchecked.
        assert order_id in reply and "can't check" in reply, reply
        assert "nothing was charged" not in reply.lower(), reply
    finally:
        running_stack.start_service("merchant")

    reply = customer.say("yes")
    assert "Paid ¥14.00" in reply, reply
    assert len(customer.payments(order_id)) == 1
    assert customer.balance() == 50000 - 1400
