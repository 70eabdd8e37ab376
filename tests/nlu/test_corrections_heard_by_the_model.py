"""Corrections as the trained model hears them, done by the real actions at both sandbox
merchants (the fixtures of tests/nlu/heard_by_the_model.py). A blind round:
"hmm no, just one" (deny) read the order back and two burgers were paid; "sorry, large for
that one" (repeat) changed nothing; "put oat milk in the coffee please" added an
Americano; "it was a small mocha and a vanilla steamer" after a complaint doubled both.
Other sentences of the same shapes; the model chooses the intent.
"""

from __future__ import annotations

import pytest

from tests.nlu.heard_by_the_model import Heard

pytestmark = pytest.mark.slow  # loads the trained model, twice (shared with the edits file)


async def test_a_hesitant_no_with_a_count_is_a_correction(crumb: Heard) -> None:
    await crumb.say("a hash brown")
    await crumb.say("and three youtiao")
    reply = await crumb.say("umm no, only two")
    assert crumb.lines() == [("hash-brown", 1, {}), ("youtiao", 2, {})], reply
    assert not crumb.reads_back(), reply


async def test_an_option_for_that_one_changes_the_line_just_added(crumb: Heard) -> None:
    await crumb.say("a youtiao")
    await crumb.say("and an americano")
    reply = await crumb.say("sorry, big for that one")
    assert crumb.lines() == [("youtiao", 1, {}), ("americano", 1, {"size": "large"})], reply


async def test_the_coffee_with_a_milk_changes_the_one_coffee(kettle: Heard) -> None:
    await kettle.say("an earl grey and a cortado")
    reply = await kettle.say("could you put almond milk in the coffee")
    assert kettle.lines() == [("earl-grey", 1, {}), ("cortado", 1, {"milk": "almond"})], reply


async def test_it_was_after_a_complaint_restates(kettle: Heard) -> None:
    await kettle.say("a large latte and a cortado")
    await kettle.say("hmm, that's not what I said")
    reply = await kettle.say("it was a small latte and an iced mocha")
    assert kettle.lines() == [
        ("latte", 1, {"size": "small"}),
        ("mocha", 1, {"temperature": "iced"}),
    ], reply


async def test_no_with_just_the_one_is_a_correction_to_one(crumb: Heard) -> None:
    await crumb.say("a cola")
    await crumb.say("and two chicken burgers")
    reply = await crumb.say("oh no sorry, just the one")
    assert crumb.lines() == [("cola", 1, {}), ("chicken-burger", 1, {})], reply
    assert not crumb.reads_back(), reply


async def test_a_count_of_those_after_a_price_question_orders_it(kettle: Heard) -> None:
    await kettle.say("how much is a small hot chocolate?")
    reply = await kettle.say("great, I'll take two of those")
    assert kettle.lines() == [("hot-chocolate", 2, {"size": "small"})], reply


async def test_give_me_a_count_of_them_after_an_item_is_its_new_count(crumb: Heard) -> None:
    await crumb.say("a chicken burger")
    await crumb.say("and a soy milk")
    reply = await crumb.say("actually give me three of them")
    assert crumb.lines() == [("chicken-burger", 1, {}), ("soy-milk", 3, {})], reply
    reply = await crumb.say("and another one of those")
    assert crumb.lines() == [("chicken-burger", 1, {}), ("soy-milk", 4, {})], reply


async def test_a_filler_before_actually_and_a_count_still_corrects(crumb: Heard) -> None:
    await crumb.say("a chicken congee")
    await crumb.say("and three youtiao")
    reply = await crumb.say("uh, actually just one")
    assert crumb.lines() == [("chicken-congee", 1, {}), ("youtiao", 1, {})], reply
    assert not crumb.reads_back(), reply


async def test_i_said_an_option_after_the_item_corrects_its_option(kettle: Heard) -> None:
    await kettle.say("a hot mocha")
    reply = await kettle.say("no no, I said iced please")
    assert kettle.lines() == [("mocha", 1, {"temperature": "iced"})], reply
    assert not kettle.reads_back(), reply


async def test_a_large_one_after_two_splits_one_off(kettle: Heard) -> None:
    await kettle.say("two americanos")
    reply = await kettle.say("no wait, a large one")
    assert kettle.lines() == [
        ("americano", 1, {}),
        ("americano", 1, {"size": "large"}),
    ], reply


async def test_the_separate_drink_goes_and_the_combo_said_enough_stays(crumb: Heard) -> None:
    await crumb.say("a breakfast combo with soy milk and a separate soy milk")
    reply = await crumb.say("hmm scratch the extra soy milk, the combo's plenty")
    assert crumb.lines() == [("breakfast-combo", 1, {"drink": "soy-milk"})], reply


async def test_the_first_one_becomes_an_item_already_in_the_cart(kettle: Heard) -> None:
    await kettle.say("an earl grey, a mocha and a cortado")
    reply = await kettle.say("swap the first one for a cortado")
    assert kettle.lines() == [("cortado", 2, {}), ("mocha", 1, {})], reply


async def test_no_a_size_one_right_after_an_item_changes_its_size(kettle: Heard) -> None:
    await kettle.say("a large hot chocolate")
    reply = await kettle.say("no, a small one")
    assert kettle.lines() == [("hot-chocolate", 1, {"size": "small"})], reply


async def test_those_after_a_price_question_with_another_item_orders_both(kettle: Heard) -> None:
    await kettle.say("what's the price of a small mocha?")
    reply = await kettle.say("sure, two of those and a cortado")
    assert kettle.lines() == [("mocha", 2, {"size": "small"}), ("cortado", 1, {})], reply
