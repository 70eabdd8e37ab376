""" "Your order is ready", wherever the customer is: one path for every channel.

    platform `order_events` ─ POST /notifications/claim (long poll, the customer's token) ─▶
    this process's watcher for that customer ─ Rasa external event `order_status` ─▶ the
    dialogue words it ─▶ fan-out (Redis pub/sub between replicas, else this process) ─▶
    every connected client of the customer (voice client and widget: said and shown;
    REST long poll: `GET /webhooks/rest/notifications`, which the shell follows)

A channel holds a client's connection inside `Notifier.connected(...)`. While a customer has
at least one client here, one watcher task claims their changes from the platform: the
platform marks each delivered as it hands it over, to exactly one claimer, so with two
replicas watching one customer each change is worded once, and a customer with no client
anywhere hears it when one connects. The watcher asks the dialogue to word each change
(Rasa's external events, as `POST /conversations/{id}/trigger_intent` does, in process) so
the dialogue stays the one place that words replies, then publishes the words to every
replica, each passing them to the customer's clients it holds.

The same fan-out shows every turn a customer takes on one device (the voice client, the
widget, the shell) to their other connected devices (`share`): the screen follows the voice.
Each connection is a device with its own name; the turn it took is not passed back to it.

A change is marked delivered when it is handed to a watcher; a watcher stopped in the
instant between the platform's claim and its answer loses that one change (the platform
checks that the caller is still there before it claims).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import httpx
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel

from channels.identity import Identity
from channels.settings import RasaSettings, rasa_settings
from contracts.bot_messages import BotMessage, Notifications, SharedTurn
from contracts.merchant_api import OrderNotification, OrderNotifications

logger = logging.getLogger(__name__)

CLAIM_PATH = "/notifications/claim"
# The intent and entities the dialogue words a change with (actions/orders.py).
INTENT = "order_status"
CHANGED_ORDER, CHANGED_TO = "changed_order", "changed_to"
REDIS_CHANNEL_PREFIX = "orderly:notifications:"
# How much longer than its wait a claim may take to answer before the watcher asks again.
CLAIM_GRACE_SECONDS = 10.0


class Inbox(asyncio.Queue[Notifications]):
    """One connected client's share of the customer's news and turns taken elsewhere.
    ``device`` names the connection: the turns it takes are not passed back to it."""

    def __init__(self, device: str) -> None:
        super().__init__()
        self.device = device


class Wording(Protocol):
    """Turns one change into the messages the dialogue says about it."""

    async def __call__(self, customer_id: str, change: OrderNotification) -> list[BotMessage]: ...


def dialogue_wording(app: Any) -> Wording | None:
    """The dialogue of the Rasa server serving `app` (a Sanic app) words it: Rasa's external
    event, as `trigger_intent` does it, under the conversation's lock (a customer mid-turn
    finishes first). None where channels are served without Rasa (their own tests): there
    is no dialogue to word anything, so nothing is claimed."""
    agent: Agent | None = getattr(app.ctx, "agent", None)
    if agent is None:
        return None

    async def word(customer_id: str, change: OrderNotification) -> list[BotMessage]:
        collector = CollectingOutputChannel()
        entities = [
            {"entity": CHANGED_ORDER, "value": change.order_id},
            {"entity": CHANGED_TO, "value": change.status},
        ]
        processor = agent.processor
        assert processor is not None, "the Rasa server has no model loaded"
        async with agent.lock_store.lock(customer_id):
            tracker = await processor.fetch_tracker_and_update_session(customer_id, collector)
            await agent.trigger_intent(INTENT, entities, collector, tracker)
        return [BotMessage.parse_obj(message) for message in collector.messages]

    return word


class Notifier:
    """This process's share of the path: the customers connected here, one watcher each, and
    the fan-out. One per process (`notifier()`), shared by every channel."""

    def __init__(self, settings: RasaSettings) -> None:
        self.settings = settings
        self._inboxes: dict[str, set[Inbox]] = {}
        self._tokens: dict[str, str] = {}
        self._watchers: dict[str, asyncio.Task[None]] = {}
        self._redis: Any = None
        self._subscriber: asyncio.Task[None] | None = None

    @asynccontextmanager
    async def connected(
        self, identity: Identity, wording: Wording | None, device: str | None = None
    ) -> AsyncIterator[Inbox]:
        """While inside, the customer's notifications (what one claim brought) and the turns
        they take on their other devices arrive in the inbox yielded. ``device`` names this
        client (a REST client's own ``X-Orderly-Device``); by default a new name."""
        customer = identity.customer_id
        inbox = Inbox(device or uuid.uuid4().hex)
        self._inboxes.setdefault(customer, set()).add(inbox)
        try:
            try:
                await self._follow_other_replicas()
            except Exception as error:  # Redis down: this replica's clients still hear
                logger.warning("notifications are not shared with other replicas: %s", error)
            # Without a dialogue to word news (channels served without Rasa) nothing is
            # claimed, but the customer's turns on their other devices still arrive.
            if wording is not None:
                self._tokens[customer] = identity.token
                watcher = self._watchers.get(customer)
                if watcher is None or watcher.done():
                    self._watchers[customer] = asyncio.create_task(
                        self._watch(customer, wording), name=f"notifications for {customer}"
                    )
            yield inbox
        finally:
            self._leave(customer, inbox)

    def _leave(self, customer: str, inbox: Inbox) -> None:
        inboxes = self._inboxes.get(customer, set())
        inboxes.discard(inbox)
        if not inboxes:
            self._inboxes.pop(customer, None)
            self._tokens.pop(customer, None)
            watcher = self._watchers.pop(customer, None)
            if watcher is not None:
                watcher.cancel()

    async def share(self, customer: str, turn: SharedTurn) -> None:
        """Show a turn the customer just took to their other connected devices, on every
        replica: the one fan-out path the notifications take. Never raises: a turn that
        could not be shared was still taken and answered on its own device."""
        try:
            if not self.settings.redis_url and not self._inboxes.get(customer):
                return  # one process, and nobody of the customer's here: nobody to show
            await self._publish(customer, Notifications(turns=[turn]))
        except Exception:
            logger.exception("a turn of %s was not shown on their other devices", customer)

    async def _watch(self, customer: str, wording: Wording) -> None:
        wait = self.settings.notification_wait_seconds
        async with httpx.AsyncClient(
            base_url=self.settings.merchant_url, timeout=wait + CLAIM_GRACE_SECONDS
        ) as http:
            while customer in self._inboxes:
                try:
                    changes = await self._claim(http, customer, wait)
                except _Refused as refused:
                    logger.warning("notifications for %s stopped: %s", customer, refused)
                    return
                except (httpx.HTTPError, ValueError) as error:
                    logger.warning("notifications for %s: %s; trying again", customer, error)
                    await asyncio.sleep(self.settings.notification_retry_seconds)
                    continue
                if changes:
                    # Claimed means delivered: shielded, so a client leaving now does not
                    # stop the dialogue from recording and passing on what it was handed.
                    await asyncio.shield(self._tell(customer, changes, wording))

    async def _tell(
        self, customer: str, changes: list[OrderNotification], wording: Wording
    ) -> None:
        said: list[BotMessage] = []
        for change in changes:
            try:
                said += await wording(customer, change)
            except Exception:  # one change the dialogue failed on is not the last
                logger.exception("the dialogue failed to word %s", change)
        if said:
            await self._publish(customer, Notifications(messages=said))

    async def _claim(
        self, http: httpx.AsyncClient, customer: str, wait: float
    ) -> list[OrderNotification]:
        token = self._tokens.get(customer)
        if token is None:
            return []
        response = await http.post(
            CLAIM_PATH, params={"wait": wait}, headers={"Authorization": f"Bearer {token}"}
        )
        if response.status_code == httpx.codes.UNAUTHORIZED:
            # The token expired: the client's next connection brings a fresh one.
            raise _Refused(f"the platform refused the customer's token ({response.text})")
        response.raise_for_status()
        return OrderNotifications.parse_obj(response.json()).notifications

    # --- the fan-out: every replica's clients of the customer ---------------------------

    async def _publish(self, customer: str, said: Notifications) -> None:
        if self.settings.redis_url:
            try:
                await self._redis_client().publish(REDIS_CHANNEL_PREFIX + customer, said.json())
                return
            except Exception as error:  # Redis down: at least this replica's clients hear
                logger.warning("notification for %s not shared: %s", customer, error)
        self._deliver(customer, said)

    async def close(self) -> None:
        """Stop every watcher and the relay from the other replicas (tests; shutdown)."""
        for watcher in self._watchers.values():
            watcher.cancel()
        if self._subscriber is not None:
            self._subscriber.cancel()
        if self._redis is not None:
            await self._redis.close()

    def _deliver(self, customer: str, said: Notifications) -> None:
        for inbox in self._inboxes.get(customer, ()):
            elsewhere = [turn for turn in said.turns if turn.device != inbox.device]
            if said.messages or elsewhere:
                inbox.put_nowait(Notifications(messages=said.messages, turns=elsewhere))

    def _redis_client(self) -> Any:
        if self._redis is None:
            import redis.asyncio  # lazily: only deployments that choose Redis need it

            self._redis = redis.asyncio.Redis.from_url(self.settings.redis_url)
        return self._redis

    async def _follow_other_replicas(self) -> None:
        """With Redis (`ORDERLY_REDIS_URL`, the scaled topology) every replica hears what any
        replica's watcher published; subscribed once, on the first connection."""
        if not self.settings.redis_url or (self._subscriber and not self._subscriber.done()):
            return
        pubsub = self._redis_client().pubsub()
        await pubsub.psubscribe(REDIS_CHANNEL_PREFIX + "*")
        self._subscriber = asyncio.create_task(self._relay(pubsub), name="notification relay")

    async def _relay(self, pubsub: Any) -> None:
        async for message in pubsub.listen():
            if message.get("type") != "pmessage":
                continue
            customer = _text(message["channel"]).removeprefix(REDIS_CHANNEL_PREFIX)
            try:
                self._deliver(customer, Notifications.parse_raw(message["data"]))
            except ValueError:
                logger.warning("an unreadable notification for %s was dropped", customer)


class _Refused(Exception):
    """The platform will not hand this watcher anything more (its token)."""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@functools.cache
def notifier() -> Notifier:
    """This process's notifier, shared by every channel."""
    return Notifier(rasa_settings())
