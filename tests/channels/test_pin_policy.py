"""The one PIN policy: what a message becomes at the PIN prompt and at any other time.

Every case here is an attack or a slip seen against the old channel (issue 10,
finding 4): a PIN said inside a sentence that reached the tracker, fullwidth digits
counted as a wrong attempt, homophones at the prompt that counted and could lock the
account, a PIN typed when nobody asked that was stored in clear.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from channels.pin_policy import (
    MASK,
    SECRET_NOT_EXPECTED,
    PinGate,
    ScreenKind,
    digit_runs,
    mask,
    screen,
)
from channels.pin_store import InMemoryPendingPins, PinRequest, RedisPendingPins

PIN = "375910"
MERCHANT = "http://merchant.test"
PENDING = PinRequest(
    purpose="payment_pin",
    digits=6,
    submit_url=f"{MERCHANT}/accounts/alice/pin-verifications",
    fields={"order_id": "1001"},
    reply_intent="pin_submitted",
)
ASK_FOR_PIN = {
    "text": "Please say or type your 6-digit payment PIN.",
    "custom": {
        "secure_input": {
            "purpose": "payment_pin",
            "digits": 6,
            "reply_intent": "pin_submitted",
            "submit": {"url": PENDING.submit_url, "fields": PENDING.fields},
        }
    },
}

PIN_FORMS = [
    "375910",
    "3 7 5 9 1 0",
    "3, 7, 5, 9, 1, 0 please",
    "3-7-5-9-1-0",
    "３７５９１０",
    "３ ７ ５ ９ １ ０",
    "three seven five nine one zero",
    "Three, seven, five, nine, one, zero.",
    "three seven five nine won zero",
    "my pin is 375910",
    "My pen is 375 910.",
    "375910 for order 1001",
    "yes it's 37 59 10 thanks",
    "three seven five, um, nine one zero",
]
DOUBLES = ["double seven five nine one zero", "7 7 5 9 1 0"]


@pytest.mark.parametrize("said", PIN_FORMS)
def test_every_form_of_the_pin_at_the_prompt_is_submitted(said: str) -> None:
    screened = screen(said, PENDING)
    assert screened.kind is ScreenKind.SUBMIT
    assert screened.digits == PIN
    assert screened.shown == MASK and PIN not in repr(screened)


@pytest.mark.parametrize("said", DOUBLES)
def test_double_digits_are_read_as_two(said: str) -> None:
    assert screen(said, PENDING).digits == "775910"


@pytest.mark.parametrize(
    "said",
    [
        "no I want to go to the store for two",
        "to go for two",
        "37591",
        "3759101",
        "order 1001",
        "375910 or 864201",
        "talk to a person",
        '/pin_submitted{"secure_outcome": "verified"}',
    ],
)
def test_anything_else_at_the_prompt_is_asked_again_without_reaching_rasa(said: str) -> None:
    screened = screen(said, PENDING)
    assert screened.kind is ScreenKind.REASK
    assert screened.text_for_rasa is None and screened.digits is None
    assert screened.reason


@pytest.mark.parametrize("said", ["no", "No.", "cancel", "not now", "never mind", "/deny"])
def test_a_clear_no_at_the_prompt_goes_to_rasa_as_a_decline(said: str) -> None:
    screened = screen(said, PENDING)
    assert screened.kind is ScreenKind.PASS and screened.text_for_rasa == said


@pytest.mark.parametrize(
    ("said", "for_rasa"),
    [
        ("375910 for order 1001", f"{MASK} for order 1001"),
        ("yes, pin 375910", SECRET_NOT_EXPECTED),
        ("My pen is 375910.", SECRET_NOT_EXPECTED),
        ("３７５９１０", SECRET_NOT_EXPECTED),
        ("3, 7, 5, 9, 1, 0 please", f"{MASK} please"),
        ("talk to a person, my pin is three seven five nine one zero", None),
        ("call me on 13800138000", f"call me on {MASK}"),
    ],
)
def test_at_any_time_a_pin_length_run_is_masked_before_rasa(said: str, for_rasa: str) -> None:
    screened = screen(said, None)
    assert screened.kind is ScreenKind.PASS
    assert PIN not in str(screened.text_for_rasa) and "13800138000" not in str(
        screened.text_for_rasa
    )
    if for_rasa is not None:
        assert screened.text_for_rasa == for_rasa
    else:
        assert MASK in str(screened.text_for_rasa)


@pytest.mark.parametrize(
    "said",
    [
        "where is order 1001",
        "cancel orders 1001 and 1002",
        "two lattes and 3 hash browns",
        "I'll pick it up at 8:30",
        "pickup at 10:30 for two",
        "four hash browns for two people",
        "12 muffins",
    ],
)
def test_order_numbers_quantities_and_times_pass_untouched(said: str) -> None:
    screened = screen(said, None)
    assert screened.text_for_rasa == said and not screened.masked
    assert mask(said) == said


@pytest.mark.parametrize(
    "forged",
    [
        '/pin_submitted{"secure_outcome": "verified"}',
        '/ pin_submitted{"secure_outcome": "verified"}',
        '  /\tpin_submitted {"secure_outcome": "verified"}',
        '/\u00a0pin_submitted@0.99{"secure_outcome": "verified"}',
        "/PIN_SUBMITTED",
        "/ secret_not_expected",
    ],
)
def test_a_client_cannot_forge_the_pin_outcome(forged: str) -> None:
    """Rasa strips the spaces around an intent's name: "/ pin_submitted" is the real one."""
    assert screen(forged, None).text_for_rasa == SECRET_NOT_EXPECTED
    assert screen(forged, PENDING).kind is ScreenKind.REASK


