"""Readback, explicit confirmation and payment (with the PIN above the voice-pay limit).

The order is placed at readback and comes back with a one-time confirmation token;
only an explicit yes hands that token to a payment. Idempotency keys are derived
from the cart and the order, so a repeated "yes" or a retried request can never
charge twice. The PIN itself never passes through here: see channels/secure_input.py.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import MerchantAction
from actions.merchants import configured_backend
from actions.merchants.backend import (
    MerchantError,
    MerchantRejected,
    OrderRequest,
    Payment,
    PlacedOrder,
)
from actions.phrasing import (
    clock_time,
    order_payload,
    pickup_when,
    readback_payload,
    readback_text,
    yuan,
)
from actions.state import (
    OrderState,
    checkout_reset,
    fresh_start,
    latest_entity,
    latest_intent,
)

logger = logging.getLogger(__name__)

# What the customer can do about a refusal at checkout; the cart is kept.
PLACING_HINTS = {
    "store_closed": " Choose a time when it's open (say 'pick it up at 8:30') or another store.",
    "item_unavailable": " Say 'remove' and the item, or choose something else.",
    "invalid_pickup_time": " Say a later pickup time, or 'as soon as possible'.",
}

CONFIRM_BUTTONS = [
    {"title": "Yes, pay", "payload": "/affirm"},
    {"title": "No, change it", "payload": "/deny"},
]


def pickup_iso(pickup: str | None, now_iso: str) -> str | None:
    """The slot's "HH:MM" or "+N" minutes as an ISO time today (None means ASAP)."""
    if not pickup or pickup == "asap":
        return None
    now = datetime.fromisoformat(now_iso)
    if pickup.startswith("+"):
        return (now + timedelta(minutes=int(pickup[1:]))).isoformat()
    hour, minute = (int(part) for part in pickup.split(":"))
    return now.replace(hour=hour, minute=minute, second=0, microsecond=0).isoformat()


async def abandon_unconfirmed_order(tracker: Tracker) -> list[EventType]:
    """Cancel an order that was read back but never confirmed (the cart changed)."""
    order_id = tracker.get_slot("order_id")
    if not order_id or not tracker.get_slot("awaiting_confirmation"):
        return []
    try:
        await configured_backend().cancel_order(tracker.sender_id, order_id, f"abandon-{order_id}")
    except MerchantError as error:
        # Nothing was paid, so an unconfirmed order left behind costs nothing.
        logger.warning("could not cancel unconfirmed order %s: %s", order_id, error)
    return checkout_reset()


class ActionReadback(MerchantAction):
    """Places the order unpaid, reads every line back and asks for an explicit yes."""

    action_name = "action_readback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        state = OrderState.from_tracker(tracker)
        if state.pending:
            dispatcher.utter_message(text="Let's finish your order first.")
            return []
        if not state.cart:
            dispatcher.utter_message(text="Your cart is empty. What would you like to order?")
            return []
        menu = await self.backend.menu(self.settings.merchant_id, include_unavailable=True)
        try:
            placed = await self._place(tracker, state, menu.now)
        except MerchantRejected as error:
            hint = PLACING_HINTS.get(error.code, "")
            dispatcher.utter_message(text=f"{error.message}{hint}")
            return []
        order = placed.order
        dispatcher.utter_message(
            text=f"{readback_text(order, menu)} Shall I place it and pay {yuan(order.total)} now? "
            "Please say yes or no.",
            buttons=CONFIRM_BUTTONS,
            json_message={"readback": readback_payload(order)},
        )
        return [
            SlotSet("order_id", order.id),
            SlotSet("confirmation_token", placed.confirmation_token),
            SlotSet("awaiting_confirmation", True),
            SlotSet("awaiting_pin", False),
        ]

    async def _place(self, tracker: Tracker, state: OrderState, now: str) -> PlacedOrder:
        return await self.backend.place_order(
            OrderRequest(
                customer_id=tracker.sender_id,
                merchant_id=self.settings.merchant_id,
                lines=tuple(line.request() for line in state.cart),
                store_id=state.store_id,
                pickup_time=pickup_iso(state.pickup_time, now),
            ),
            idempotency_key=state.order_key(tracker.sender_id),
        )


class ActionConfirmPayment(MerchantAction):
    """Pays after an explicit, confident yes to the readback."""

    action_name = "action_confirm_payment"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        _, confidence = latest_intent(tracker)
        if confidence < self.settings.confirmation_min_confidence:
            return await ActionReaskConfirmation().act(dispatcher, tracker)
        return await pay(dispatcher, tracker)


class ActionPayWithPin(MerchantAction):
    """Acts on the outcome of a PIN the channel forwarded to the merchant."""

    action_name = "action_pay_with_pin"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        outcome = latest_entity(tracker, "secure_outcome")
        if outcome in ("verified", "pin_locked"):
            # A locked account's payment is refused too, and the refusal says until when.
            return await pay(dispatcher, tracker)
        if outcome == "pin_incorrect":
            left = latest_entity(tracker, "attempts_left")
            tries = f" You have {left} {'try' if left == '1' else 'tries'} left." if left else ""
            return ask_for_pin(dispatcher, tracker, f"That PIN didn't match.{tries}")
        if outcome == "invalid_pin":
            return ask_for_pin(dispatcher, tracker, "A PIN is six digits.")
        dispatcher.utter_message(
            text="Sorry, I couldn't check your PIN just now. Nothing was charged; "
            "your order is saved. Please say the PIN again."
        )
        return ask_for_pin(dispatcher, tracker, "")


