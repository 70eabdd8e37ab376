"""Edits in words an eleventh blind round used and the dialogue did not know (issue 15
§1), with other sentences than the round's: "I don't need X", "size up", "my X bigger",
and a start-over said alone or with "scratch".
"""

from __future__ import annotations

import pytest

from tests.actions.sandbox_talk import SandboxTalk


@pytest.mark.parametrize("intent", ["remove_item", "order_item"])
async def test_i_dont_need_it_removes_the_line(golden_crumb: SandboxTalk, intent: str) -> None:
    await golden_crumb.say("a youtiao and a chicken congee")
    reply = await golden_crumb.say("actually I don't need the youtiao anymore", intent)
    assert golden_crumb.lines() == [("chicken-congee", 1, {})], reply


@pytest.mark.parametrize("intent", ["change_item", "order_item"])
async def test_size_up_changes_the_line_named(copper_kettle: SandboxTalk, intent: str) -> None:
    await copper_kettle.say("an americano and a small latte")
    reply = await copper_kettle.say("size up the americano please", intent)
    assert copper_kettle.lines() == [
        ("americano", 1, {"size": "large"}),
        ("latte", 1, {"size": "small"}),
    ], reply


@pytest.mark.parametrize("intent", ["change_item", "order_item"])
async def test_my_item_said_bigger_changes_that_line(
    copper_kettle: SandboxTalk, intent: str
) -> None:
    await copper_kettle.say("a mocha and an earl grey")
    reply = await copper_kettle.say("I'd like my mocha bigger please", intent)
    assert copper_kettle.lines() == [("mocha", 1, {"size": "large"}), ("earl-grey", 1, {})], reply


@pytest.mark.parametrize("intent", ["remove_item", "change_item", "deny"])
async def test_a_start_over_said_alone_empties_the_cart(
    copper_kettle: SandboxTalk, intent: str
) -> None:
    await copper_kettle.say("a cortado and a cold brew")
    reply = await copper_kettle.say("ugh, let's start afresh", intent)
    assert copper_kettle.lines() == [], reply


async def test_scratch_everything_with_a_new_order(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("two hash browns and a cola")
    reply = await golden_crumb.say("scratch everything, I'll just have a congee", "order_item")
    assert golden_crumb.lines() == [("chicken-congee", 1, {})], reply


@pytest.mark.parametrize("intent", ["order_item", "checkout", "change_item"])
async def test_a_count_said_against_the_count_heard_corrects_it(
    copper_kettle: SandboxTalk, intent: str
) -> None:
    await copper_kettle.say("three lattes")
    reply = await copper_kettle.say("oops, two not three", intent)
    assert copper_kettle.lines() == [("latte", 2, {})], reply
    assert "Shall I pay" not in reply, reply


@pytest.mark.parametrize("intent", ["order_item", "change_item"])
async def test_too_many_of_an_item_with_a_count_corrects_the_line(
    golden_crumb: SandboxTalk, intent: str
) -> None:
    await golden_crumb.say("four youtiao and a soy milk")
    reply = await golden_crumb.say("that's way too many youtiao, just three", intent)
    assert golden_crumb.lines() == [("youtiao", 3, {}), ("soy-milk", 1, {})], reply


@pytest.mark.parametrize("intent", ["remove_item", "change_item"])
async def test_hold_the_option_takes_it_off_the_line_and_keeps_the_line(
    copper_kettle: SandboxTalk, intent: str
) -> None:
    await copper_kettle.say("a mocha with caramel and a cortado")
    reply = await copper_kettle.say("hold the caramel on the mocha please", intent)
    assert [(sku, qty, opts.get("syrup", "none")) for sku, qty, opts in copper_kettle.lines()] == [
        ("mocha", 1, "none"),
        ("cortado", 1, "none"),
    ], reply


async def test_no_i_want_it_with_an_option_at_the_payment_question_changes_the_order(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("an earl grey")
    await copper_kettle.say("that's it", "checkout")
    reply = await copper_kettle.say("no, I'd like it large", "deny")
    assert copper_kettle.lines() == [("earl-grey", 1, {"size": "large"})], reply
    assert "Paid" not in reply, reply


@pytest.mark.parametrize("intent", ["set_pickup", "change_item"])
async def test_a_nameless_correction_heard_as_a_pickup_change_corrects_the_line(
    copper_kettle: SandboxTalk, intent: str
) -> None:
    await copper_kettle.say("a peppermint rose tea")
    reply = await copper_kettle.say("oh hang on, large please", intent)
    assert copper_kettle.lines() == [("peppermint-rose", 1, {"size": "large"})], reply


@pytest.mark.parametrize("intent", ["order_item", "change_item"])
async def test_one_more_of_those_with_an_option_is_a_new_line_with_it(
    copper_kettle: SandboxTalk, intent: str
) -> None:
    await copper_kettle.say("a cortado")
    reply = await copper_kettle.say("one more of those, but with oat milk", intent)
    assert copper_kettle.lines() == [("cortado", 1, {}), ("cortado", 1, {"milk": "oat"})], reply