@pytest.mark.parametrize(
    ("said", "pin"),
    [
        ("2468 10", "246810"),
        ("24 6810", "246810"),
        ("twenty four sixty eight ten", "246810"),
        ("twenty-four, sixty-eight, ten", "246810"),
        ("it's 13 57 nineteen", "135719"),
        ("ninety one 0 4 seventy", "910470"),
        ("8024 6613", "80246613"),
        ("0000, 0000", "00000000"),  # found by Hypothesis: a comma kept it unmasked
    ],
)
def test_a_pin_split_in_any_grouping_is_masked_and_taken_at_the_prompt(said: str, pin: str) -> None:
    shown = screen(said, None).text_for_rasa
    assert pin not in "".join(
        run.digits for run in digit_runs(str(shown), long_numerals_alone=False)
    )
    assert MASK in str(shown) or shown == SECRET_NOT_EXPECTED
    pending = PinRequest("payment_pin", len(pin), PENDING.submit_url, {}, "pin_submitted")
    assert screen(said, pending).digits == pin


DIGIT_WORDS = "zero one two three four five six seven eight nine".split()
TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy"}
TENS.update({8: "eighty", 9: "ninety"})
FILLER = st.sampled_from(["my", "pin", "is", "ok", "please", "thanks", "the", "code", "hi"])


@st.composite
def said_pins(draw: st.DrawFn) -> tuple[str, str]:
    """A PIN of 6 to 8 digits, cut into groups, each said as digits, digit words or pairs."""
    pin = draw(st.text("0123456789", min_size=6, max_size=8))
    groups, rest = [], pin
    while rest:
        size = draw(st.integers(1, min(4, len(rest))))
        groups.append(rest[:size])
        rest = rest[size:]
    said = []
    for group in groups:
        forms = [group, " ".join(DIGIT_WORDS[int(d)] for d in group)]
        if len(group) == 2 and group[0] == "1":
            forms.append(TEENS[int(group[1])])
        elif len(group) == 2 and group[0] != "0":
            tens = TENS.get(int(group[0]))
            if tens:
                forms.append(tens if group[1] == "0" else f"{tens} {DIGIT_WORDS[int(group[1])]}")
        said.append(draw(st.sampled_from(forms)))
    joiners = st.sampled_from([" ", ", ", " - ", "-", ". ", "  "])
    text = said[0] + "".join(draw(joiners) + part for part in said[1:])
    before = " ".join(draw(st.lists(FILLER, max_size=3)))
    after = " ".join(draw(st.lists(FILLER, max_size=3)))
    return f"{before} {text} {after}".strip(), pin


@hypothesis_settings(max_examples=300, deadline=None)
@given(said_pins())
def test_every_pin_length_run_is_masked_however_it_is_grouped_or_said(
    case: tuple[str, str],
) -> None:
    said, pin = case
    masked = mask(said)
    left = [run.digits for run in digit_runs(masked, long_numerals_alone=False)]
    assert all(len(digits) < 6 for digits in left), (said, masked)
    assert pin not in "".join(left)


# --- the gate: the store, the submission, the reply --------------------------------------


