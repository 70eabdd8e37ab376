"""Readback, explicit confirmation and payment (with the PIN above the voice-pay limit).

The order is placed at readback and comes back with a one-time confirmation token;
only a confident yes to "Shall I pay ¥X for order N?", the question just asked,
hands that token and that amount to a payment. Idempotency keys are derived from
the cart and the order, so a repeated "yes" or a retried request can never charge
twice. The PIN itself never passes through here: see channels/pin_policy.py.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import cart as carts
from actions import stay_phrasing
from actions.base import MerchantAction
from actions.merchant_in_use import merchant_id_of
from actions.merchants.backend import (
    MerchantBackend,
    MerchantError,
    MerchantRejected,
    MerchantUnavailable,
    Order,
    OrderRequest,
)
from actions.phrasing import (
    clock_time,
    custom,
    describe_line,
    join_words,
    order_payload,
    pickup_when,
    readback_payload,
    readback_text,
)
from actions.questions import answered, ask, expect, open_question
from actions.settings import Settings
from actions.state import (
    OrderState,
    awaiting_order,
    checkout_reset,
    fresh_start,
    latest_entity,
)
from contracts.bot_messages import QuestionKind, SecureInputRequest, SubmitTarget
from contracts.merchant_api import SlotFull
from contracts.money import format_money

logger = logging.getLogger(__name__)

# What the customer can do about a refusal at checkout; the cart is kept.
PLACING_HINTS = {
    "store_closed": " Choose a time when it's open (say 'pick it up at 8:30') or another store.",
    "item_unavailable": " Say 'remove' and the item, or choose something else.",
    "invalid_pickup_time": " Say a later pickup time, or 'as soon as possible'.",
    "pickup_time_passed": " Say a later pickup time, or 'as soon as possible'.",
    "slot_full": " Say another pickup time, or 'as soon as possible'.",
}
SLOT_FULL = "slot_full"
# What a "Did you mean ...?" passed over turns into: the guess stays open (never dropped
# in silence) and the readback waits for its answer.
THEN_READBACK = "readback"

# Said when an answer to a yes-or-no question is neither.
UNCLEAR = "Sorry, I need a clear yes or no."


def pin_not_set_reply(order_id: str) -> str:
    """What to do when a payment needs a PIN and the customer has none (voice never sets it)."""
    return (
        "This payment needs your own payment PIN, and you haven't set one yet. Your order "
        f"{order_id} is saved and nothing was charged. To set a PIN, type /pin in the shell "
        "(make shell), or open Settings in the web widget; both ask for your password. "
        "A PIN can't be set by voice. Then say 'check out' again."
    )


# Refusals after which the same order can be read back again as a new one.
READ_AGAIN = ("confirmation_expired", "amount_mismatch")

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


def free_slots(error: MerchantRejected) -> list[str]:
    """The later pickup times ("09:10") a `slot_full` refusal offers, soonest first."""
    try:
        full = SlotFull.parse_obj({"code": error.code, "message": error.message, **error.details})
    except ValidationError:
        return []  # a backend that offers nothing (or nothing readable): no offer to make
    return [clock_time(start) for start in full.next_free]


def offer_slot(
    dispatcher: CollectingDispatcher, tracker: Tracker, error: MerchantRejected, lead: str = ""
) -> list[EventType]:
    """The pickup time asked for is full: offer the next free one. A yes takes it, and so
    does a tap on one of the other free times; another time said instead is taken too, and
    either way the order is read back at once (actions/pickup.py `take_store`)."""
    first, *others = free_slots(error)
    buttons = [{"title": f"Yes, {first}", "payload": "/affirm"}] + [
        {"title": later, "payload": f'/set_pickup{{"pickup_time": "{later}"}}'} for later in others
    ]
    dispatcher.utter_message(
        text=f"{lead} {error.message} Shall I make it {first}? Or say another time.".strip(),
        buttons=buttons,
        json_message=expect(QuestionKind.SLOT_OFFER),
    )
    subject = {"pickup_time": first, "then": THEN_READBACK}
    return [ask(tracker, QuestionKind.SLOT_OFFER, subject)]


def pay_question(order: Order) -> str:
    return f"Shall I pay {format_money(order.total)} for order {order.id}?"


class Checkout:
    """Placing, confirming and paying the order; shared by the actions that do it."""

    def __init__(self, backend: MerchantBackend, settings: Settings) -> None:
        self.backend = backend
        self.settings = settings

    async def status(self, tracker: Tracker, order_id: str) -> Order | None:
        """The order as the merchant has it now, or None when the merchant can't say."""
        try:
            return await self.backend.order(tracker.sender_id, order_id)
        except MerchantError as error:
            logger.warning("could not read order %s: %s", order_id, error)
            return None

    async def abandon(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Let go of an order that was read back but not confirmed (the cart changed).

        Only an order the merchant says is still unpaid is cancelled: one whose payment
        went through (its answer lost on the way) is kept, and the customer told. The
        next checkout places a new order.
        """
        order_id = awaiting_order(tracker)
        if order_id is None:
            return []
        order = await self.status(tracker, order_id)
        if order is not None and order.status == "placed":
            try:
                await self.backend.cancel_order(tracker.sender_id, order_id, f"abandon-{order_id}")
            except MerchantError as error:
                # Unpaid, so an unconfirmed order left behind costs nothing.
                logger.warning("could not cancel unconfirmed order %s: %s", order_id, error)
        elif order is not None and order.status == "paid":
            dispatcher.utter_message(
                text=f"Order {order_id} was already paid ({format_money(order.total)}); it stands. "
                "What you order now is a new order.",
                json_message=custom(order=order_payload(order)),
            )
        return checkout_reset()

    async def readback(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        lead: str = "",
        state: OrderState | None = None,
        ask_guesses: bool = True,
    ) -> list[EventType]:
        """Place the order unpaid, read every line back and ask for an explicit yes
        (`state`: the order just changed in this same message, else the tracker's). An
        item the customer was just asked about and did not answer is asked about first
        (unless `ask_guesses` is False: that question is being answered)."""
        state = state or OrderState.from_tracker(tracker)
        guesses = open_guesses(tracker) if ask_guesses else []
        if guesses:  # "Did you mean a Youtiao?" ... "that's all"
            menu = await self.backend.menu(
                merchant_id_of(tracker, self.settings), include_unavailable=True
            )
            described = join_words([describe_line(line.request(), menu) for line in guesses])
            dispatcher.utter_message(
                text=f"{lead} I also wasn't sure about {described}: add it? Then I'll read "
                "your order back.".strip(),
                json_message=expect(QuestionKind.CHECK_ITEM),
            )
            subject = {"lines": carts.lines_to_slot(guesses), "then": THEN_READBACK}
            return [ask(tracker, QuestionKind.CHECK_ITEM, subject)]
        if not state.cart:
            dispatcher.utter_message(
                text=f"{lead} Your cart is empty. What would you like to order?".strip(),
                json_message=expect(QuestionKind.MORE_OR_DONE),
            )
            return [ask(tracker, QuestionKind.MORE_OR_DONE)]
        menu = await self.backend.menu(
            merchant_id_of(tracker, self.settings), include_unavailable=True
        )
        try:
            placed = await self.backend.place_order(
                OrderRequest(
                    customer_id=tracker.sender_id,
                    merchant_id=merchant_id_of(tracker, self.settings),
                    lines=tuple(line.request() for line in state.cart),
                    store_id=state.store_id,
                    pickup_time=pickup_iso(state.pickup_time, menu.now),
                ),
                idempotency_key=state.order_key(tracker.sender_id),
            )
        except MerchantRejected as error:
            if error.code == SLOT_FULL and free_slots(error):
                return offer_slot(dispatcher, tracker, error, lead)
            hint = PLACING_HINTS.get(error.code, "")
            dispatcher.utter_message(text=f"{lead} {error.message}{hint}".strip())
            return [answered()]
        order = placed.order
        dispatcher.utter_message(
            text=f"{lead} {readback_text(order, menu)} {pay_question(order)} "
            "Please say yes or no.".strip(),
            buttons=CONFIRM_BUTTONS,
            json_message=expect(QuestionKind.PAY, readback=readback_payload(order)),
        )
        return [
            SlotSet("order_id", order.id),
            SlotSet("confirmation_token", placed.confirmation_token),
            ask(tracker, QuestionKind.PAY, {"order_id": order.id, "amount": order.total}),
        ]

    async def reask(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, lead: str = ""
    ) -> list[EventType]:
        """Ask again, naming the order and the amount; charge nothing."""
        order_id = awaiting_order(tracker)
        if order_id is None:
            dispatcher.utter_message(
                text=f"{lead} There's no order waiting for payment. Say 'check out' when "
                "your cart is ready.".strip()
            )
            return [answered()]
        order = await self.backend.order(tracker.sender_id, order_id)
        if order.status != "placed":
            return await self._settled(dispatcher, order)
        dispatcher.utter_message(
            text=f"{lead} {pay_question(order)}".strip(),
            buttons=CONFIRM_BUTTONS,
            json_message=expect(QuestionKind.PAY),
        )
        return [ask(tracker, QuestionKind.PAY, {"order_id": order.id, "amount": order.total})]

    async def pay(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, subject: dict[str, Any]
    ) -> list[EventType]:
        """Pay exactly the order and amount the customer just said yes to."""
        order_id = awaiting_order(tracker)
        if order_id is None or order_id != str(subject.get("order_id")):
            return await self.reask(dispatcher, tracker)
        amount = int(subject["amount"])
        try:
            payment = await self.backend.pay(
                tracker.sender_id,
                order_id,
                str(tracker.get_slot("confirmation_token")),
                amount,
                idempotency_key=f"pay-{order_id}",
            )
        except MerchantRejected as error:
            return await self._refused(dispatcher, tracker, error, order_id, amount)
        except MerchantUnavailable as error:
            logger.warning("payment of order %s: outcome unknown (%s)", order_id, error)
            return await self._outcome_unknown(dispatcher, tracker, order_id, amount)
        return await self._paid(dispatcher, tracker, payment.order_id, payment.amount)

    async def _paid(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order_id: str, amount: int
    ) -> list[EventType]:
        order = await self.status(tracker, order_id)
        if order is None:
            dispatcher.utter_message(
                text=f"Paid {format_money(amount)}. Your order number is {order_id}. Thank you!"
            )
        elif order.stay is not None:  # a booking: no pickup, a check-in
            dispatcher.utter_message(
                text=stay_phrasing.paid_text(order, amount),
                json_message=custom(order=order_payload(order)),
            )
        else:
            dispatcher.utter_message(
                text=f"Paid {format_money(amount)}. Your order number is {order.id}; pick it up at "
                f"{order.store_name}, {pickup_when(order)}. Thank you!",
                json_message=custom(order=order_payload(order)),
            )
        return fresh_start()

    async def _settled(self, dispatcher: CollectingDispatcher, order: Order) -> list[EventType]:
        """The awaited order is no longer waiting for payment: say what it is."""
        if order.status == "paid":
            text = f"Order {order.id} is already paid; you won't be charged again."
            events = fresh_start()
        else:
            text = f"Order {order.id} is {order.status}; nothing was charged for it."
            events = checkout_reset()
        dispatcher.utter_message(text=text, json_message=custom(order=order_payload(order)))
        return events

    async def _outcome_unknown(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order_id: str, amount: int
    ) -> list[EventType]:
        """The payment request got no answer: read the order before saying anything."""
        order = await self.status(tracker, order_id)
        if order is not None and order.status == "paid":
            return await self._paid(dispatcher, tracker, order_id, order.total)
        if order is not None and order.status != "placed":
            return await self._settled(dispatcher, order)
        subject = {"order_id": order_id, "amount": amount}
        if order is None:
            text = (
                f"Sorry, I didn't hear back from the shop about paying order {order_id}, and "
                "I can't check it yet. Say yes to try again: you can't be charged twice. "
                f"Shall I pay {format_money(amount)} for order {order_id}?"
            )
        else:
            text = (
                f"Sorry, the shop didn't answer in time. I've checked: order {order_id} is "
                f"not paid, nothing was charged. Shall I pay {format_money(amount)} for order "
                f"{order_id}?"
            )
        dispatcher.utter_message(
            text=text, buttons=CONFIRM_BUTTONS, json_message=expect(QuestionKind.PAY)
        )
        return [ask(tracker, QuestionKind.PAY, subject)]

    async def _refused(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        error: MerchantRejected,
        order_id: str,
        amount: int,
    ) -> list[EventType]:
        details: dict[str, Any] = error.details
        if error.code == "pin_required":
            limit = details.get("voice_pay_limit")
            # Over the daily no-PIN total, the platform's message says so with the numbers.
            if limit is not None and details.get("reason") != "over_daily_limit":
                lead = f"That's above your voice-pay limit of {format_money(limit)}."
            else:
                lead = error.message
            digits = details.get("pin_digits")
            return self.ask_for_pin(
                dispatcher,
                tracker,
                lead,
                order_id,
                amount,
                digits if isinstance(digits, int) else None,
            )
        if error.code == "pin_not_set":
            dispatcher.utter_message(text=pin_not_set_reply(order_id))
            return [answered()]
        if error.code == "order_already_paid":
            order = await self.status(tracker, order_id)
            if order is not None:
                return await self._settled(dispatcher, order)
            dispatcher.utter_message(text=f"Order {order_id} is already paid.")
            return fresh_start()
        if error.code == "pin_locked":
            until = details.get("locked_until")
            when = f" until {clock_time(str(until))}" if until else ""
            dispatcher.utter_message(
                text=f"Voice payment is locked{when} after too many wrong PINs. Your order "
                f"{order_id} is saved but not paid; nothing was charged."
            )
            return [answered()]
        events = await self.abandon(dispatcher, tracker)
        if error.code in READ_AGAIN:
            tracker.add_slots(events)
            return events + await self.readback(
                dispatcher, tracker, f"{error.message} Nothing was charged. Here it is again."
            )
        hint = PLACING_HINTS.get(error.code, "")
        dispatcher.utter_message(text=f"{error.message} Nothing was charged.{hint}")
        return events

    def ask_for_pin(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        lead: str,
        order_id: str,
        amount: int,
        digits: int | None = None,
    ) -> list[EventType]:
        """Ask for the PIN, on a channel whose guard keeps it out of the dialogue only.

        ``digits`` is the length of the customer's own PIN as the platform said (4 to 8);
        without it, the configured ``pin_digits``."""
        channel = tracker.get_latest_input_channel()
        if channel not in self.settings.pin_channels:
            dispatcher.utter_message(
                text=f"{lead} I can't take a PIN here: this chat ({channel or 'unknown'}) "
                "doesn't keep it out of the conversation record. Your order "
                f"{order_id} is saved and nothing was charged. To pay, use `make shell`, "
                "the web widget or the voice client.".strip()
            )
            return [answered()]
        target = self.backend.pin_verification_target(tracker.sender_id, order_id)
        digits = digits or self.settings.pin_digits
        dispatcher.utter_message(
            text=f"{lead} Please say or type your {digits}-digit payment PIN.".strip(),
            json_message=expect(
                QuestionKind.PIN,
                secure_input=SecureInputRequest(
                    purpose="payment_pin",
                    digits=digits,
                    reply_intent="pin_submitted",
                    submit=SubmitTarget(url=target.url, fields=target.fields),
                ),
            ),
        )
        return [
            ask(
                tracker,
                QuestionKind.PIN,
                {"order_id": order_id, "amount": amount, "digits": digits},
            )
        ]

    async def resume_editing(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        """No to the readback: back to the cart. Nothing is charged."""
        order_id = awaiting_order(tracker)
        order = await self.status(tracker, order_id) if order_id else None
        events = await self.abandon(dispatcher, tracker)
        if order_id and order is None:
            text = (
                f"OK. I couldn't check order {order_id} just now, so I've left it as it is "
                "(ask 'where is my order' later). What would you like to change?"
            )
        elif order is not None and order.status == "paid":
            text = "What would you like to order?"
        else:
            text = "OK, nothing has been charged. What would you like to change?"
        dispatcher.utter_message(text=text, json_message=expect(QuestionKind.MORE_OR_DONE))
        return (events or checkout_reset()) + [ask(tracker, QuestionKind.MORE_OR_DONE)]


def open_guesses(tracker: Tracker) -> list[carts.Line]:
    """The items "Did you mean ...?" just asked about, when this message passes it over."""
    question = open_question(tracker)
    if question is None or question.kind != QuestionKind.CHECK_ITEM:
        return []
    return carts.lines_from_slot(question.subject.get("lines"))


class ActionPayWithPin(MerchantAction):
    """Acts on the outcome of a PIN the channel forwarded to the merchant.

    Only right after the assistant asked for the PIN: the outcome pays the order and
    amount that question named.
    """

    action_name = "action_pay_with_pin"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        checkout = Checkout(self.backend, self.settings)
        question = open_question(tracker)
        if question is None or question.kind != QuestionKind.PIN:
            dispatcher.utter_message(
                text="There's no payment waiting for a PIN. Say 'check out' when you're ready."
            )
            return [answered()]
        order_id = str(question.subject.get("order_id"))
        amount = int(question.subject.get("amount") or 0)
        digits = int(question.subject.get("digits") or self.settings.pin_digits)
        outcome = latest_entity(tracker, "secure_outcome")
        if outcome in ("verified", "pin_locked"):
            # A locked account's payment is refused too, and the refusal says until when.
            return await checkout.pay(dispatcher, tracker, question.subject)
        if outcome == "pin_incorrect":
            left = latest_entity(tracker, "attempts_left")
            tries = f" You have {left} {'try' if left == '1' else 'tries'} left." if left else ""
            lead = f"That PIN didn't match.{tries}"
        elif outcome == "pin_not_set":
            dispatcher.utter_message(text=pin_not_set_reply(order_id))
            return [answered()]
        elif outcome == "invalid_pin":
            lead = f"Your PIN is {digits} digits."
        else:
            lead = (
                "Sorry, I couldn't check your PIN just now. Nothing was charged; "
                "your order is saved."
            )
        return checkout.ask_for_pin(dispatcher, tracker, lead, order_id, amount, digits)
