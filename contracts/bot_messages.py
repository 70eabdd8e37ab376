"""What the assistant sends to clients inside a bot message's ``custom`` object.

The action server builds these (``actions/phrasing.py``), every channel passes them on, and
the clients read them with the same classes (the shell, the voice client) or, in the
browser widget, with the JSON Schema generated from them
(``clients/widget/bot-messages.schema.json``). ``docs/bot-messages.md`` describes them.

Amounts are integer fen, strict: a float or a numeric string is refused, never rounded.
Unknown fields are ignored, so an older client keeps working when a field is added.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from pydantic import BaseModel, PositiveInt, StrictBool, StrictInt, ValidationError, constr

from contracts.money import CURRENCY
from contracts.pricing import PricedLine

# 2: an order card's lines are ``lines``, as in a cart and a readback (version 1: ``items``).
MESSAGES_VERSION = 2


class QuestionKind(str, Enum):
    """What the assistant just asked, so the next message is read as its answer
    (``custom.expect``; the voice channel primes recognition with it)."""

    MORE_OR_DONE = "more_or_done"  # "Anything else, or shall I check out?"
    OPTION = "option"  # which choice of an option group
    PAY = "pay"  # "Shall I pay ¥X for order N?"
    CANCEL = "cancel"  # "Cancel order N?"
    CHECK_ITEM = "check_item"  # "Did you mean a large Latte?"
    WHICH_LINE = "which_line"  # "Which one do you mean: an oat Latte or a decaf Latte?"
    STORE_TIME = "store_time"  # which store, what time
    STORE_CHOICE = "store_choice"  # which of the stores just offered (``custom.stores``)
    PIN = "pin"  # the payment PIN
    SLOT_OFFER = "slot_offer"  # "That time is full. Shall I make it 09:10?"
    STAY = "stay"  # a booking's missing detail: the city or hotel, dates, nights, guests, room
    MERCHANT_CHOICE = "merchant_choice"  # which merchant ("Golden Crumb or Copper Kettle?")
    NEW_CART = "new_cart"  # "Start a new cart at X, or finish this one first?"

    def __str__(self) -> str:
        return self.value


# --- the cards -----------------------------------------------------------------------


class ShownOption(BaseModel):
    """A line's choice in one group, in display names: ``{"group": "Milk", "choice":
    "Oat"}``, with what it adds and whether it is the group's default (clients show the
    changed ones; without the flag a client shows them all)."""

    group: str
    choice: str
    price: StrictInt = 0
    default: StrictBool = False


class Line(BaseModel):
    """One order line on a card: one option per group of the item, in the merchant's
    order. A combo's drink is its "Drink" option."""

    sku: str
    name: str
    quantity: StrictInt
    options: list[ShownOption] = []
    unit_price: StrictInt
    line_total: StrictInt

    @classmethod
    def from_priced(cls, line: PricedLine) -> Line:
        return cls(
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            options=[
                ShownOption(
                    group=option.group_name,
                    choice=option.choice_name,
                    price=option.price,
                    default=option.default,
                )
                for option in line.options
            ],
            unit_price=line.unit_price,
            line_total=line.line_total,
        )


class StoreRef(BaseModel):
    id: str
    name: str


class StoreCard(BaseModel):
    """A store offered near the customer, nearest first: ``distance_m`` along the ground,
    ``walk_minutes`` at an easy walking pace (``actions/nearby.py``). Clients show it as a
    card whose button sends ``payload``."""

    id: str
    name: str
    address: str
    opens: str
    closes: str
    distance_m: StrictInt
    walk_minutes: StrictInt
    payload: str


class StayCard(BaseModel):
    """A booking's stay (issue 17 §3), on a readback or an order card: clients show it in
    place of a pickup (the card's store is the hotel, its one line the room type with the
    nights as its quantity). Dates are ISO (``2026-12-12``); ``check_in_from`` is the
    hotel's check-in time (``14:00``); ``free_cancel_until`` ISO 8601, when cancelling
    stops being refunded."""

    hotel: str
    room_type: str
    check_in: str
    check_out: str
    nights: StrictInt
    guests: StrictInt
    check_in_from: str = ""
    free_cancel_until: str | None = None


class Cart(BaseModel):
    """The cart so far: its lines, total, store and pickup time in words (a booking's
    readback: its ``stay`` instead of a pickup)."""

    lines: list[Line]
    total: StrictInt
    currency: str = CURRENCY
    store: StoreRef
    pickup: str
    stay: StayCard | None = None


class Readback(Cart):
    """The placed order's lines to confirm before payment: a cart with the order number."""

    order_id: str


class OrderCard(BaseModel):
    """An order as it stands; ``pickup_time`` is ISO 8601 in the merchant's time zone. A
    booking has its ``stay`` (``pickup_time`` is then the check-in) and no pickup code."""

    id: str
    status: str
    total: StrictInt
    currency: str = CURRENCY
    store_name: str
    pickup_time: str
    lines: list[Line]
    pickup_code: str | None = None  # given at payment
    # The pickup code as a QR code the counter can scan: a PNG data URI (actions/pickup_qr.py).
    pickup_qr: str | None = None
    stay: StayCard | None = None


