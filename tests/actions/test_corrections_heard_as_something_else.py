"""Shapes a tenth blind round wrote and the dialogue got wrong (issue 15 §1), with other
sentences than the round's:

- a correction of a count heard as a booking at a menu merchant ("oops, just two");
- a request to cancel a paid order that names it by what it held ("cancel that coffee
  order I paid for") heard as an order: it asked nothing and started a new cart;
- a removal of the line named by its option beside an order ("lose the oat one and add a
  cortado"): the order was added and the line stayed;
- a combo's drink named by its kind ("replace the coffee with a soy milk");
- a chosen option taken back by "no" ("wait, no ice") with no item named;
- a keep cue after a removal that names the combo ("the soy milk in my combo is fine").
"""

from __future__ import annotations

import pytest

from tests.actions.sandbox_talk import SandboxTalk


async def test_a_count_correction_heard_as_a_booking_corrects_the_line(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("three youtiao")
    reply = await golden_crumb.say("oops, just two", "book_stay")
    assert golden_crumb.lines() == [("youtiao", 2, {})], reply


async def test_a_booking_at_a_menu_merchant_that_corrects_nothing_chooses_the_hotel(
    golden_crumb: SandboxTalk,
) -> None:
    """A stay asked for at the bakery chooses the booking merchant (README "Many merchants
    in one conversation"); no cart line comes of it."""
    reply = await golden_crumb.say("I need a hotel room for tonight", "book_stay")
    assert golden_crumb.lines() == [], reply
    assert reply.startswith("That's for Harbour Inn: booking there now."), reply
    assert golden_crumb.merchant_in_use() == "harbour-inn"


@pytest.mark.parametrize("intent", ["change_item", "order_item"])
async def test_cancelling_a_paid_order_named_by_its_item_asks_to_cancel_it(
    copper_kettle: SandboxTalk, intent: str
) -> None:
    await copper_kettle.say("a small mocha")
    await copper_kettle.say("that's everything", "checkout")
    assert "Paid" in await copper_kettle.say("yes", "affirm")
    reply = await copper_kettle.say("I need to cancel that coffee order please", intent)
    assert "Cancel order" in reply and copper_kettle.lines() == [], reply
    assert copper_kettle.talk.question == "cancel"


async def test_removing_the_line_named_by_its_option_beside_an_order_does_both(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("two cappuccinos, one with oat milk and one with non-fat milk")
    reply = await copper_kettle.say("lose the oat one and add a cortado", "remove_item")
    assert copper_kettle.lines() == [
        ("cappuccino", 1, {"milk": "non-fat"}),
        ("cortado", 1, {}),
    ], reply


async def test_a_combos_drink_named_by_its_kind_is_replaced(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a breakfast combo and a youtiao")
    reply = await golden_crumb.say("replace the coffee with a soy milk", "change_item")
    assert golden_crumb.lines() == [
        ("breakfast-combo", 1, {"drink": "soy-milk"}),
        ("youtiao", 1, {}),
    ], reply


@pytest.mark.parametrize("intent", ["change_item", "order_item", "deny"])
async def test_no_before_a_chosen_option_takes_it_back(
    copper_kettle: SandboxTalk, intent: str
) -> None:
    await copper_kettle.say("an iced mocha")
    reply = await copper_kettle.say("wait, no ice", intent)
    assert as_it_comes(copper_kettle) == [("mocha", 1, {})], reply


async def test_no_before_a_chosen_milk_takes_it_back(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a cappuccino with almond milk")
    reply = await copper_kettle.say("hmm, no almond milk actually", "change_item")
    assert as_it_comes(copper_kettle) == [("cappuccino", 1, {})], reply


def as_it_comes(talk: SandboxTalk) -> list[tuple[str, int, dict[str, str]]]:
    """The cart's lines with only the choices that are not the item's default."""
    defaults = {"temperature": "hot", "milk": "whole"}  # Copper Kettle's, for these drinks
    return [
        (sku, quantity, {g: c for g, c in options.items() if defaults.get(g) != c})
        for sku, quantity, options in talk.lines()
    ]


async def test_a_keep_cue_naming_the_combo_keeps_it(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a breakfast combo with soy milk and a soy milk")
    reply = await golden_crumb.say(
        "scrap the extra soy milk, the soy milk in my combo is fine", "remove_item"
    )
    assert golden_crumb.lines() == [("breakfast-combo", 1, {"drink": "soy-milk"})], reply
