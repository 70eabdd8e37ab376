"""A short typo a dropped or doubled letter from exactly one item is that item, unasked.

A blind round: "a decaf machiato and an iced moca" added the Macchiato but asked "Did you
mean an iced Mocha?"; the customer said "that's all" and was asked again. "moca" is one
letter from the Mocha (and from its aliases "moka", "mocka") and two or more from anything
else starting alike, so it is taken, and the reply names what was added for the customer
to correct. Weaker or shared near misses are still asked about. Other words here.
"""

from __future__ import annotations

from tests.actions.sandbox_talk import SandboxTalk


async def test_a_dropped_letter_in_a_short_name_adds_that_item_and_names_it(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("a decaf cortado and an oat moha please")
    assert copper_kettle.lines() == [
        ("cortado", 1, {"caffeine": "decaf"}),
        ("mocha", 1, {"milk": "oat"}),
    ], reply
    assert "Mocha" in reply and "Did you mean" not in reply, reply
    assert copper_kettle.talk.question == "more_or_done", reply


async def test_a_letter_dropped_from_an_alias_adds_that_item(copper_kettle: SandboxTalk) -> None:
    # "capy": the Cappuccino's alias "cappy" with a letter dropped
    reply = await copper_kettle.say("a latte and a capy with oat milk")
    assert copper_kettle.lines() == [("latte", 1, {}), ("cappuccino", 1, {"milk": "oat"})], reply
    assert "Did you mean" not in reply, reply


async def test_a_short_typo_near_two_items_is_still_asked_about(
    copper_kettle: SandboxTalk,
) -> None:
    # "mcha": a letter from the Mocha, two from the Matcha: no guess without asking.
    reply = await copper_kettle.say("a large mcha")
    assert copper_kettle.lines() == [], reply
    assert "Did you mean" in reply, reply


async def test_a_short_everyday_word_near_an_item_is_still_asked_about(
    golden_crumb: SandboxTalk,
) -> None:
    reply = await golden_crumb.say("a hash brown and a late")
    assert golden_crumb.lines() == [("hash-brown", 1, {})], reply
    assert "Did you mean a Latte?" in reply, reply


async def test_done_past_a_pending_guess_then_yes_adds_it_and_goes_on_to_pay(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a decaf latte and a large mcha")
    reply = await copper_kettle.say("ok that's everything", "checkout")
    assert "wasn't sure about" in reply and copper_kettle.talk.question == "check_item", reply
    reply = await copper_kettle.say("yes", "affirm")
    assert copper_kettle.lines() == [
        ("latte", 1, {"caffeine": "decaf"}),
        ("mocha", 1, {"size": "large"}),
    ], reply
    assert "Shall I pay" in reply and copper_kettle.talk.question == "pay", reply
    reply = await copper_kettle.say("yes", "affirm")
    assert reply.startswith("Paid"), reply
