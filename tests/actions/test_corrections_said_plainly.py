"""Corrections said without an edit verb, through the real parser and the real actions at
Golden Crumb's sandbox merchant (its own lexicon): "no wait, large fries" right after fries
were added, "the drink should be a soy milk" about a combo, "no actually three" at
"anything else?", "no wait, add a hash brown" at the readback (issue 15 §1: a correction
without an item name applies to the line under discussion; an edit never adds, and an
addition is never read as an edit). Found by probing with new sentences; each added a line
or read back the old order."""

from __future__ import annotations

from tests.actions.sandbox_talk import SandboxTalk


async def test_no_wait_with_an_option_for_an_item_just_added_changes_that_line(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("one chicken burger and some fries")
    reply = await golden_crumb.say("oh wait, big fries")
    assert golden_crumb.lines() == [("chicken-burger", 1, {}), ("fries", 1, {"size": "large"})], (
        reply
    )


async def test_the_drink_should_be_an_item_sets_the_combos_drink_and_adds_no_line(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("I'll take a breakfast set")
    reply = await golden_crumb.say("the drink should be soya milk")
    assert golden_crumb.lines() == [("breakfast-combo", 1, {"drink": "soy-milk"})], reply


async def test_no_actually_with_a_count_at_anything_else_sets_the_count(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("five youtiao")
    reply = await golden_crumb.say("no actually four", "deny")
    assert golden_crumb.lines() == [("youtiao", 4, {})], reply
    assert golden_crumb.talk.question == "more_or_done", reply


async def test_no_wait_add_an_item_at_the_readback_adds_it(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a cafe latte")
    await golden_crumb.say("that is everything", "checkout")
    reply = await golden_crumb.say("no wait, could you add a hashbrown", "deny")
    assert golden_crumb.lines() == [("latte", 1, {}), ("hash-brown", 1, {})], reply


async def test_a_no_with_only_a_count_at_anything_else_sets_the_count(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("three colas please")
    reply = await golden_crumb.say("nope, only two", "deny")
    assert golden_crumb.lines() == [("cola", 2, {})], reply
    assert golden_crumb.talk.question == "more_or_done", reply


async def test_an_edit_verb_over_an_item_in_the_cart_sets_it_even_heard_as_an_order(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("two cafe lattes and one youtiao")
    reply = await golden_crumb.say("hmm, change the lattes to three")
    assert golden_crumb.lines() == [("latte", 3, {}), ("youtiao", 1, {})], reply


async def test_make_me_more_of_an_item_in_the_cart_still_adds(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a cafe latte")
    reply = await golden_crumb.say("could you make me two more lattes")
    assert golden_crumb.lines() == [("latte", 3, {})], reply
