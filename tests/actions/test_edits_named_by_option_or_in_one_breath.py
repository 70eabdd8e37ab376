"""Edits that name their line by an option, removals that order in the same breath, and
edits said in answer to the payment question (issue 15 §1; a blind round found each of
these changing the wrong line, dropping the new item or paying for the old order).

Each starts from a real sandbox merchant's cart and says the edit the way people do.
"""

from __future__ import annotations

from tests.actions.sandbox_talk import SandboxTalk


async def test_switching_an_option_named_alone_changes_only_the_line_that_has_it(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a caramel latte and a mocha")
    reply = await copper_kettle.say("switch the caramel to hazelnut", "change_item")
    assert copper_kettle.lines() == [("latte", 1, {"syrup": "hazelnut"}), ("mocha", 1, {})], reply


async def test_the_iced_one_made_hot_leaves_the_other_line(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("an iced americano and a large mocha")
    reply = await copper_kettle.say("could you make the iced one hot", "change_item")
    assert copper_kettle.lines() == [
        ("americano", 1, {"temperature": "hot"}),
        ("mocha", 1, {"size": "large"}),
    ], reply


async def test_removing_the_line_named_by_its_milk_removes_that_line_only(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a latte with almond milk and a cortado")
    reply = await copper_kettle.say("get rid of the almond one", "remove_item")
    assert copper_kettle.lines() == [("cortado", 1, {})], reply


async def test_two_lines_of_one_item_told_apart_by_an_option(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("an iced mocha and a hot mocha")
    reply = await copper_kettle.say("cancel the iced one", "remove_item")
    assert copper_kettle.lines() == [("mocha", 1, {"temperature": "hot"})], reply


async def test_an_option_two_lines_share_is_asked_about_not_guessed(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("an oat latte and an oat cappuccino")
    reply = await copper_kettle.say("remove the oat one", "remove_item")
    assert "Which one" in reply, reply
    assert [sku for sku, _, _ in copper_kettle.lines()] == ["latte", "cappuccino"], reply


async def test_make_it_the_large_one_still_sets_the_size(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a mocha")
    reply = await copper_kettle.say("actually make it the large one", "change_item")
    assert copper_kettle.lines() == [("mocha", 1, {"size": "large"})], reply


async def test_a_removal_and_an_order_in_one_breath_do_both(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a hash brown and a soy milk")
    reply = await golden_crumb.say("take off the hash brown and add a youtiao", "remove_item")
    assert golden_crumb.lines() == [("soy-milk", 1, {}), ("youtiao", 1, {})], reply


async def test_a_removal_then_get_me_orders_the_second_item(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a hash brown and a soy milk")
    reply = await golden_crumb.say("drop the soy milk and get me two americanos", "remove_item")
    assert golden_crumb.lines() == [("hash-brown", 1, {}), ("americano", 2, {})], reply


async def test_an_item_said_before_instead_is_ordered_in_place_of_the_one_removed(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a mocha and an earl grey")
    reply = await copper_kettle.say("remove the mocha, a large cold brew instead", "remove_item")
    assert copper_kettle.lines() == [("earl-grey", 1, {}), ("cold-brew", 1, {"size": "large"})], (
        reply
    )


async def test_no_make_it_a_large_at_the_payment_question_changes_and_pays_nothing(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("a soy milk")
    assert "pay" in (await golden_crumb.say("that's all", "checkout")).lower()
    reply = await golden_crumb.say("no, make it a large", "deny")
    assert golden_crumb.lines() == [("soy-milk", 1, {"size": "large"})], reply
    assert "charged" not in reply.lower() and "paid" not in reply.lower(), reply


async def test_yes_but_with_a_change_at_the_payment_question_does_not_pay_the_old_order(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("a soy milk")
    await golden_crumb.say("that's all", "checkout")
    reply = await golden_crumb.say("yes but make it a large one", "affirm")
    assert golden_crumb.lines() == [("soy-milk", 1, {"size": "large"})], reply
    assert "paid" not in reply.lower(), reply


async def test_one_with_a_drink_after_two_combos_gives_one_combo_that_drink(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("two combos")
    reply = await golden_crumb.say("one with soy milk please")
    assert golden_crumb.lines() == [
        ("breakfast-combo", 1, {}),
        ("breakfast-combo", 1, {"drink": "soy-milk"}),
    ], reply


async def test_one_with_a_milk_after_two_lattes_splits_one_off(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("two lattes")
    reply = await copper_kettle.say("and one with oat milk")
    assert copper_kettle.lines() == [("latte", 1, {}), ("latte", 1, {"milk": "oat"})], reply


async def test_the_second_one_of_a_line_of_two_changes_one_of_them(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a cold brew")
    await copper_kettle.say("and another one")
    reply = await copper_kettle.say("make the second one large", "change_item")
    assert copper_kettle.lines() == [("cold-brew", 1, {}), ("cold-brew", 1, {"size": "large"})], (
        reply
    )


async def test_an_order_then_a_removal_in_one_breath_do_both(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a latte and a cappuccino")
    reply = await copper_kettle.say("add a cortado and remove the latte", "order_item")
    assert copper_kettle.lines() == [("cappuccino", 1, {}), ("cortado", 1, {})], reply


async def test_removing_two_items_named_orders_nothing(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a latte, a mocha and an earl grey")
    reply = await copper_kettle.say("remove the latte and the mocha", "remove_item")
    assert copper_kettle.lines() == [("earl-grey", 1, {})], reply


async def test_two_edits_by_place_in_one_message_each_change_their_line(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a cortado, a chai latte and a cold brew")
    reply = await copper_kettle.say(
        "make the first one decaf and the third one large", "change_item"
    )
    assert copper_kettle.lines() == [
        ("cortado", 1, {"caffeine": "decaf"}),
        ("chai-latte", 1, {}),
        ("cold-brew", 1, {"size": "large"}),
    ], reply


async def test_a_change_and_a_removal_by_place_in_one_message(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a youtiao, a congee and a hash brown")
    reply = await golden_crumb.say(
        "make the first one three and take off the last one", "change_item"
    )
    assert golden_crumb.lines() == [("youtiao", 3, {}), ("chicken-congee", 1, {})], reply
