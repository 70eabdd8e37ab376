"""Complaints, their withdrawal and restatement, and a yes that names the amount, through the
real parser and the real actions at both merchants (a blind round: "never mind, it's
correct. That's everything" answered "Anything else?", "that's not what I told you" went
to the payment question, "I said a mocha and a matcha latte" kept the latte and doubled the
mocha, "yes, pay the 15 yuan please" was not understood).

The intents are the ones the trained model gives these sentences (or would plausibly
give: tests/nlu/test_trained_model.py checks the model itself); the dialogue must not
depend on DIET telling a withdrawal from a yes.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.actions.conversation import Conversation
from tests.actions.sandbox_talk import SandboxTalk
from tests.actions.test_composed_orders import lines, say


def asked_amount(talk: Conversation) -> int:
    pending: dict[str, Any] = talk.slots["pending_question"]
    return int(pending["subject"]["amount"])


# A complaint taken back in the same breath as finishing: the cart stands, read back.


@pytest.mark.parametrize(
    ("withdrawal", "intent"),
    [
        ("oh sorry, it was right all along. that's everything", "nlu_fallback"),
        ("my bad, the cart is correct, that's it", "affirm"),
        ("never mind, it's fine. nothing else", "deny"),
        ("sorry, my mistake, the order is right, that's all", "change_item"),
    ],
)
async def test_a_withdrawn_complaint_with_a_closing_reads_the_cart_back(
    withdrawal: str, intent: str
) -> None:
    talk = Conversation()
    await say(talk, "a hash brown and a soy milk")
    reply = await say(talk, "hold on, that is not what I wanted", "deny")
    assert "What should I change?" in reply
    reply = await say(talk, withdrawal, intent)
    assert talk.question == "pay", reply
    assert "Shall I pay" in reply
    assert lines(talk) == [("hash-brown", 1, {}), ("soy-milk", 1, {})], reply
    assert talk.backend.charges == []


async def test_a_withdrawn_complaint_at_copper_kettle_reads_the_cart_back(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a mocha and a peppermint rose")
    await copper_kettle.say("nope, that's not what I said", "deny")
    reply = await copper_kettle.say("oops, it was fine after all, that's it", "affirm")
    assert copper_kettle.talk.question == "pay", reply
    assert copper_kettle.lines() == [("mocha", 1, {}), ("peppermint-rose", 1, {})], reply


# A complaint, however it is said, changes nothing and never reads back toward payment.


@pytest.mark.parametrize(
    "complaint",
    ["this isn't what I told you", "no, you heard me wrong", "hmm, I never ordered those"],
)
async def test_a_complaint_changes_nothing_and_asks_what_to_change(complaint: str) -> None:
    talk = Conversation()
    await say(talk, "two youtiao and a latte")
    reply = await say(talk, complaint, "deny")
    assert "What should I change?" in reply
    assert "Shall I pay" not in reply
    assert talk.question != "pay"
    assert lines(talk) == [("youtiao", 2, {}), ("latte", 1, {})], reply
    assert talk.backend.orders_by_id == {}


async def test_a_complaint_at_copper_kettle_changes_nothing(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a cappuccino and an earl grey")
    reply = await copper_kettle.say("that is not what I just told you", "deny")
    assert "What should I change?" in reply and "Shall I pay" not in reply
    assert copper_kettle.lines() == [("cappuccino", 1, {}), ("earl-grey", 1, {})], reply


# A restatement after a complaint is what that misheard message should have been.


async def test_a_restatement_replaces_the_lines_of_the_message_complained_about() -> None:
    talk = Conversation()
    await say(talk, "a hash brown and a soy milk")
    await say(talk, "you got my order wrong", "deny")
    reply = await say(talk, "I said a hash brown and an americano")
    assert lines(talk) == [("hash-brown", 1, {}), ("americano", 1, {})], reply


async def test_a_restatement_keeps_what_was_ordered_before_the_misheard_message() -> None:
    talk = Conversation()
    await say(talk, "a youtiao")
    await say(talk, "a latte and an americano")
    await say(talk, "no, that's not what I asked for", "deny")
    reply = await say(talk, "I wanted a latte and a hash brown")
    assert lines(talk) == [("youtiao", 1, {}), ("latte", 1, {}), ("hash-brown", 1, {})], reply


async def test_a_restatement_at_copper_kettle_neither_doubles_nor_keeps_the_misheard_line(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a cortado and a latte")
    await copper_kettle.say("that's not what I told you", "deny")
    reply = await copper_kettle.say("I said a cortado and a chai latte")
    assert copper_kettle.lines() == [("cortado", 1, {}), ("chai-latte", 1, {})], reply


# A yes naming the amount: the amount asked about confirms it, another pays nothing.


@pytest.mark.parametrize("said", ["yes, go ahead, {} yuan is fine", "sure, pay the {} rmb"])
async def test_a_yes_naming_the_amount_asked_about_pays_it(said: str) -> None:
    talk = Conversation()
    await say(talk, "two youtiao")
    await say(talk, "that's all", "checkout")
    amount = asked_amount(talk)
    reply = await say(talk, said.format(amount // 100), "affirm")
    assert talk.backend.charges and talk.backend.charges[0].amount == amount, reply
    assert "Paid" in reply


@pytest.mark.parametrize("said", ["yes, pay 5 yuan", "ok, ¥80 then"])
async def test_a_yes_naming_another_amount_pays_nothing_and_asks_again(said: str) -> None:
    talk = Conversation()
    await say(talk, "two youtiao")
    await say(talk, "that's all", "checkout")
    reply = await say(talk, said, "affirm")
    assert talk.backend.charges == [], reply
    assert talk.question == "pay"
    assert "not ¥" in reply and "Shall I pay" in reply


async def test_a_yes_naming_the_amount_at_copper_kettle_pays_and_another_does_not(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a cortado, that's all")
    amount = asked_amount(copper_kettle.talk)
    reply = await copper_kettle.say(f"yes, pay ¥{amount // 100 + 3}", "affirm")
    assert "Paid" not in reply and copper_kettle.talk.question == "pay", reply
    reply = await copper_kettle.say(f"yeah, go ahead with the {amount // 100} kuai", "affirm")
    assert "Paid" in reply


# A short option word with one letter wrong before its item is that option, and named.


@pytest.mark.parametrize(
    ("order", "item"), [("one oak mocha", "mocha"), ("an oak cortado please", "cortado")]
)
async def test_a_slip_of_an_option_word_before_the_item_keeps_the_option(
    copper_kettle: SandboxTalk, order: str, item: str
) -> None:
    reply = await copper_kettle.say(order)
    assert [(sku, options.get("milk")) for sku, _, options in copper_kettle.lines()] == [
        (item, "oat")
    ], reply
    assert "oat" in reply.lower()


# "it was ...", like "I said ...": a restatement (a blind round: "it was a small mocha and a
# vanilla steamer" after "that's not what I said" added both again, 2 mochas and 2 steamers).


@pytest.mark.parametrize("intent", ["order_item", "change_item"])
async def test_it_was_restates_the_message_complained_about(intent: str) -> None:
    talk = Conversation()
    await say(talk, "a youtiao")
    await say(talk, "a small latte and a hash brown")
    await say(talk, "hmm, you got that wrong", "deny")
    reply = await say(talk, "it was a large latte and a hash brown", intent)
    assert lines(talk) == [
        ("youtiao", 1, {}),
        ("latte", 1, {"size": "large"}),
        ("hash-brown", 1, {}),
    ], reply


async def test_it_should_have_been_restates_at_copper_kettle(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a latte and a cortado")
    await copper_kettle.say("that's not what I told you", "deny")
    reply = await copper_kettle.say("it should have been an oat latte and a decaf cortado")
    assert copper_kettle.lines() == [
        ("latte", 1, {"milk": "oat"}),
        ("cortado", 1, {"caffeine": "decaf"}),
    ], reply


# The order said plainly right after a complaint, in answer to "What should I change?", is
# a restatement too (a blind round: "one latte and two hash browns" after "hmm no, that's
# not right" added to the two lattes and the hash brown); words that add ("too", "also")
# still add.


async def test_a_plain_order_after_a_complaint_replaces_the_message_complained_about() -> None:
    talk = Conversation()
    await say(talk, "three youtiao and a soy milk")
    await say(talk, "hmm, that's wrong", "deny")
    reply = await say(talk, "two youtiao and two soy milks")
    assert lines(talk) == [("youtiao", 2, {}), ("soy-milk", 2, {})], reply


async def test_a_plain_order_after_a_complaint_at_copper_kettle(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a cortado")
    await copper_kettle.say("two oat lattes")
    await copper_kettle.say("no, you got that wrong", "deny")
    reply = await copper_kettle.say("one oat latte and one almond latte")
    assert copper_kettle.lines() == [
        ("cortado", 1, {}),
        ("latte", 1, {"milk": "oat"}),
        ("latte", 1, {"milk": "almond"}),
    ], reply


async def test_an_item_added_after_a_complaint_still_adds() -> None:
    talk = Conversation()
    await say(talk, "a latte")
    await say(talk, "that's not right", "deny")
    reply = await say(talk, "I also want a hash brown")
    assert lines(talk) == [("latte", 1, {}), ("hash-brown", 1, {})], reply
    await say(talk, "that's not right", "deny")
    reply = await say(talk, "and a youtiao")
    assert lines(talk) == [("latte", 1, {}), ("hash-brown", 1, {}), ("youtiao", 1, {})], reply
