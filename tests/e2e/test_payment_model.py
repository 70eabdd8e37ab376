"""Model-based test of issue 10: no sequence of customer acts moves money it shouldn't.

A Hypothesis state machine talks to the running assistant (REST channel, Golden Crumb,
the fixed morning clock of tests/conftest.py) with random customer acts, and after every
step reads the merchant platform as the action server does for that customer:

- every captured payment follows a "yes" to the readback question of that order with
  that amount (or the right PIN at the PIN prompt that such a "yes" led to);
- every refund follows a "yes" to a cancel question naming that order;
- balance = 500.00 - captured + refunded, and an order has at most one capture;
- the PINs said (the sandbox PIN and the wrong ones) are in no file the services wrote.

The model is small: what the assistant last asked (``custom.expect`` plus the order and
amount it named) and what the customer said. Two conversations run interleaved: every
channel derives the conversation from the token's ``sub`` (REST, voice, widget), so two
connections of one customer are one Rasa conversation; the second conversation is a
second customer, and "a new session" (what a client starts after the session expired)
is an act of its own. A violation prints the whole conversation so far.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from launch.stack import Stack
from tests.customer import Customer
from tests.pins_at_rest import StoreScan

pytestmark = pytest.mark.slow

# The customers' own PIN (each chose it, as customers do) and wrong ones.
PIN = "724086"
WRONG_PINS = ("159273", "380941")
START_BALANCE = 50000
SECRETS = [PIN, *WRONG_PINS]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
YES = ["yes", "yes please", "yeah", "sure, go ahead"]
NO = ["no", "nope"]
DONE = ["that's all", "check out", "no thanks"]
CANCEL = ["cancel my order", "I want to cancel my order"]
STATUS = ["where is my order", "what's the status of my order"]
UNRELATED = ["what's the weather like", "tell me a joke", "blorf wibble", "talk to a person"]
# Orders over the voice-pay limit (100.00), so the PIN prompt is reachable.
BIG_ORDERS = ["six large lattes", "nine egg and sausage muffins"]

PAY_QUESTION = re.compile(r"pay ¥([\d,]+\.\d\d) for order (\d+)", re.IGNORECASE)
CANCEL_QUESTION = re.compile(r"Cancel order (\d+) \(¥([\d,]+\.\d\d)\)")


def fen(yuan: str) -> int:
    whole, cents = yuan.replace(",", "").split(".")
    return int(whole) * 100 + int(cents)


def spoken_pin(pin: str, form: str, order_id: str | None) -> str:
    """The PIN as a customer or a speech recogniser might write it."""
    if form == "words":
        return " ".join(NUMBER_WORDS[int(d)] for d in pin)
    if form == "spaced":
        return " ".join(pin)
    if form == "commas":
        return ", ".join(pin) + " please"
    if form == "fullwidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in pin)
    if form == "sentence":
        return f"my pin is {pin} please"
    if form == "for-order":
        return f"{pin} for order {order_id or '1001'}"
    return pin


PIN_FORMS = ["digits", "words", "spaced", "commas", "fullwidth", "sentence", "for-order"]


@dataclass(frozen=True)
class Question:
    kind: str  # custom.expect: pay, cancel, pin, more_or_done, option, check_item, store_time
    order_id: str | None = None
    amount: int | None = None


@dataclass
class Turn:
    who: str
    act: str
    said: str
    reply: str
    asked: Question | None


@dataclass
class Party:
    """One customer of the model: what they said, what the assistant last asked them."""

    customer: Customer
    label: str
    asked: Question | None = None
    last_said: str | None = None
    last_act: str | None = None
    captured: set[str] = field(default_factory=set)  # payment ids seen captured
    refunded: set[str] = field(default_factory=set)  # payment ids seen refunded


def question_of(replies: list[dict[str, Any]], previous: Question | None) -> Question | None:
    """What the assistant asked in this reply: its ``expect`` and the subject it named."""
    kind = None
    readback = None
    for message in replies:
        custom = message.get("custom") or {}
        if isinstance(custom, dict):
            kind = custom.get("expect") or ("pin" if custom.get("secure_input") else kind)
            readback = custom.get("readback") or readback
    if kind is None:
        return None
    text = " ".join(str(m.get("text") or "") for m in replies)
    if kind == "pay":
        if readback:
            return Question("pay", str(readback["order_id"]), int(readback["total"]))
        match = PAY_QUESTION.search(text)
        if match:
            return Question("pay", match.group(2), fen(match.group(1)))
        return Question("pay")
    if kind == "cancel":
        match = CANCEL_QUESTION.search(text)
        if match:
            return Question("cancel", match.group(1), fen(match.group(2)))
        return Question("cancel")
    if kind == "pin":
        # The prompt names no order: it is for the payment the customer just agreed to.
        if previous is not None and previous.kind in ("pay", "pin"):
            return Question("pin", previous.order_id, previous.amount)
        return Question("pin")
    return Question(str(kind))


class PaymentConversations(RuleBasedStateMachine):
    stack: ClassVar[Stack]
    menu: ClassVar[list[dict[str, Any]]]
    # One scan for the whole run: it remembers what it read, so each scan reads what changed.
    stores: ClassVar[StoreScan]

    def __init__(self) -> None:
        super().__init__()
        self.parties = [self._party("A"), self._party("B")]
        self.current = 0
        self.transcript: list[Turn] = []

    def _party(self, label: str) -> Party:
        sender = f"model-{uuid.uuid4().hex[:12]}"  # holds no PIN as a whole token
        return Party(Customer.with_own_pin(self.stack, PIN, sender=sender), label)

    @property
    def party(self) -> Party:
        return self.parties[self.current]

    # --- talking -------------------------------------------------------------------------

    def say(self, act: str, text: str) -> None:
        party = self.party
        before = party.asked
        reply = party.customer.say(text)
        party.asked = question_of(party.customer.replies, before)
        party.last_said, party.last_act = text, act
        self.transcript.append(Turn(party.label, act, text, reply, before))
        self.check_money(act, before)

    def conversation(self) -> str:
        lines = []
        for turn in self.transcript:
            asked = f"   [answering {turn.asked}]" if turn.asked else ""
            lines.append(f"{turn.who}> {turn.said!r} ({turn.act}){asked}")
            lines.append(f"   bot: {turn.reply}")
        senders = ", ".join(f"{p.label}={p.customer.sender}" for p in self.parties)
        return f"customers {senders}\n" + "\n".join(lines)

    def fail(self, problem: str) -> None:
        raise AssertionError(f"{problem}\n--- the conversation so far ---\n{self.conversation()}")

    # --- customer acts -------------------------------------------------------------------

    @initialize(
        text=st.sampled_from(
            ["a hash brown", "two colas", "a large latte", "a youtiao", *BIG_ORDERS]
        )
    )
    def start_with_something_in_the_cart(self, text: str) -> None:
        self.say("add", text)

    # Random acts alone rarely reach a payment: a customer who goes along with the question
    # just asked (three rules, so it is drawn as often as it would be in real life; every
    # other rule still says anything at any time).
    def go_along(self, data: st.DataObject) -> None:
        asked = self.party.asked
        kind = asked.kind if asked else None
        if kind == "more_or_done":
            self.say("check out", data.draw(st.sampled_from(DONE), label="done"))
        elif kind == "pin":
            form = data.draw(st.sampled_from(PIN_FORMS), label="form")
            right = data.draw(st.sampled_from([True, True, False]), label="right")
            pin = PIN if right else WRONG_PINS[0]
            order_id = asked.order_id if asked else None
            self.say("right pin" if right else "wrong pin", spoken_pin(pin, form, order_id))
        else:
            self.say("yes", data.draw(st.sampled_from(YES), label="yes"))

    @precondition(lambda self: self.party.asked is not None)
    @rule(data=st.data())
    def go_along_1(self, data: st.DataObject) -> None:
        self.go_along(data)

    @precondition(lambda self: self.party.asked is not None)
    @rule(data=st.data())
    def go_along_2(self, data: st.DataObject) -> None:
        self.go_along(data)

    @precondition(lambda self: self.party.asked is not None)
    @rule(data=st.data())
    def go_along_3(self, data: st.DataObject) -> None:
        self.go_along(data)

    @rule(
        data=st.data(),
        quantity=st.integers(1, 3),
        in_words=st.booleans(),
        template=st.sampled_from(["{q} {item}", "can I get {q} {item}", "add {q} {item}"]),
    )
    def add_item(self, data: st.DataObject, quantity: int, in_words: bool, template: str) -> None:
        item = data.draw(st.sampled_from(self.menu), label="item")
        name = data.draw(st.sampled_from([item["name"], *item.get("aliases", [])[:3]]))
        sizes = [g for g in item.get("options", []) if g["id"] == "size"]
        size = ""
        if sizes:
            choice = data.draw(st.sampled_from([None, *sizes[0]["choices"]]), label="size")
            size = f"{choice['name'].lower()} " if choice else ""
        count = NUMBER_WORDS[quantity] if in_words else str(quantity)
        if quantity == 1 and in_words:
            count = "a"
        self.say("add", template.format(q=count, item=f"{size}{name}"))

    @rule(text=st.sampled_from(BIG_ORDERS))
    def add_a_big_order(self, text: str) -> None:
        self.say("add", text)

    @rule(data=st.data(), template=st.sampled_from(["remove the {}", "no {}", "take off the {}"]))
    def remove_item(self, data: st.DataObject, template: str) -> None:
        item = data.draw(st.sampled_from(self.menu), label="item")
        self.say("remove", template.format(item["name"].lower()))

    @rule(
        data=st.data(),
        template=st.sampled_from(["make the {} large", "change the {} to two", "make it two"]),
    )
    def change_item(self, data: st.DataObject, template: str) -> None:
        item = data.draw(st.sampled_from(self.menu), label="item")
        self.say("change", template.format(item["name"].lower()))

    @rule(text=st.sampled_from(DONE))
    def check_out(self, text: str) -> None:
        self.say("check out", text)

    @rule(text=st.sampled_from(YES))
    def yes(self, text: str) -> None:
        self.say("yes", text)

    @rule(text=st.sampled_from(NO))
    def no(self, text: str) -> None:
        self.say("no", text)

    @rule(text=st.sampled_from(CANCEL))
    def cancel(self, text: str) -> None:
        self.say("cancel", text)

    @rule(text=st.sampled_from(STATUS))
    def status(self, text: str) -> None:
        self.say("status", text)

    @rule(form=st.sampled_from(PIN_FORMS))
    def right_pin(self, form: str) -> None:
        order_id = self.party.asked.order_id if self.party.asked else None
        self.say("right pin", spoken_pin(PIN, form, order_id))

    @rule(pin=st.sampled_from(WRONG_PINS), form=st.sampled_from(PIN_FORMS))
    def wrong_pin(self, pin: str, form: str) -> None:
        order_id = self.party.asked.order_id if self.party.asked else None
        self.say("wrong pin", spoken_pin(pin, form, order_id))

    @rule(text=st.sampled_from(UNRELATED))
    def unrelated(self, text: str) -> None:
        self.say("unrelated", text)

    @precondition(lambda self: self.party.last_said is not None)
    @rule()
    def repeat(self) -> None:
        party = self.party
        self.say(f"repeat of {party.last_act}", str(party.last_said))

    @rule()
    def new_session(self) -> None:
        """What a client sends when it starts a new session of the same conversation."""
        self.say("new session", "/session_start")

    @rule()
    def switch_customer(self) -> None:
        """The other customer speaks next: their conversations must not touch each other."""
        self.current = 1 - self.current

    # --- invariants ----------------------------------------------------------------------

    def check_money(self, act: str, asked: Question | None) -> None:
        """After a step of ``self.party``: what the platform holds for every customer."""
        for party in self.parties:
            spoke = party is self.party
            orders = party.customer.orders()
            captured_total = 0
            refunded_total = 0
            for order in orders:
                order_id = str(order["id"])
                payments = party.customer.payments(order_id)
                captures = [p for p in payments if p["status"] in ("captured", "refunded")]
                if len(captures) > 1:
                    self.fail(f"order {order_id} of {party.label} has {len(captures)} captures")
                for payment in captures:
                    captured_total += int(payment["amount"])
                    if payment["id"] not in party.captured:
                        party.captured.add(payment["id"])
                        self.check_capture(party, spoke, act, asked, order, payment)
                    if payment["status"] == "refunded":
                        refunded_total += int(payment["amount"])
                        if payment["id"] not in party.refunded:
                            party.refunded.add(payment["id"])
                            self.check_refund(party, spoke, act, asked, order_id)
                if order["status"] == "paid" and not captures:
                    self.fail(f"order {order_id} of {party.label} is paid without a payment")
            balance = party.customer.balance()
            expected = START_BALANCE - captured_total + refunded_total
            if balance != expected:
                self.fail(
                    f"{party.label}'s balance is {balance}, expected 50000 - {captured_total} "
                    f"captured + {refunded_total} refunded = {expected}"
                )

    def check_capture(
        self,
        party: Party,
        spoke: bool,
        act: str,
        asked: Question | None,
        order: dict[str, Any],
        payment: dict[str, Any],
    ) -> None:
        order_id, amount = str(order["id"]), int(payment["amount"])
        readback = Question("pay", order_id, amount)
        after_yes = act.endswith("yes") and asked == readback
        after_pin = act.endswith("right pin") and asked == Question("pin", order_id, amount)
        if not spoke or not (after_yes or after_pin):
            self.fail(
                f"{party.label}'s order {order_id} was charged {amount} after "
                f"{act!r} answering {asked}: a capture must follow a yes to {readback}"
            )
        if amount != int(order["total"]):
            self.fail(f"order {order_id} totals {order['total']} but {amount} was charged")

    def check_refund(
        self, party: Party, spoke: bool, act: str, asked: Question | None, order_id: str
    ) -> None:
        named = asked is not None and asked.kind == "cancel" and asked.order_id == order_id
        if not spoke or not act.endswith("yes") or not named:
            self.fail(
                f"{party.label}'s order {order_id} was refunded after {act!r} answering "
                f"{asked}: a refund must follow a yes to the cancel question of that order"
            )

    @invariant()
    def no_pin_at_rest(self) -> None:
        """Every few steps, and at the end of every example (see teardown), scan the stores."""
        if len(self.transcript) % 5 == 4:
            self.scan_stores()

    def teardown(self) -> None:
        if os.environ.get("ORDERLY_MODEL_SHOW"):
            print(self.conversation(), flush=True)
        if self.transcript:
            self.scan_stores()

    def scan_stores(self) -> None:
        """Every file the services wrote, as far as it changed since the last scan.

        A PIN fails the example that wrote it, so a replay of the failing example fails the
        same way (tests/pins_at_rest.py).
        """
        leaks = self.stores.new_leaks()
        if leaks:
            self.fail("a PIN is stored:\n" + "\n".join(leaks))


def live_menu(stack: Stack) -> list[dict[str, Any]]:
    response = httpx.get(f"{stack.config.merchant_url}/merchants/golden-crumb/menu", timeout=10)
    response.raise_for_status()
    return [item for item in response.json()["items"] if item.get("available", True)]


def test_no_sequence_of_customer_acts_moves_money_it_should_not(running_stack: Stack) -> None:
    PaymentConversations.stack = running_stack
    PaymentConversations.menu = live_menu(running_stack)
    PaymentConversations.stores = StoreScan(running_stack.config.data_dir, *SECRETS)
    run_state_machine_as_test(
        PaymentConversations,
        settings=settings(
            max_examples=int(os.environ.get("ORDERLY_MODEL_EXAMPLES", "200")),
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # The scan means something: the tracker does hold what the customers said.
    tracker = running_stack.config.tracker_db
    stored = b"".join(p.read_bytes() for p in tracker.parent.glob(tracker.name + "*"))
    assert b"hash brown" in stored.lower()