class ActionResumeEditing(MerchantAction):
    """The customer said no to the readback: back to the cart, nothing charged."""

    action_name = "action_resume_editing"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        events = await abandon_unconfirmed_order(tracker)
        dispatcher.utter_message(
            text="OK, nothing has been charged. What would you like to change?"
        )
        return events or checkout_reset()


class ActionReaskConfirmation(MerchantAction):
    """An unclear answer to the readback: ask again, charge nothing."""

    action_name = "action_reask_confirmation"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        order_id = tracker.get_slot("order_id")
        total = ""
        if order_id:
            total = f" {yuan((await self.backend.order(tracker.sender_id, order_id)).total)}"
        dispatcher.utter_message(
            text=f"Sorry, I need a clear yes or no. Shall I pay{total} for this order?",
            buttons=CONFIRM_BUTTONS,
        )
        return []


def ask_for_pin(dispatcher: CollectingDispatcher, tracker: Tracker, lead: str) -> list[EventType]:
    order_id = str(tracker.get_slot("order_id"))
    target = configured_backend().pin_verification_target(tracker.sender_id, order_id)
    dispatcher.utter_message(
        text=f"{lead} Please say or type your 6-digit payment PIN.".strip(),
        json_message={
            "secure_input": {
                "purpose": "payment_pin",
                "digits": 6,
                "reply_intent": "pin_submitted",
                "submit": {"url": target.url, "fields": target.fields},
            }
        },
    )
    return [SlotSet("awaiting_confirmation", False), SlotSet("awaiting_pin", True)]


async def pay(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    order_id, token = (
        tracker.get_slot("order_id"),
        tracker.get_slot("confirmation_token"),
    )
    if not order_id or not token:
        dispatcher.utter_message(
            text="There's no order waiting for payment. Say 'check out' when your cart is ready."
        )
        return checkout_reset()
    backend = configured_backend()
    customer = tracker.sender_id
    try:
        # The amount should be the total the readback said; until the pending question
        # carries it (contract C3), it is the placed order's total, which never changes.
        amount = (await backend.order(customer, order_id)).total
        payment = await backend.pay(
            customer, order_id, token, amount, idempotency_key=f"pay-{order_id}"
        )
    except MerchantRejected as error:
        return await _payment_refused(dispatcher, tracker, error)
    return await _paid(dispatcher, customer, payment)


async def _paid(
    dispatcher: CollectingDispatcher, customer_id: str, payment: Payment
) -> list[EventType]:
    order = await configured_backend().order(customer_id, payment.order_id)
    dispatcher.utter_message(
        text=f"Paid {yuan(payment.amount)}. Your order number is {order.id}; pick it up at "
        f"{order.store_name}, {pickup_when(order)}. Thank you!",
        json_message={"order": order_payload(order)},
    )
    return fresh_start()


async def _payment_refused(
    dispatcher: CollectingDispatcher, tracker: Tracker, error: MerchantRejected
) -> list[EventType]:
    details: dict[str, Any] = error.details
    if error.code == "pin_required":
        limit = details.get("voice_pay_limit")
        # Over the daily no-PIN total, the platform's message says so with the numbers.
        if limit is not None and details.get("reason") != "over_daily_limit":
            lead = f"That's above your voice-pay limit of {yuan(limit)}."
        else:
            lead = error.message
        return ask_for_pin(dispatcher, tracker, lead)
    if error.code == "order_already_paid":
        order = await configured_backend().order(
            tracker.sender_id, str(tracker.get_slot("order_id"))
        )
        dispatcher.utter_message(
            text=f"Order {order.id} is already paid; you won't be charged again.",
            json_message={"order": order_payload(order)},
        )
        return fresh_start()
    if error.code == "pin_locked":
        until = details.get("locked_until")
        when = f" until {clock_time(str(until))}" if until else ""
        dispatcher.utter_message(
            text=f"Voice payment is locked{when} after too many wrong PINs. Your order "
            f"{tracker.get_slot('order_id')} is saved but not paid; nothing was charged."
        )
        return [SlotSet("awaiting_pin", False), SlotSet("awaiting_confirmation", False)]
    dispatcher.utter_message(text=f"{error.message} Nothing was charged.")
    return [SlotSet("awaiting_pin", False), SlotSet("awaiting_confirmation", False)]


class ActionStopPayment(MerchantAction):
    """The customer declined to give the PIN: the order stays placed and unpaid."""

    action_name = "action_stop_payment"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        dispatcher.utter_message(
            text="OK, I haven't charged anything. Say 'check out' when you want to pay."
        )
        return [SlotSet("awaiting_pin", False)]
