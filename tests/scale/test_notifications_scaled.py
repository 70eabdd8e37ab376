"""'Your order is ready' on the scaled topology: two Rasa replicas, Redis, PostgreSQL.

A customer holds one client on each replica (straight to each, not through the load
balancer, so the test knows they differ). The store accepts their order: both clients hear
it, and the dialogue worded it once (one action_order_status in the shared tracker).
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from launch.scaled import ScaledStack
from tests.customer import Customer
from tests.scale.conftest import PrivatePostgres
from tests.scale.test_faults import tracker_events
from tests.store_side import paid_latte, press, staff_token

pytestmark = pytest.mark.slow

NOTIFICATIONS = "/webhooks/rest/notifications"
HEARD_WITHIN_SECONDS = 30.0


def poll(rasa_url: str, customer: Customer, into: list[dict[str, Any]]) -> None:
    response = httpx.get(
        f"{rasa_url}{NOTIFICATIONS}",
        params={"wait": HEARD_WITHIN_SECONDS},
        headers={"Authorization": f"Bearer {customer.token}"},
        timeout=HEARD_WITHIN_SECONDS + 30,
    )
    response.raise_for_status()
    into += response.json()["messages"]


def test_a_client_on_each_replica_hears_the_change_worded_once(
    scaled_stack: ScaledStack, private_postgres: PrivatePostgres
) -> None:
    config = scaled_stack.config
    customer = Customer.signed_in(config.rasa_url, config.merchant_url)
    database = config.postgres_url(config.merchant_database)
    staff = staff_token(scaled_stack, "scaled-counter", database_url=database)
    order_id = paid_latte(customer)
    heard: list[list[dict[str, Any]]] = [[], []]
    pollers = [
        threading.Thread(target=poll, args=(config.replica_url(port), customer, heard[n]))
        for n, port in enumerate(config.rasa_replica_ports)
    ]
    for poller in pollers:
        poller.start()
    threading.Event().wait(2.0)  # both connected, each replica's watcher at the platform
    press(scaled_stack, staff, order_id, "accept")
    for poller in pollers:
        poller.join(HEARD_WITHIN_SECONDS + 40)
    for messages in heard:
        text = " ".join(str(m.get("text") or "") for m in messages)
        assert text.startswith("The store has accepted your order."), heard
    told = [
        name
        for kind, name in tracker_events(private_postgres, scaled_stack, customer.sender)
        if name == "action_order_status"
    ]
    assert told == ["action_order_status"]


def test_a_turn_taken_through_one_replica_is_shown_to_the_customers_device_on_the_other(
    scaled_stack: ScaledStack,
) -> None:
    """One conversation across devices (channels/shared_turns.py) on the scaled topology:
    the shell's turn on one replica reaches the screen polling the other, through Redis."""
    config = scaled_stack.config
    customer = Customer.signed_in(config.rasa_url, config.merchant_url)
    first, second = (config.replica_url(port) for port in config.rasa_replica_ports)
    shown: list[dict[str, Any]] = []

    def screen() -> None:
        response = httpx.get(
            f"{second}{NOTIFICATIONS}",
            params={"wait": HEARD_WITHIN_SECONDS},
            headers={"Authorization": f"Bearer {customer.token}", "X-Orderly-Device": "screen-01"},
            timeout=HEARD_WITHIN_SECONDS + 30,
        )
        response.raise_for_status()
        shown.extend(response.json()["turns"])

    polling = threading.Thread(target=screen)
    polling.start()
    threading.Event().wait(2.0)  # the screen's replica subscribed and waiting
    said = httpx.post(
        f"{first}/webhooks/rest/webhook",
        json={"message": "two hash browns"},
        headers={"Authorization": f"Bearer {customer.token}", "X-Orderly-Device": "shell-01"},
        timeout=HEARD_WITHIN_SECONDS,
    )
    said.raise_for_status()
    polling.join(HEARD_WITHIN_SECONDS + 40)
    assert [(turn["said"], turn["channel"]) for turn in shown] == [("two hash browns", "rest")]
    carts = [m["custom"]["cart"] for m in shown[0]["messages"] if "cart" in (m.get("custom") or {})]
    assert [cart["total"] for cart in carts] == [1400], shown