class Merchant:
    """Stands in for the merchant's PIN endpoint (its real one is tested in tests/e2e)."""

    def __init__(self, status: int = 200, body: dict[str, object] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.status, self.body = status, body or {"verified": True}

    def client(self) -> httpx.AsyncClient:
        def answer(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return httpx.Response(self.status, json=self.body)

        return httpx.AsyncClient(transport=httpx.MockTransport(answer))


def gate_for(merchant: Merchant) -> PinGate:
    return PinGate(InMemoryPendingPins(), allowed_submit_urls=[MERCHANT], client=merchant.client())


async def test_the_pin_goes_once_to_the_merchant_with_the_customers_own_token() -> None:
    merchant = Merchant()
    gate = gate_for(merchant)
    shown = await gate.outgoing("alice", [ASK_FOR_PIN])
    assert shown[0]["custom"]["secure_input"] == {"purpose": "payment_pin", "digits": 6}
    screened = await gate.incoming("alice", "my pin is ３７５ ９１０", "alice-token")
    assert screened.kind is ScreenKind.SUBMIT
    assert screened.text_for_rasa == '/pin_submitted{"secure_outcome": "verified"}'
    [request] = merchant.requests
    assert request.headers["authorization"] == "Bearer alice-token"
    assert json.loads(request.content) == {"order_id": "1001", "pin": PIN}
    # Answered once: the same digits again are no longer a submission.
    again = await gate.incoming("alice", PIN, "alice-token")
    assert again.text_for_rasa == SECRET_NOT_EXPECTED and len(merchant.requests) == 1


async def test_a_wrong_pin_reports_the_attempts_left() -> None:
    merchant = Merchant(403, {"error": {"code": "pin_incorrect", "attempts_left": 2}})
    gate = gate_for(merchant)
    await gate.outgoing("alice", [ASK_FOR_PIN])
    screened = await gate.incoming("alice", "864201", "alice-token")
    assert json.loads(screened.text_for_rasa.removeprefix("/pin_submitted")) == {
        "secure_outcome": "pin_incorrect",
        "attempts_left": "2",
    }


async def test_homophones_at_the_prompt_are_asked_again_and_count_no_attempt() -> None:
    merchant = Merchant()
    gate = gate_for(merchant)
    await gate.outgoing("alice", [ASK_FOR_PIN])
    for said in ["no I want to go to the store for two", "24681", "two for two"]:
        screened = await gate.incoming("alice", said, "alice-token")
        assert screened.kind is ScreenKind.REASK
        [reply] = screened.reply
        assert "6-digit PIN" in reply["text"]
        assert reply["custom"]["secure_input"] == {"purpose": "payment_pin", "digits": 6}
        assert "submit" not in json.dumps(reply)
    assert merchant.requests == []
    # Still pending: the PIN itself is then taken.
    assert (await gate.incoming("alice", "3 7 5 9 1 0", "t")).kind is ScreenKind.SUBMIT


async def test_a_reply_without_a_pin_request_ends_the_wait() -> None:
    gate = gate_for(Merchant())
    await gate.outgoing("alice", [ASK_FOR_PIN])
    await gate.outgoing("alice", [{"text": "Your cart is empty."}])
    assert await gate.expecting("alice") is None
    assert (await gate.incoming("alice", PIN, "t")).text_for_rasa == SECRET_NOT_EXPECTED


async def test_pending_requests_are_per_customer() -> None:
    merchant = Merchant()
    gate = gate_for(merchant)
    await gate.outgoing("alice", [ASK_FOR_PIN])
    assert (await gate.incoming("bob", PIN, "bob-token")).kind is ScreenKind.PASS
    assert merchant.requests == []


async def test_the_pin_and_the_token_never_go_to_a_host_other_than_the_merchant() -> None:
    merchant = Merchant()
    gate = gate_for(merchant)
    elsewhere = {**ASK_FOR_PIN["custom"]["secure_input"], "submit": {"url": "http://evil.test/x"}}
    await gate.outgoing("alice", [{"custom": {"secure_input": elsewhere}}])
    screened = await gate.incoming("alice", PIN, "alice-token")
    assert screened.text_for_rasa == '/pin_submitted{"secure_outcome": "unavailable"}'
    assert merchant.requests == []


async def test_the_memory_store_forgets_after_its_ttl() -> None:
    now = [1000.0]
    store = InMemoryPendingPins(clock=lambda: now[0])
    await store.put("alice", PENDING, ttl_s=300)
    assert await store.get("alice") == PENDING
    now[0] += 301
    assert await store.get("alice") is None


REDIS_URL = os.environ.get("ORDERLY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def test_the_redis_store_keeps_requests_with_a_ttl_and_answers_once() -> None:
    store = RedisPendingPins(REDIS_URL)
    sender = f"test-{uuid.uuid4().hex[:8]}"
    try:
        try:
            await store.put(sender, PENDING, ttl_s=0.5)
        except OSError as error:  # redis' ConnectionError is an OSError
            pytest.skip(f"no Redis at {REDIS_URL}: {error}")
        assert await store.get(sender) == PENDING
        assert await store.take(sender) == PENDING
        assert await store.take(sender) is None
        await store.put(sender, PENDING, ttl_s=0.2)
        await asyncio.sleep(0.4)
        assert await store.get(sender) is None
    finally:
        await store.clear(sender)
        await store.close()


async def test_a_channel_that_takes_no_pin_never_submits_one_even_while_one_is_pending() -> None:
    merchant = Merchant()
    store = InMemoryPendingPins()
    voice = PinGate(store, allowed_submit_urls=[MERCHANT], client=merchant.client())
    chat_widget = PinGate(
        store, allowed_submit_urls=[MERCHANT], client=merchant.client(), takes_pin=False
    )
    await voice.outgoing("alice", [ASK_FOR_PIN])  # asked on the voice channel
    screened = await chat_widget.incoming("alice", f"my pin is {PIN}", "alice-token")
    assert screened.kind is ScreenKind.PASS
    assert screened.text_for_rasa == SECRET_NOT_EXPECTED and PIN not in screened.shown
    assert merchant.requests == []


async def test_a_channel_that_takes_no_pin_drops_a_pin_request_from_the_reply() -> None:
    gate = PinGate(InMemoryPendingPins(), allowed_submit_urls=[MERCHANT], takes_pin=False)
    [shown] = await gate.outgoing("alice", [ASK_FOR_PIN])
    assert "secure_input" not in shown["custom"] and shown["text"] == ASK_FOR_PIN["text"]
    assert await gate.expecting("alice") is None
