"""Edits that point at cart lines by position, quantifier, pointer or part (issue 15 §1).

The NLU's `edit` entity (contracts/cart_edits.py) carries the verb and the target; these
tests give what the parser reads for each sentence and check the cart that results.
"""

from __future__ import annotations

from tests.actions.conversation import Conversation, edit, item, opt, qty
from tests.actions.sandbox_talk import SandboxTalk


def lines(talk: Conversation) -> list[tuple[str, int, dict[str, str]]]:
    return [(line["sku"], line["quantity"], line["options"]) for line in talk.cart]


async def test_changing_the_drink_inside_a_combo_changes_the_combo_and_adds_no_drink() -> None:
    talk = Conversation()
    await talk.say(
        "a breakfast combo with soy milk and an americano",
        "order_item",
        item("combo"),
        opt("drink:soy-milk"),
        item("americano", 2),
    )
    reply = await talk.say(
        "can the soy milk in the combo be a big one",
        "change_item",
        edit("change", part="drink"),
        item("soy-milk", 1),
        item("combo", 2),
        opt("size:large", 2),
    )
    assert lines(talk) == [
        ("combo", 1, {"drink": "soy-milk", "size": "large"}),
        ("americano", 1, {}),
    ], reply
    assert "Changed." in reply


async def test_the_drink_said_of_a_combo_is_the_combos_drink() -> None:
    talk = Conversation()
    await talk.say("one breakfast combo", "order_item", item("combo"))
    reply = await talk.say(
        "upsize its drink please",
        "change_item",
        edit("change", part="drink"),
        opt("size:large", None),
    )
    assert lines(talk) == [("combo", 1, {"size": "large"})], reply
    assert "There's no" not in reply


async def test_both_removes_every_line_of_the_item() -> None:
    talk = Conversation()
    await talk.say(
        "an oat latte, a latte and a youtiao",
        "order_item",
        item("latte"),
        opt("milk:oat"),
        item("latte", 2),
        item("youtiao", 3),
    )
    reply = await talk.say(
        "get rid of both lattes", "remove_item", edit("remove", every=True), item("latte")
    )
    assert lines(talk) == [("youtiao", 1, {})], reply


async def test_them_both_changes_every_line_under_discussion() -> None:
    talk = Conversation()
    await talk.say(
        "a large latte and a latte",
        "order_item",
        item("latte"),
        opt("size:large"),
        item("latte", 2),
    )
    reply = await talk.say(
        "turn them both into decafs",
        "change_item",
        edit("change", pointer=True, every=True),
        opt("caffeine:decaf", None),
    )
    assert lines(talk) == [
        ("latte", 1, {"size": "large", "caffeine": "decaf"}),
        ("latte", 1, {"caffeine": "decaf"}),
    ], reply


async def test_one_of_them_splits_the_line() -> None:
    talk = Conversation()
    await talk.say("four lattes", "order_item", qty(4), item("latte"))
    reply = await talk.say(
        "could you change one of those to oat milk",
        "change_item",
        edit("change", pointer=True, count=1),
        qty(1, None),
        opt("milk:oat", None),
    )
    assert lines(talk) == [("latte", 3, {}), ("latte", 1, {"milk": "oat"})], reply


async def test_the_last_one_and_the_second_thing_are_positions_in_the_cart() -> None:
    talk = Conversation()
    await talk.say(
        "a hash brown, a youtiao and an americano",
        "order_item",
        item("hash-brown"),
        item("youtiao", 2),
        item("americano", 3),
    )
    reply = await talk.say(
        "take off the last one", "remove_item", edit("remove", position=-1), qty(1, None)
    )
    assert lines(talk) == [("hash-brown", 1, {}), ("youtiao", 1, {})], reply
    reply = await talk.say("lose the second item", "remove_item", edit("remove", position=2))
    assert lines(talk) == [("hash-brown", 1, {})], reply


async def test_a_count_of_those_corrects_the_line_under_discussion() -> None:
    talk = Conversation()
    await talk.say("three hash browns", "order_item", qty(3), item("hash-brown"))
    reply = await talk.say(
        "hmm actually just one of those",
        "change_item",
        edit(None, pointer=True, count=1),
        qty(1, None),
    )
    assert lines(talk) == [("hash-brown", 1, {})], reply


async def test_a_complaint_changes_nothing_and_asks() -> None:
    talk = Conversation()
    await talk.say("a breakfast combo", "order_item", item("combo"))
    reply = await talk.say("no, I never asked for that", "order_item", edit("complain"))
    assert lines(talk) == [("combo", 1, {})], reply
    assert "What should I change?" in reply


async def test_a_name_that_fits_several_lines_is_asked_about_not_guessed() -> None:
    talk = Conversation()
    await talk.say(
        "an oat latte and a decaf latte",
        "order_item",
        item("latte"),
        opt("milk:oat"),
        item("latte", 2),
        opt("caffeine:decaf", 2),
    )
    before = lines(talk)
    reply = await talk.say(
        "take one latte off", "remove_item", edit("remove", count=1), item("latte")
    )
    assert lines(talk) == before, reply
    assert "Which one do you mean: an oat Latte or a decaf Latte?" in reply


async def test_no_wait_at_anything_else_corrects_the_line_instead_of_checking_out() -> None:
    talk = Conversation()
    await talk.say("three americanos", "order_item", qty(3), item("americano"))
    assert talk.question == "more_or_done"
    reply = await talk.say(
        "no wait, just two of those", "deny", edit(None, pointer=True, count=2), qty(2, None)
    )
    assert lines(talk) == [("americano", 2, {})], reply
    assert talk.custom("readback") is None and talk.question == "more_or_done"
    reply = await talk.say("wait, a large one", "deny", opt("size:large", None))
    assert lines(talk) == [("americano", 2, {"size": "large"})], reply
    assert talk.custom("readback") is None


async def test_a_removal_keeps_what_the_customer_says_they_still_want(
    golden_crumb: SandboxTalk,
) -> None:
    """The parser marks "I just want the combo" as kept (`CartEdit.kept`)."""
    await golden_crumb.say("a breakfast combo with soy milk and a soy milk")
    reply = await golden_crumb.say("take the soy milk off, I just want the combo", "remove_item")
    assert golden_crumb.lines() == [("breakfast-combo", 1, {"drink": "soy-milk"})], reply


async def test_thats_all_in_the_ordering_message_goes_straight_to_the_readback() -> None:
    talk = Conversation()
    reply = await talk.say(
        "a youtiao and two hash browns and that's it",
        "order_item",
        item("youtiao"),
        qty(2, 2),
        item("hash-brown", 2),
    )
    assert "Here is your order" in reply and talk.question == "pay", reply
    assert talk.custom("readback")["total"] == 400 + 2 * 700


async def test_one_of_those_after_asking_a_price_orders_that_item() -> None:
    talk = Conversation()
    await talk.say("a youtiao", "order_item", item("youtiao"))
    await talk.say("what does a large latte cost?", "ask_price", item("latte"), opt("size:large"))
    reply = await talk.say(
        "great, I'll have two of those",
        "order_item",
        edit(None, pointer=True, count=2),
        qty(2, None),
    )
    assert lines(talk) == [("youtiao", 1, {}), ("latte", 2, {"size": "large"})], reply
