""" "Your order is ready" over the real stack: the store presses a button on the merchant
platform, the dialogue words it, and a REST client of that customer (the shell's way)
hears it, once, even if it was away when it happened; another customer hears nothing."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest
import socketio

from clients.voice_client.connection import VoiceConnection
from launch.stack import Stack
from tests.contracts.bot_message_schema import assert_satisfies_schema
from tests.customer import Customer
from tests.store_side import paid_latte, press, staff_token

NOTIFICATIONS = "/webhooks/rest/notifications"
# A loaded machine: the dialogue's first words for a new conversation can take seconds.
HEARD_WITHIN_SECONDS = 20.0

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def staff(running_stack: Stack) -> str:
    return staff_token(running_stack, "notify-counter")


@pytest.fixture
def customer(running_stack: Stack) -> Customer:
    return Customer.on_stack(running_stack)


def poll(customer: Customer, wait: float) -> list[dict[str, Any]]:
    """One long poll of the REST channel's notifications, as the shell makes it."""
    response = httpx.get(
        f"{customer.rasa_url}{NOTIFICATIONS}",
        params={"wait": wait},
        headers={"Authorization": f"Bearer {customer.token}"},
        timeout=wait + 30,
    )
    assert response.status_code == 200, response.text
    messages = list(response.json()["messages"])
    for message in messages:
        assert_satisfies_schema(message)
    return messages


class Listening:
    """A client of the customer waiting for news while the test acts."""

    def __init__(self, customer: Customer) -> None:
        self.heard: list[dict[str, Any]] = []
        self._thread = threading.Thread(target=self._run, args=(customer,), daemon=True)
        self._thread.start()
        time.sleep(1.0)  # connected, and its first claim waiting at the platform

    def _run(self, customer: Customer) -> None:
        self.heard = poll(customer, HEARD_WITHIN_SECONDS)

    def result(self) -> list[dict[str, Any]]:
        self._thread.join(HEARD_WITHIN_SECONDS + 30)
        return self.heard


def said(messages: list[dict[str, Any]]) -> str:
    return " ".join(str(m.get("text") or "") for m in messages)


def test_a_connected_client_hears_each_thing_the_store_does(
    running_stack: Stack, staff: str, customer: Customer
) -> None:
    order_id = paid_latte(customer)
    for action, status, words in [
        ("accept", "accepted", "The store has accepted your order."),
        ("start", "preparing", "The store is preparing your order."),
        ("ready", "ready", "Your order is ready!"),
        ("collected", "collected", "Enjoy your breakfast!"),
    ]:
        listening = Listening(customer)
        started = time.monotonic()
        press(running_stack, staff, order_id, action)
        heard = listening.result()
        assert said(heard).startswith(words), heard
        assert time.monotonic() - started < HEARD_WITHIN_SECONDS
        # Rasa passes a reply's text and its custom object on as two messages.
        card = next(m["custom"] for m in heard if m.get("custom"))
        assert card["notification"] is True and card["order"]["id"] == order_id
        assert card["order"]["status"] == status
    assert "pickup code" not in said(heard)


def test_the_ready_notice_names_the_pickup_code(
    running_stack: Stack, staff: str, customer: Customer
) -> None:
    order_id = paid_latte(customer)
    code = customer.order(order_id)["pickup_code"]
    press(running_stack, staff, order_id, "accept")
    assert said(poll(customer, HEARD_WITHIN_SECONDS)).startswith("The store has accepted")
    listening = Listening(customer)
    press(running_stack, staff, order_id, "ready")
    assert f"Your pickup code is {code}." in said(listening.result())


def test_what_changed_while_no_client_was_there_is_heard_on_connecting_once(
    running_stack: Stack, staff: str, customer: Customer
) -> None:
    order_id = paid_latte(customer)
    press(running_stack, staff, order_id, "accept")
    press(running_stack, staff, order_id, "ready")
    heard = poll(customer, HEARD_WITHIN_SECONDS)
    assert said(heard).startswith("Your order is ready!"), heard
    assert [m["custom"]["order"]["status"] for m in heard if m.get("custom")] == ["ready"]
    assert poll(customer, 2) == []


