"""Edits in the everyday words a ninth blind round used and the parser did not know
(issue 15 §1): "rather than" for a combo's drink, "throw in" and "I'll also take" beside
a removal, "lose" as a removal, an option added "to the iced one", and "hang on" opening a
correction at the payment question. Other sentences than the round's.
"""

from __future__ import annotations

from tests.actions.sandbox_talk import SandboxTalk


async def test_a_combo_with_a_drink_rather_than_its_coffee_has_that_drink_only(
    golden_crumb: SandboxTalk,
) -> None:
    reply = await golden_crumb.say("a breakfast combo with a soy milk rather than an americano")
    assert golden_crumb.lines() == [("breakfast-combo", 1, {"drink": "soy-milk"})], reply


async def test_throw_in_beside_a_removal_orders(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a congee and a latte")
    reply = await golden_crumb.say("nix the latte and throw in a soy milk", "remove_item")
    assert golden_crumb.lines() == [("chicken-congee", 1, {}), ("soy-milk", 1, {})], reply


async def test_ill_also_have_beside_a_removal_orders(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("an americano and a steamer")
    reply = await copper_kettle.say("drop the steamer, I'd also like a cold brew", "remove_item")
    assert copper_kettle.lines() == [("americano", 1, {}), ("cold-brew", 1, {})], reply


async def test_lose_the_line_named_by_its_option(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a decaf mocha and a mocha")
    reply = await copper_kettle.say("lose the decaf one", "remove_item")
    assert copper_kettle.lines() == [("mocha", 1, {})], reply


async def test_an_option_added_to_the_line_named_by_another(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a large americano and a small americano")
    reply = await copper_kettle.say("put oat milk in the large one", "change_item")
    assert copper_kettle.lines() == [
        ("americano", 1, {"size": "large", "milk": "oat"}),
        ("americano", 1, {"size": "small"}),
    ], reply


async def test_hang_on_at_the_payment_question_opens_a_correction(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("an earl grey")
    await copper_kettle.say("that's all", "checkout")
    reply = await copper_kettle.say("hang on, three of those please", "deny")
    assert copper_kettle.lines() == [("earl-grey", 3, {})], reply
    assert "charged" not in reply.lower(), reply


async def test_a_change_and_an_order_in_one_message_do_both(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a soy milk and a youtiao")
    reply = await golden_crumb.say("make the soy milk large and add a hash brown", "change_item")
    assert golden_crumb.lines() == [
        ("soy-milk", 1, {"size": "large"}),
        ("youtiao", 1, {}),
        ("hash-brown", 1, {}),
    ], reply


async def test_a_change_by_place_and_an_order_in_one_message_do_both(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a cortado and a mocha")
    reply = await copper_kettle.say(
        "make the last one iced, and I'll have a steamer too", "change_item"
    )
    assert copper_kettle.lines() == [
        ("cortado", 1, {}),
        ("mocha", 1, {"temperature": "iced"}),
        ("steamer", 1, {}),
    ], reply


async def test_an_option_said_after_a_change_stays_with_the_change(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a latte")
    reply = await copper_kettle.say("make it large, I want it iced", "change_item")
    assert copper_kettle.lines() == [("latte", 1, {"size": "large", "temperature": "iced"})], reply
