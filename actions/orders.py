"""After the order: where it is, and cancelling it (refunded when it was paid).

A cancel is asked first, naming the order and its amount, and only a yes to that very
question cancels exactly that order.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import stay_phrasing
from actions.base import MerchantAction
from actions.merchant_in_use import merchant_id_of, merchant_named
from actions.merchants.backend import Menu, Merchant, MerchantBackend, Order
from actions.phrasing import clock_time, custom, describe_line, join_words, order_payload
from actions.questions import answered, ask, expect, is_external
from actions.settings import Settings
from actions.state import awaiting_order, checkout_reset
from contracts.bot_messages import QuestionKind
from contracts.location import fold_place
from contracts.money import format_money

# What the customer may still cancel; the store's own states follow (docs/merchant-api.md).
ACTIVE = ("placed", "paid")
OPEN = (*ACTIVE, "accepted", "preparing", "ready")
# Paid and not ready yet: the time to say is the store's estimate of when it will be ready.
QUEUED = ("paid", "accepted", "preparing")
STATUS_WORDS = {
    "placed": "placed but not paid",
    "paid": "paid",
    "accepted": "accepted by the store",
    "preparing": "being prepared",
    "ready": "ready to collect",
    "collected": "collected",
    "uncollected": "not collected in time",
    "cancelled": "cancelled",
    "refunded": "cancelled and refunded",
}
# What the customer hears first when the store (or the window) changes their order: the
# notification's lead, before the order's status sentence.
NEWS = {
    "accepted": "The store has accepted your order.",
    "preparing": "The store is preparing your order.",
    "ready": "Your order is ready!",
    "collected": "Enjoy your breakfast!",
    "uncollected": "Your order waited at the counter past its time.",
    "refunded": "Sorry, the store couldn't take your order.",
}
# The entities of a notification (channels/notifications.py): which order, and the state it
# entered. Names of their own, so no slot mapping ever picks them up.
CHANGED_ORDER, CHANGED_TO = "changed_order", "changed_to"
# "Where is my order" with open orders at several merchants says this many at most.
MAX_ORDERS_SAID = 3
# Words of merchant names that tell no merchant apart ("the coffee PLACE").
_GENERIC_NAME_WORDS = frozenset({"the", "a", "an", "of", "and", "place", "shop", "store", "cafe"})
CANCEL_BUTTONS = [
    {"title": "Yes, cancel it", "payload": "/affirm"},
    {"title": "No, keep it", "payload": "/deny"},
]


def status_text(order: Order, menu: Menu | None) -> str:
    if order.stay is not None:  # a booking: a check-in, not a pickup
        return stay_phrasing.status_text(order, STATUS_WORDS.get(order.status, order.status))
    items = join_words([describe_line(line, menu) for line in order.lines])
    status = STATUS_WORDS.get(order.status, order.status)
    said = f"Order {order.id} ({items}, {format_money(order.total)}) is {status}"
    if order.status not in OPEN:  # nothing left to pick up
        return f"{said}."
    code = f" Your pickup code is {order.pickup_code}." if order.pickup_code else ""
    if order.status in QUEUED and order.ready_at:
        # The store's estimate, moved later when it is busy: what the customer wants to know.
        when = f", ready around {clock_time(order.ready_at)}"
    else:
        when = f" at {clock_time(order.pickup_time)}"
    return f"{said}; pickup at {order.store_name}{when}.{code}"


def news_text(order: Order, menu: Menu | None) -> str:
    """A notification: what changed first, then the order as "where is my order" says it."""
    lead = NEWS.get(order.status)
    return f"{lead} {status_text(order, menu)}" if lead else status_text(order, menu)


def notified_change(tracker: Tracker) -> tuple[str, str] | None:
    """(order id, state entered) when the latest message is a notification the channel
    triggered, not the customer asking "where is my order"."""
    latest = tracker.latest_message or {}
    if not is_external(latest):
        return None
    entities = {e.get("entity"): e.get("value") for e in latest.get("entities") or []}
    order_id, status = entities.get(CHANGED_ORDER), entities.get(CHANGED_TO)
    if not isinstance(order_id, str) or not isinstance(status, str):
        return None
    return order_id, status


def merchant_said(text: str, merchants: list[Merchant]) -> str | None:
    """The one merchant a word of the text belongs to, among the words of the merchants'
    names that only that merchant's names hold ("my COFFEE order": the coffee place)."""
    owners: dict[str, set[str]] = {}
    for merchant in merchants:
        for name in merchant.names:
            for word in fold_place(name).split():
                if word not in _GENERIC_NAME_WORDS:
                    owners.setdefault(word, set()).add(merchant.id)
    said = {
        next(iter(ids))
        for word in fold_place(text).split()
        if len(ids := owners.get(word, set())) == 1
    }
    return said.pop() if len(said) == 1 else None


