"""An order for more of what was just mentioned, heard by DIET as a removal, through the
real parser and actions at both sandbox merchants. A blind round: "I'll take two of
those" and "give me three of them" (DIET: remove_item) emptied the line they asked for.
An order verb ("take", "give me", "can I get", "another", "more") never removes: a count
"of those" after a question about an item orders that item, after a line was added it is
that line's new count, and "another one", "one more" add to it. The intent passed is the
removal DIET gave; tests/nlu/test_edits_heard_by_the_model.py lets the model choose.
"""

from __future__ import annotations

import pytest

from tests.actions.sandbox_talk import SandboxTalk


async def test_a_count_of_those_after_a_price_question_orders_the_item_asked_about(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("what's the price of a large soy milk?", "ask_price")
    reply = await golden_crumb.say("alright, I'll have three of those", "remove_item")
    assert golden_crumb.lines() == [("soy-milk", 3, {"size": "large"})], reply


@pytest.mark.parametrize(
    "text", ["can you give me two of them", "let me get two of those then", "I want two of them"]
)
async def test_a_count_of_them_with_an_order_verb_is_the_new_count_of_the_line_just_added(
    copper_kettle: SandboxTalk, text: str
) -> None:
    await copper_kettle.say("an earl grey")
    await copper_kettle.say("and an oat cortado")
    reply = await copper_kettle.say(text, "remove_item")
    assert copper_kettle.lines() == [("earl-grey", 1, {}), ("cortado", 2, {"milk": "oat"})], reply


@pytest.mark.parametrize("text", ["another one of those please", "one more of them"])
async def test_another_one_of_those_adds_one_to_the_line_just_added(
    golden_crumb: SandboxTalk, text: str
) -> None:
    await golden_crumb.say("a hash brown")
    await golden_crumb.say("and a large americano")
    reply = await golden_crumb.say(text, "remove_item")
    assert golden_crumb.lines() == [
        ("hash-brown", 1, {}),
        ("americano", 2, {"size": "large"}),
    ], reply


async def test_another_one_of_those_heard_as_an_order_adds_one(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("two iced mochas")
    reply = await copper_kettle.say("and another one of those", "order_item")
    assert copper_kettle.lines() == [("mocha", 3, {"temperature": "iced"})], reply


async def test_a_removal_verb_over_those_still_removes(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("three cappuccinos")
    reply = await copper_kettle.say("take two of those off please", "remove_item")
    assert copper_kettle.lines() == [("cappuccino", 1, {})], reply


@pytest.mark.parametrize("text", ["I didn't order two of those", "I never asked for three of them"])
async def test_a_count_of_those_denied_changes_nothing(
    golden_crumb: SandboxTalk, text: str
) -> None:
    """Not an order and not a removal: a complaint, which changes nothing and asks."""
    await golden_crumb.say("a cola and a hash brown")
    reply = await golden_crumb.say(text, "remove_item")
    assert golden_crumb.lines() == [("cola", 1, {}), ("hash-brown", 1, {})], reply
