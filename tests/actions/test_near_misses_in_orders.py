"""Typos, option words said as items, and words that name nothing, through the real parser
and the real actions at both merchants (issue 15: near misses; a blind round lost "a large
hot choclate" and "a doppio and a cortado").

Golden Crumb runs on the fake merchant with the test lexicon; Copper Kettle runs on the real
sandbox merchant with the lexicon its catalogue serves, so its aliases are the real ones.
"""

from __future__ import annotations

from tests.actions.conversation import Conversation
from tests.actions.sandbox_talk import SandboxTalk
from tests.actions.test_composed_orders import lines, say

# Typos and sound-alikes of menu words resolve to the one close word, and the reply names it.


async def test_a_misspelt_item_whose_name_holds_an_option_word_is_that_item(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("could I get a small hot chocolte please")
    assert copper_kettle.lines() == [("hot-chocolate", 1, {"size": "small"})], reply
    assert "Hot Chocolate" in reply


async def test_a_misspelt_end_of_an_item_name_does_not_add_a_second_item(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("an iced chai lattte for me")
    assert copper_kettle.lines() == [("chai-latte", 1, {"temperature": "iced"})], reply


async def test_an_item_name_misspelt_at_its_end_as_another_item_is_one_item(
    copper_kettle: SandboxTalk,
) -> None:
    """ "late" alone is heard as Latte; after "matcha" it ends Matcha Latte's name."""
    reply = await copper_kettle.say("two small matcha lates and a latte")
    assert copper_kettle.lines() == [
        ("matcha-latte", 2, {"size": "small"}),
        ("latte", 1, {}),
    ], reply


async def test_a_size_with_two_letters_swapped_is_that_size(copper_kettle: SandboxTalk) -> None:
    reply = await copper_kettle.say("a meduim mocha and a smlal latte")
    assert copper_kettle.lines() == [
        ("mocha", 1, {"size": "medium"}),
        ("latte", 1, {"size": "small"}),
    ], reply


async def test_a_misspelt_combo_drink_chooses_the_combos_drink() -> None:
    talk = Conversation()
    reply = await say(talk, "one breakfast combo with a soymlik")
    assert lines(talk) == [("combo", 1, {"drink": "soy-milk"})], reply


# An option word said as a thing of its own is not put on the next item.


async def test_an_option_said_as_its_own_order_is_named_back_not_put_on_the_next_item(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("I'll have a doppio plus a cortado")
    assert copper_kettle.lines() == [("cortado", 1, {})], reply
    assert "doppio" in reply


async def test_an_item_inside_option_words_said_as_its_own_order_is_that_item(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("I want a double espresso plus a small cappuccino")
    assert copper_kettle.lines() == [
        ("espresso", 1, {"shots": "double"}),
        ("cappuccino", 1, {"size": "small"}),
    ], reply


# Words that name nothing on the menu are said back on every route, and move no money.


async def test_a_yes_with_an_unknown_thing_at_the_pay_question_pays_nothing() -> None:
    talk = Conversation()
    await say(talk, "two youtiao")
    await say(talk, "that's all", "checkout")
    assert talk.question == "pay"
    reply = await say(talk, "yes, and also a large blorpuccino", "affirm")
    assert "blorpuccino" in reply, reply
    assert talk.backend.charges == [], reply
    assert talk.question == "pay"


async def test_a_yes_with_an_unknown_thing_to_anything_else_says_it_back() -> None:
    talk = Conversation()
    await say(talk, "a hash brown")
    reply = await say(talk, "yeah, and two glazed zorbles", "affirm")
    assert "zorbles" in reply, reply
    assert lines(talk) == [("hash-brown", 1, {})]


async def test_a_price_question_about_an_unknown_thing_says_it_back(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("how much for a mocha and a large frappuccino", "ask_price")
    assert "Mocha" in reply and "frappuccino" in reply, reply


async def test_checking_out_with_an_unknown_thing_says_it_back_before_the_readback() -> None:
    talk = Conversation()
    await say(talk, "one soy milk")
    reply = await say(talk, "that's it, oh and a small grobbel", "checkout")
    assert "grobbel" in reply, reply
    assert talk.question != "pay", reply
    assert lines(talk) == [("soy-milk", 1, {})]


# An edit whose option the menu has nowhere changes nothing and says so; "one of them"
# in it is which line, never a new count (it made two hash browns one).


async def test_one_of_them_with_an_option_no_item_has_keeps_the_count_and_says_it_back() -> None:
    talk = Conversation()
    await say(talk, "two hash browns")
    reply = await say(talk, "could you make one of them vanilla", "change_item")
    assert lines(talk) == [("hash-brown", 2, {})], reply
    assert "vanilla" in reply


async def test_switching_one_of_them_to_a_flavour_the_cafe_lacks_changes_nothing(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("two cappuccinos")
    reply = await copper_kettle.say("switch one of those to toffee", "change_item")
    assert copper_kettle.lines() == [("cappuccino", 2, {})], reply
    assert "toffee" in reply


async def test_a_milk_the_cafe_does_not_have_is_said_back_not_dropped(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("one small cappuccino with soya milk please")
    assert copper_kettle.lines() == [("cappuccino", 1, {"size": "small"})], reply
    assert "we don't have soya milk for it" in reply, reply


async def test_a_topping_asked_for_that_the_menu_lacks_is_said_back(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("one hot chocolate")
    reply = await copper_kettle.say("could you add marshmallows to that", "change_item")
    assert copper_kettle.lines() == [("hot-chocolate", 1, {})], reply
    assert "marshmallows" in reply, reply


async def test_an_extra_no_menu_has_asked_with_an_item_is_said_back(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("an iced mocha with extra whipped cream")
    assert copper_kettle.lines() == [("mocha", 1, {"temperature": "iced"})], reply
    assert "we don't have whipped cream for it" in reply, reply


async def test_a_condiment_asked_with_food_is_said_back() -> None:
    talk = Conversation()
    reply = await say(talk, "two hash browns with ketchup")
    assert lines(talk) == [("hash-brown", 2, {})], reply
    assert "ketchup" in reply, reply
