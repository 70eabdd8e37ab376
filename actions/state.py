"""The order-in-progress as it lives in the conversation's slots."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.cart import Line, lines_from_slot, lines_to_slot
from actions.questions import answered


@dataclass(frozen=True)
class OrderState:
    """Slots the ordering actions share; ``events`` writes them back."""

    cart: list[Line] = field(default_factory=list)
    store_id: str | None = None
    pickup_time: str | None = None  # "HH:MM", "+N" minutes, or None for ASAP
    checkout_id: str | None = None
    last_sku: str | None = None  # the item under discussion ("make it large")

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> OrderState:
        return cls(
            cart=lines_from_slot(tracker.get_slot("cart")),
            store_id=tracker.get_slot("store_id"),
            pickup_time=tracker.get_slot("pickup_time"),
            checkout_id=tracker.get_slot("checkout_id"),
            last_sku=tracker.get_slot("last_sku"),
        )

    def with_cart(self, lines: list[Line], touched: list[Line]) -> OrderState:
        return replace(
            self,
            cart=lines,
            last_sku=touched[-1].sku if touched else self.last_sku,
            checkout_id=self.checkout_id or uuid.uuid4().hex,
        )

    def with_pickup(self, store_id: str | None, pickup_time: str | None) -> OrderState:
        """Take a store or time said in the same breath as the order ("... at Xujiahui at 9")."""
        state = self
        if pickup_time is not None:
            state = replace(state, pickup_time=None if pickup_time == "asap" else pickup_time)
        if store_id is not None:
            state = replace(state, store_id=store_id)
        return state

    def order_key(self, sender_id: str) -> str:
        """Idempotency key of placing exactly this cart in this checkout.

        A new checkout id (after a readback was declined or abandoned) makes a new
        key, so checking out again places a new order instead of replaying the old.
        """
        content = json.dumps(
            [sender_id, self.checkout_id, lines_to_slot(self.cart), self.store_id, self.pickup_time]
        )
        return "order-" + hashlib.sha256(content.encode()).hexdigest()[:32]

    def events(self) -> list[EventType]:
        return [
            SlotSet("cart", lines_to_slot(self.cart)),
            SlotSet("last_sku", self.last_sku),
            SlotSet("checkout_id", self.checkout_id),
            SlotSet("store_id", self.store_id),
            SlotSet("pickup_time", self.pickup_time),
        ]


def awaiting_order(tracker: Tracker) -> str | None:
    """The order read back and placed unpaid, waiting for a yes (None if there is none)."""
    order_id = tracker.get_slot("order_id")
    return str(order_id) if order_id and tracker.get_slot("confirmation_token") else None


def checkout_reset() -> list[EventType]:
    """Forget the order being confirmed or paid (the cart itself is untouched).

    The next checkout gets a new checkout id, hence a new order.
    """
    return [
        SlotSet("order_id", None),
        SlotSet("confirmation_token", None),
        SlotSet("checkout_id", uuid.uuid4().hex),
        answered(),
    ]


def fresh_start() -> list[EventType]:
    """An empty cart and a new checkout (after payment or "start over")."""
    return [
        *OrderState().events(),
        SlotSet("stay", None),  # a booking's details (actions/booking.py)
        *checkout_reset(),
    ]


def latest_entities(tracker: Tracker) -> list[dict[str, Any]]:
    return list(tracker.latest_message.get("entities") or [])


def latest_entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


def latest_intent(tracker: Tracker) -> tuple[str, float]:
    intent = tracker.latest_message.get("intent") or {}
    return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)


def latest_intent_ranking(tracker: Tracker) -> dict[str, float]:
    """Every intent the NLU weighed for the latest message, with its confidence."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return {str(i.get("name")): float(i.get("confidence") or 0.0) for i in ranking}