def cancel_question(order: Order) -> str:
    refund = f" and refund {format_money(order.total)}" if order.status == "paid" else ""
    what = f"booking {order.id} at {order.store_name}" if order.stay else f"order {order.id}"
    return f"Cancel {what} ({format_money(order.total)}){refund}?"


class Orders:
    """Orders already placed: shared by the actions that ask about or cancel them."""

    def __init__(self, backend: MerchantBackend, settings: Settings) -> None:
        self.backend = backend
        self.settings = settings

    async def pointed_at(self, tracker: Tracker, orders: list[Order]) -> list[Order]:
        """The customer's orders (across every merchant) the message points at: a merchant
        named ("my Copper Kettle order") or a word only one merchant's names hold ("my
        coffee order"), then an item named ("where's my latte"); what names nothing that
        matches is left out of the choice."""
        merchants = await self.backend.merchants()
        named = merchant_named(tracker) or merchant_said(
            str(tracker.latest_message.get("text") or ""), merchants
        )
        skus = {str(value) for value in tracker.get_latest_entity_values("item")}
        pointed = [order for order in orders if named in (None, order.merchant_id)] or orders
        by_item = [order for order in pointed if skus & {line.sku for line in order.lines}]
        return by_item or pointed

    async def request_cancel(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, lead: str = ""
    ) -> list[EventType]:
        orders = await self.pointed_at(tracker, await self.backend.orders(tracker.sender_id))
        order = next((o for o in orders if o.status in ACTIVE), None)
        if order is None:
            dispatcher.utter_message(text="You have no open order to cancel.")
            return [answered()]
        dispatcher.utter_message(
            text=f"{lead} {cancel_question(order)} Please say yes or no.".strip(),
            buttons=CANCEL_BUTTONS,
            json_message=expect(QuestionKind.CANCEL),
        )
        return [ask(tracker, QuestionKind.CANCEL, {"order_id": order.id, "amount": order.total})]

    async def cancel(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, subject: dict[str, Any]
    ) -> list[EventType]:
        """Cancel exactly the order the question named."""
        order_id = str(subject.get("order_id") or "")
        if not order_id:
            dispatcher.utter_message(text="You have no open order to cancel.")
            return [answered()]
        order = await self.backend.cancel_order(
            tracker.sender_id, order_id, idempotency_key=f"cancel-{order_id}"
        )
        refund = (
            f" {format_money(order.total)} is refunded to your account."
            if order.status == "refunded"
            else ""
        )
        dispatcher.utter_message(
            text=f"Order {order.id} is cancelled.{refund}",
            json_message=custom(order=order_payload(order)),
        )
        if order_id == awaiting_order(tracker):
            return checkout_reset()
        return [answered()]

    def keep(self, dispatcher: CollectingDispatcher, subject: dict[str, Any]) -> list[EventType]:
        order_id = subject.get("order_id")
        dispatcher.utter_message(
            text=f"OK, order {order_id} stays as it is." if order_id else "OK, nothing changed."
        )
        return [answered()]


class ActionOrderStatus(MerchantAction):
    """ "Where is my order", and the same words when the store changes it unasked.

    A notification arrives as this intent with ``changed_order`` and ``changed_to``
    (channels/notifications.py triggers it): the order is said in the state it entered, and
    any question the customer was being asked stays open for their next message.
    """

    action_name = "action_order_status"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        change = notified_change(tracker)
        if change is not None:
            return await self.tell(dispatcher, tracker, *change)
        orders = await self.backend.orders(tracker.sender_id)
        if not orders:
            dispatcher.utter_message(text="You don't have any orders yet.")
            return [answered()]
        pointed = await Orders(self.backend, self.settings).pointed_at(tracker, orders)
        # The latest open order of each merchant (at most three), else the latest order.
        latest: dict[str, Order] = {}
        for order in pointed:
            if order.status in OPEN:
                latest.setdefault(order.merchant_id, order)
        shown = list(latest.values())[:MAX_ORDERS_SAID] or pointed[:1]
        several = len({order.merchant_id for order in orders}) > 1
        names = {m.id: m.name for m in await self.backend.merchants()} if several else {}
        for order in shown:
            merchant_id = order.merchant_id or merchant_id_of(tracker, self.settings)
            menu = await self.backend.menu(merchant_id, include_unavailable=True)
            at = f"At {names[order.merchant_id]}: " if order.merchant_id in names else ""
            dispatcher.utter_message(
                text=at + status_text(order, menu), json_message=custom(order=order_payload(order))
            )
        return [answered()]

    async def tell(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order_id: str, status: str
    ) -> list[EventType]:
        order = replace(await self.backend.order(tracker.sender_id, order_id), status=status)
        merchant_id = order.merchant_id or merchant_id_of(tracker, self.settings)
        menu = await self.backend.menu(merchant_id, include_unavailable=True)
        dispatcher.utter_message(
            text=news_text(order, menu),
            json_message=custom(order=order_payload(order), notification=True),
        )
        return []
