"""Two shapes a ninth blind round wrote and the dialogue got wrong (issue 15 §1), with
other sentences than the round's:

- a start-over and the new order in one message ("forget all that, start again with just
  a congee"): the old cart goes and only what is said after the start-over is ordered,
  whether DIET hears the start-over or the order;
- a reason said before a removal that names a line to keep ("the combo already includes
  a drink, so drop the soy milk"): the line named in the reason stays.
"""

from __future__ import annotations

import pytest

from tests.actions.sandbox_talk import SandboxTalk


@pytest.mark.parametrize("intent", ["start_over", "order_item"])
async def test_start_over_with_an_order_keeps_only_the_new_order(
    golden_crumb: SandboxTalk, intent: str
) -> None:
    await golden_crumb.say("two hash browns and a soy milk")
    reply = await golden_crumb.say(
        "ugh forget everything, start over with just a chicken congee", intent
    )
    assert golden_crumb.lines() == [("chicken-congee", 1, {})], reply


@pytest.mark.parametrize("intent", ["start_over", "order_item"])
async def test_starting_from_scratch_orders_what_follows(
    copper_kettle: SandboxTalk, intent: str
) -> None:
    await copper_kettle.say("an americano and a mocha")
    reply = await copper_kettle.say("let's start from scratch: two lattes please", intent)
    assert copper_kettle.lines() == [("latte", 2, {})], reply


async def test_start_over_alone_still_empties_the_cart(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("an americano")
    reply = await copper_kettle.say("let's start over", "start_over")
    assert copper_kettle.lines() == [], reply


async def test_a_reason_before_a_removal_keeps_the_line_it_names(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("a breakfast combo with soy milk and a soy milk")
    reply = await golden_crumb.say(
        "the combo already includes a drink, so drop the soy milk", "remove_item"
    )
    assert golden_crumb.lines() == [("breakfast-combo", 1, {"drink": "soy-milk"})], reply


async def test_a_reason_naming_the_removed_item_still_removes_it(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a latte and a cortado")
    reply = await copper_kettle.say("I already had a latte today, cancel the latte", "remove_item")
    assert copper_kettle.lines() == [("cortado", 1, {})], reply
