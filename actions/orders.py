"""After the order: where it is, and cancelling it (refunded when it was paid)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import MerchantAction
from actions.merchants.backend import Order
from actions.phrasing import clock_time, describe_line, join_words, order_payload, yuan

ACTIVE = ("placed", "paid")
STATUS_WORDS = {
    "placed": "placed but not paid",
    "paid": "paid",
    "cancelled": "cancelled",
    "refunded": "cancelled and refunded",
}


def status_text(order: Order) -> str:
    items = join_words([describe_line(line, None, line.name) for line in order.lines])
    status = STATUS_WORDS.get(order.status, order.status)
    return (
        f"Order {order.id} ({items}, {yuan(order.total)}) is {status}; "
        f"pickup at {order.store_name} at {clock_time(order.pickup_time)}."
    )


class ActionOrderStatus(MerchantAction):
    action_name = "action_order_status"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        orders = await self.backend.orders(tracker.sender_id)
        if not orders:
            dispatcher.utter_message(text="You don't have any orders yet.")
            return []
        latest = next((o for o in orders if o.status in ACTIVE), orders[0])
        dispatcher.utter_message(
            text=status_text(latest), json_message={"order": order_payload(latest)}
        )
        return []


class ActionRequestCancel(MerchantAction):
    """Names the order that would be cancelled and asks before doing it."""

    action_name = "action_request_cancel"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        orders = await self.backend.orders(tracker.sender_id)
        order = next((o for o in orders if o.status in ACTIVE), None)
        if order is None:
            dispatcher.utter_message(text="You have no open order to cancel.")
            return [SlotSet("awaiting_cancel_confirmation", False)]
        refund = f" and refund {yuan(order.total)}" if order.status == "paid" else ""
        dispatcher.utter_message(
            text=f"Cancel order {order.id} ({yuan(order.total)}){refund}? Please say yes or no.",
            buttons=[
                {"title": "Yes, cancel it", "payload": "/affirm"},
                {"title": "No, keep it", "payload": "/deny"},
            ],
        )
        return [
            SlotSet("cancel_order_id", order.id),
            SlotSet("awaiting_cancel_confirmation", True),
        ]


class ActionCancelOrder(MerchantAction):
    action_name = "action_cancel_order"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        order_id = tracker.get_slot("cancel_order_id")
        done = [
            SlotSet("cancel_order_id", None),
            SlotSet("awaiting_cancel_confirmation", False),
        ]
        if not order_id:
            dispatcher.utter_message(text="You have no open order to cancel.")
            return done
        order = await self.backend.cancel_order(
            tracker.sender_id, order_id, idempotency_key=f"cancel-{order_id}"
        )
        refund = (
            f" {yuan(order.total)} is refunded to your account."
            if order.status == "refunded"
            else ""
        )
        dispatcher.utter_message(
            text=f"Order {order.id} is cancelled.{refund}",
            json_message={"order": order_payload(order)},
        )
        if order_id == tracker.get_slot("order_id"):
            done += [
                SlotSet("order_id", None),
                SlotSet("awaiting_confirmation", False),
                SlotSet("awaiting_pin", False),
            ]
        return done


class ActionKeepOrder(MerchantAction):
    action_name = "action_keep_order"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        dispatcher.utter_message(text="OK, your order stays as it is.")
        return [
            SlotSet("cancel_order_id", None),
            SlotSet("awaiting_cancel_confirmation", False),
        ]