def test_another_customer_hears_nothing_of_it(
    running_stack: Stack, staff: str, customer: Customer
) -> None:
    stranger = Customer.on_stack(running_stack)
    listening = Listening(stranger)
    order_id = paid_latte(customer)
    press(running_stack, staff, order_id, "accept")
    assert said(poll(customer, HEARD_WITHIN_SECONDS)).startswith("The store has accepted")
    press(running_stack, staff, order_id, "reject")
    assert listening.result() == []
    assert "couldn't take your order" in said(poll(customer, HEARD_WITHIN_SECONDS))


def test_the_conversation_keeps_what_it_was_told(
    running_stack: Stack, staff: str, customer: Customer
) -> None:
    order_id = paid_latte(customer)
    press(running_stack, staff, order_id, "accept")
    press(running_stack, staff, order_id, "ready")
    poll(customer, HEARD_WITHIN_SECONDS)
    asked = customer.say("where is my order?")
    assert f"Order {order_id}" in asked and "ready to collect" in asked, asked


def test_without_a_customer_token_there_is_nothing_to_hear(
    running_stack: Stack, staff: str
) -> None:
    url = f"{running_stack.config.rasa_url}{NOTIFICATIONS}"
    assert httpx.get(url).status_code == 401
    as_staff = httpx.get(url, headers={"Authorization": f"Bearer {staff}"})
    assert as_staff.status_code == 401


def voice_url(stack: Stack) -> str:
    return stack.config.rasa_url.replace("http://", "ws://") + "/webhooks/voice/ws"


async def test_a_voice_connection_and_a_rest_client_of_the_customer_both_hear_it_spoken(
    running_stack: Stack, staff: str, customer: Customer
) -> None:
    order_id = paid_latte(customer)
    assert customer.token is not None
    connection = await VoiceConnection.open(voice_url(running_stack), customer.token)
    try:
        listening = Listening(customer)
        press(running_stack, staff, order_id, "accept")
        news = await connection.next_complete(timeout_s=HEARD_WITHIN_SECONDS)
        assert news.news and news.outcome == "answered", news.events
        assert news.bot_texts[0].startswith("The store has accepted your order.")
        assert news.sentences and len(news.audio) > 0  # spoken, not only shown
        assert said(listening.result()).startswith("The store has accepted your order.")
        # The customer's own next turn is answered as theirs, not taken for the news.
        turn = await connection.type("where is my order?")
        assert not turn.news and f"Order {order_id}" in " ".join(turn.bot_texts)
    finally:
        await connection.close()


async def test_a_rasa_webchat_socket_that_signed_in_at_connect_hears_it_too(
    running_stack: Stack, staff: str, customer: Customer
) -> None:
    order_id = paid_latte(customer)
    page = running_stack.config.rasa_url  # an allowed origin: the stack's own pages
    client = socketio.AsyncClient(reconnection=False)
    uttered: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    client.on("bot_uttered", uttered.put)
    # Long polling: the client's websocket transport needs a newer aiohttp than Rasa's.
    await client.connect(
        running_stack.config.rasa_url,
        auth={"token": str(customer.token)},
        headers={"Origin": page},
        transports=["polling"],
    )
    try:
        await asyncio.sleep(1.0)  # its watcher at the platform
        press(running_stack, staff, order_id, "accept")
        first = await asyncio.wait_for(uttered.get(), HEARD_WITHIN_SECONDS)
        assert str(first.get("text")).startswith("The store has accepted your order."), first
        card = await asyncio.wait_for(uttered.get(), HEARD_WITHIN_SECONDS)
        assert card["custom"]["notification"] is True, card
    finally:
        await client.eio.disconnect(abort=True)