class MenuChoice(BaseModel):
    """``price`` is what the choice adds to the item's base price (negative for less)."""

    id: str
    name: str
    price: StrictInt = 0


class MenuOptionGroup(BaseModel):
    id: str
    group: str
    default: str
    choices: list[MenuChoice] = []


class MenuCardItem(BaseModel):
    """``price`` is the base price, every group at its default."""

    sku: str
    name: str
    price: StrictInt
    available: StrictBool = True
    description: str = ""
    options: list[MenuOptionGroup] = []


class MenuCard(BaseModel):
    title: str
    breakfast_served: StrictBool = True
    items: list[MenuCardItem]


class SecureInput(BaseModel):
    """The next thing the user types or says is a secret: clients hide the typing and keep
    it out of history; the channel sends it to the merchant, never to the dialogue."""

    purpose: str = "payment_pin"
    digits: PositiveInt | None = None


class SubmitTarget(BaseModel):
    """Where the channel posts the secret (with ``fields`` and the customer's token)."""

    url: str
    fields: dict[str, str] = {}


class SecureInputRequest(SecureInput):
    """The PIN request as the action server sends it to the channel, which keeps ``submit``
    and ``reply_intent`` to itself and shows the client only :class:`SecureInput`."""

    reply_intent: str = "pin_submitted"
    submit: SubmitTarget


# --- the custom object -----------------------------------------------------------------


class Custom(BaseModel):
    """A bot message's ``custom`` object as clients receive it: at most one card, plus
    ``expect`` on a message that asks something."""

    expect: QuestionKind | None = None
    menu: MenuCard | None = None
    cart: Cart | None = None
    readback: Readback | None = None
    order: OrderCard | None = None
    secure_input: SecureInput | None = None
    stores: list[StoreCard] | None = None
    # true when said unasked, absent otherwise: the store changed an order (README "Your
    # order is ready"). Clients draw attention to it (the widget chimes); it answers no
    # question and asks none.
    notification: StrictBool | None = None
    # The merchant the conversation orders from after this turn (its id), on every message
    # an action sends with a ``custom`` object: the voice channel primes recognition with
    # that merchant's own words, so it follows a switch ("order from Copper Kettle").
    merchant: str | None = None

    def payload(self) -> dict[str, Any]:
        """Plain JSON (what Rasa carries), without the absent keys."""
        return dict(json.loads(self.json(exclude_none=True)))


def merchant_of(messages: Iterable[Mapping[str, Any]]) -> str | None:
    """The merchant in use that a reply says (the last message's ``custom.merchant``), or
    None when no message says one."""
    merchant = None
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, Mapping) and custom.get("merchant"):
            try:
                merchant = Custom.parse_obj(custom).merchant or merchant
            except ValidationError:
                continue  # a card this client cannot read says nothing of the merchant
    return merchant


class ActionCustom(Custom):
    """``custom`` as the action server sends it: a PIN request still says where it goes."""

    secure_input: SecureInputRequest | None = None


class Button(BaseModel):
    """A quick reply: the user sees ``title``; choosing it sends ``payload``."""

    title: str
    payload: str | None = None


class BotMessage(BaseModel):
    """One assistant message as Rasa's channels deliver it; a client that only shows
    ``text`` still works, because every custom message also carries a readable text."""

    recipient_id: str | None = None
    text: str | None = None
    buttons: list[Button] = []
    image: str | None = None
    custom: Custom | None = None


# A device (one connection of a customer's client) as the channels name it: an opaque id,
# chosen by the channel or, on REST, by the client in this header.
DEVICE_HEADER = "X-Orderly-Device"
DEVICE_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


class SharedTurn(BaseModel):
    """A turn the customer took on one of their devices, as their other connected devices
    are shown it: the screen follows the voice (README "One conversation across speaker,
    screen and terminal"). ``said`` is what the customer said as that device showed it (a
    PIN only masked); ``messages`` are the assistant's answer without any PIN request: a PIN
    is asked for on the device that is paying and only there (``pin_asked_there`` says it
    was). The device that took the turn is not told it again."""

    device: constr(regex=DEVICE_PATTERN)  # type: ignore[valid-type]
    channel: str  # where it was taken: voice (voice client, widget), rest (shell), socketio
    said: str
    masked: StrictBool = False
    messages: list[BotMessage] = []
    pin_asked_there: StrictBool = False


class Notifications(BaseModel):
    """What happened in the customer's conversation that this client did not ask for: what
    the store's changes of their orders were said as (``messages``) and the turns taken on
    their other devices (``turns``). The body of the REST channel's ``GET
    /webhooks/rest/notifications`` (empty when nothing happened within the wait) and what one
    Rasa replica passes the others for the customer's clients there."""

    messages: list[BotMessage] = []
    turns: list[SharedTurn] = []


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a bot message, for clients that cannot import these classes."""
    schema = BotMessage.schema()
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$comment": (
            f"Orderly bot messages, version {MESSAGES_VERSION}. Generated from "
            "contracts/bot_messages.py by `python -m tests.contracts.test_bot_message_schema`;"
            " do not edit."
        ),
        **schema,
    }
