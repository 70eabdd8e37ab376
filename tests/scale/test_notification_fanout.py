"""Two Rasa replicas and one customer: a change of their order reaches the customer's
clients on either replica, worded once (channels/notifications.py on Redis pub/sub), and a
turn taken on a device held by one replica is shown on the customer's devices held by the
other (channels/shared_turns.py), and to nobody else.

Two `Notifier`s stand for two replicas, as `ORDERLY_REDIS_URL` makes them share a private
Redis; the merchant platform is the real one on loopback. The dialogue that words a change
is scripted here (a real Rasa replica is too heavy to start twice in this test; the words
themselves are tested in tests/actions and over the real stack in tests/e2e): what is under
test is that each change is claimed once and heard on every replica holding a client.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from channels.identity import Identity
from channels.notifications import Notifier
from channels.pin_policy import Screened, ScreenKind
from channels.settings import RasaSettings
from channels.shared_turns import Device
from contracts.bot_messages import BotMessage
from contracts.merchant_api import OrderNotification
from merchant.app import create_app
from merchant.settings import Settings
from merchant.staff import add_staff
from tests.scale.engines import PrivateRedis

pytestmark = pytest.mark.slow

STORE = "gc-peoples-square"
PASSWORD = "counter-password"
HEARD_WITHIN_SECONDS = 15.0
MORNING = "2026-11-24T08:00:00+08:00"


class Platform:
    """The merchant platform on a free loopback port, its staff member signed in."""

    def __init__(self, data_dir: Path) -> None:
        self.service_token = secrets.token_urlsafe(32)
        app = create_app(
            Settings(
                data_dir=data_dir,
                fixed_now=MORNING,
                jwt_secret=secrets.token_urlsafe(32),
                service_token=self.service_token,
            )
        )
        add_staff(app.state.runtime, "ana", [STORE], PASSWORD)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, ws="none")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        self.http = httpx.Client(base_url=self.url)
        signed_in = self.http.post(
            "/identity/staff/sign-in", json={"staff_id": "ana", "password": PASSWORD}
        )
        signed_in.raise_for_status()
        self.staff = {"Authorization": f"Bearer {signed_in.json()['token']}"}

    def customer(self, customer_id: str) -> Identity:
        signed_up = self.http.post(
            "/identity/sign-up", json={"customer_id": customer_id, "password": "correct horse"}
        )
        signed_up.raise_for_status()
        return Identity(customer_id, int(time.time()) + 3600, str(signed_up.json()["token"]))

    def paid_order(self, customer_id: str) -> str:
        headers = {
            "Authorization": f"Bearer {self.service_token}",
            "X-Orderly-Customer": customer_id,
        }
        placed = self.http.post(
            "/orders",
            json={"merchant_id": "golden-crumb", "store_id": STORE, "items": [{"sku": "latte"}]},
            headers=headers,
        )
        placed.raise_for_status()
        order = placed.json()
        paid = self.http.post(
            "/payments",
            json={
                "order_id": order["id"],
                "confirmation_token": order["confirmation_token"],
                "amount": order["total"],
            },
            headers={**headers, "Idempotency-Key": secrets.token_hex(8)},
        )
        paid.raise_for_status()
        return str(order["id"])

    def press(self, order_id: str, action: str) -> None:
        self.http.post(f"/staff/orders/{order_id}/{action}", headers=self.staff).raise_for_status()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = PrivateRedis(tmp_path_factory.mktemp("redis"), port).start()
    yield server
    server.stop()


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    served = Platform(tmp_path)
    yield served
    served.stop()


class ScriptedDialogue:
    """Stands in for the dialogue (see the module docstring); counts what it words."""

    def __init__(self) -> None:
        self.worded: list[tuple[str, str, str]] = []

    async def __call__(self, customer_id: str, change: OrderNotification) -> list[BotMessage]:
        self.worded.append((customer_id, change.order_id, change.status))
        return [BotMessage(text=f"Order {change.order_id} is {change.status}.")]


@pytest.fixture
async def replicas(
    platform: Platform, redis_server: PrivateRedis
) -> AsyncIterator[tuple[Notifier, Notifier]]:
    settings = RasaSettings(
        merchant_url=platform.url,
        redis_url=f"redis://127.0.0.1:{redis_server.port}/0",
        notification_wait_seconds=2.0,
    )
    first, second = Notifier(settings), Notifier(settings)
    yield first, second
    await first.close()
    await second.close()


async def heard(inbox: Any) -> list[str]:
    said = await asyncio.wait_for(inbox.get(), HEARD_WITHIN_SECONDS)
    return [str(message.text) for message in said.messages]


async def test_a_change_is_worded_once_and_heard_on_both_replicas(
    platform: Platform, replicas: tuple[Notifier, Notifier]
) -> None:
    first, second = replicas
    dialogue = ScriptedDialogue()
    mei = platform.customer("mei")
    order_id = await asyncio.to_thread(platform.paid_order, "mei")
    async with (
        first.connected(mei, dialogue) as on_first,
        second.connected(mei, dialogue) as on_second,
    ):
        await asyncio.sleep(0.5)  # both watchers waiting at the platform
        await asyncio.to_thread(platform.press, order_id, "accept")
        assert await heard(on_first) == [f"Order {order_id} is accepted."]
        assert await heard(on_second) == [f"Order {order_id} is accepted."]
        await asyncio.to_thread(platform.press, order_id, "ready")
        assert await heard(on_first) == [f"Order {order_id} is ready."]
        assert await heard(on_second) == [f"Order {order_id} is ready."]
    assert dialogue.worded == [("mei", order_id, "accepted"), ("mei", order_id, "ready")]


async def test_a_client_on_the_other_replica_alone_hears_it_and_nobody_else_does(
    platform: Platform, replicas: tuple[Notifier, Notifier]
) -> None:
    first, second = replicas
    dialogue = ScriptedDialogue()
    mei, lin = platform.customer("mei"), platform.customer("lin")
    order_id = await asyncio.to_thread(platform.paid_order, "mei")
    async with first.connected(lin, dialogue) as lins, second.connected(mei, dialogue) as meis:
        await asyncio.sleep(0.5)
        await asyncio.to_thread(platform.press, order_id, "accept")
        assert await heard(meis) == [f"Order {order_id} is accepted."]
        await asyncio.sleep(1.0)
        assert lins.empty()
    assert dialogue.worded == [("mei", order_id, "accepted")]


async def test_a_change_made_while_no_replica_held_a_client_is_heard_on_connecting_once(
    platform: Platform, replicas: tuple[Notifier, Notifier]
) -> None:
    first, second = replicas
    dialogue = ScriptedDialogue()
    mei = platform.customer("mei")
    order_id = await asyncio.to_thread(platform.paid_order, "mei")
    await asyncio.to_thread(platform.press, order_id, "accept")
    async with second.connected(mei, dialogue) as later:
        assert await heard(later) == [f"Order {order_id} is accepted."]
    async with first.connected(mei, dialogue) as again:
        await asyncio.sleep(2.5)  # a whole claim's wait: nothing more to hear
        assert again.empty()
    assert dialogue.worded == [("mei", order_id, "accepted")]


@pytest.fixture
async def bare_replicas(redis_server: PrivateRedis) -> AsyncIterator[tuple[Notifier, Notifier]]:
    """Two replicas on the private Redis, without a platform: turns need no claim."""
    settings = RasaSettings(redis_url=f"redis://127.0.0.1:{redis_server.port}/0")
    first, second = Notifier(settings), Notifier(settings)
    yield first, second
    await first.close()
    await second.close()


def customer(customer_id: str) -> Identity:
    return Identity(customer_id, int(time.time()) + 3600, f"token-of-{customer_id}")


async def test_a_turn_taken_on_one_replica_is_shown_on_the_customers_devices_on_the_other(
    bare_replicas: tuple[Notifier, Notifier],
) -> None:
    first, second = bare_replicas
    mei, lin = customer("mei"), customer("lin")
    readback = {"text": "Shall I pay ¥16.00 for order 1001?", "custom": {"expect": "pay"}}
    async with (
        first.connected(mei, None) as speaker,
        second.connected(mei, None) as screen,
        second.connected(lin, None) as stranger,
    ):
        await asyncio.sleep(0.3)  # both replicas subscribed
        device = Device("mei", speaker.device, "voice", first)
        await device.took(Screened(ScreenKind.PASS, "that's all", "that's all"), [readback])
        shown = await asyncio.wait_for(screen.get(), HEARD_WITHIN_SECONDS)
        assert [(t.said, t.channel) for t in shown.turns] == [("that's all", "voice")]
        assert shown.turns[0].messages[0].text == readback["text"]
        await asyncio.sleep(1.0)
        assert speaker.empty() and stranger.empty()
