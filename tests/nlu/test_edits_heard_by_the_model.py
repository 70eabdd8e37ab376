"""Edits by place and quantifier as the trained model hears them, then done by the real
actions at both sandbox merchants (their own lexicons, served to the model's
MenuEntityExtractor over loopback as the action server serves them).

A blind round found "please upgrade all of them to large" and "all of them iced please"
classified as `checkout` (the order was read back, nothing changed), "both with oat milk
please" and "the second one should be a large" as fallbacks. The action tests
(tests/actions/test_edits_by_place_and_quantifier.py) pass an intent; these let the model
choose it. Other sentences of the same shapes.
"""

from __future__ import annotations

import pytest

from tests.nlu.heard_by_the_model import Heard

pytestmark = pytest.mark.slow  # loads the trained model, twice

# 1. An option over every line is a change, never "that's it".


async def test_make_all_of_them_decaf_changes_every_line(kettle: Heard) -> None:
    await kettle.say("a cappuccino, a mocha and a latte")
    reply = await kettle.say("could you make all of them decaf please")
    assert kettle.lines() == [
        ("cappuccino", 1, {"caffeine": "decaf"}),
        ("mocha", 1, {"caffeine": "decaf"}),
        ("latte", 1, {"caffeine": "decaf"}),
    ], reply
    assert not kettle.reads_back(), reply


async def test_both_of_them_with_a_milk_changes_both_teas(kettle: Heard) -> None:
    await kettle.say("an english breakfast and an earl grey")
    reply = await kettle.say("both of them with almond milk")
    assert kettle.lines() == [
        ("english-breakfast", 1, {"milk": "almond"}),
        ("earl-grey", 1, {"milk": "almond"}),
    ], reply


async def test_all_of_them_with_a_milk_is_no_checkout(kettle: Heard) -> None:
    """The model before this fix heard "that's it" here and read the order back."""
    await kettle.say("a cappuccino and a mocha")
    reply = await kettle.say("all of them with oat milk")
    assert kettle.lines() == [
        ("cappuccino", 1, {"milk": "oat"}),
        ("mocha", 1, {"milk": "oat"}),
    ], reply
    assert not kettle.reads_back(), reply


async def test_all_three_iced_changes_all_three(kettle: Heard) -> None:
    await kettle.say("a latte, a cortado and a mocha")
    reply = await kettle.say("I want all three iced")
    assert kettle.lines() == [
        ("latte", 1, {"temperature": "iced"}),
        ("cortado", 1, {"temperature": "iced"}),
        ("mocha", 1, {"temperature": "iced"}),
    ], reply
    assert not kettle.reads_back(), reply


async def test_all_of_those_large_sizes_up_what_has_sizes(crumb: Heard) -> None:
    await crumb.say("a youtiao, an americano and a latte")
    reply = await crumb.say("all of those large please")
    assert crumb.lines() == [
        ("youtiao", 1, {}),
        ("americano", 1, {"size": "large"}),
        ("latte", 1, {"size": "large"}),
    ], reply
    assert not crumb.reads_back(), reply


# 2. A line by its place in the cart readout.


async def test_can_the_third_one_be_iced(kettle: Heard) -> None:
    await kettle.say("a mocha, a cortado and a latte")
    reply = await kettle.say("can the third one be iced?")
    assert kettle.lines() == [
        ("mocha", 1, {}),
        ("cortado", 1, {}),
        ("latte", 1, {"temperature": "iced"}),
    ], reply


async def test_the_second_one_should_be_big(crumb: Heard) -> None:
    await crumb.say("a hash brown, a soy milk and an americano")
    reply = await crumb.say("the second one should be big")
    assert crumb.lines() == [
        ("hash-brown", 1, {}),
        ("soy-milk", 1, {"size": "large"}),
        ("americano", 1, {}),
    ], reply


async def test_scratch_the_first_one(kettle: Heard) -> None:
    await kettle.say("a steamer, a cappuccino and an espresso")
    reply = await kettle.say("scratch the first one")
    assert kettle.lines() == [("cappuccino", 1, {}), ("espresso", 1, {})], reply


# 3. "one of them" over a line of several.


async def test_take_two_of_them_off_leaves_the_rest(kettle: Heard) -> None:
    await kettle.say("four oat lattes")
    reply = await kettle.say("take two of them off")
    assert kettle.lines() == [("latte", 2, {"milk": "oat"})], reply


async def test_one_of_them_small_and_one_of_them_large_splits_the_line(kettle: Heard) -> None:
    await kettle.say("three steamers")
    reply = await kettle.say("make one of them small and one of them large")
    assert sorted(kettle.lines(), key=str) == sorted(
        [("steamer", 1, {}), ("steamer", 1, {"size": "small"}), ("steamer", 1, {"size": "large"})],
        key=str,
    ), reply


# 4. An item two lines could be is asked about.


async def test_removing_an_item_two_lines_could_be_asks_first(kettle: Heard) -> None:
    await kettle.say("an oat cappuccino and a decaf cappuccino")
    before = kettle.lines()
    reply = await kettle.say("remove a cappuccino")
    assert kettle.lines() == before and "Which one" in reply, reply
    reply = await kettle.say("the decaf one")
    assert kettle.lines() == [("cappuccino", 1, {"milk": "oat"})], reply


# A blind round: "sorry, I need two of those" right after a second item was a fallback
# (DIET's change_item below the threshold), and "one of the lattes be a large" over 2
# Lattes left one large Latte.


async def test_sorry_a_count_of_those_counts_the_item_just_added(kettle: Heard) -> None:
    await kettle.say("a latte")
    reply = await kettle.say("and an earl grey")
    reply = await kettle.say("sorry, I need two of those")
    assert kettle.lines() == [("latte", 1, {}), ("earl-grey", 2, {})], reply


async def test_one_of_the_named_items_with_an_option_splits_it_off(crumb: Heard) -> None:
    await crumb.say("two americanos and a hash brown")
    reply = await crumb.say("can one of the americanos be large")
    assert crumb.lines() == [
        ("americano", 1, {}),
        ("americano", 1, {"size": "large"}),
        ("hash-brown", 1, {}),
    ], reply


async def test_one_of_the_named_items_with_a_milk_splits_it_off(kettle: Heard) -> None:
    await kettle.say("two mochas and a latte")
    reply = await kettle.say("one of the mochas with oat milk please")
    assert kettle.lines() == [
        ("mocha", 1, {}),
        ("mocha", 1, {"milk": "oat"}),
        ("latte", 1, {}),
    ], reply


# The same round: "the last one, make it three" and "take the first one off" were not
# understood, "make the last two iced" changed one line, "take the two teas off" nothing.


async def test_a_line_by_place_then_its_new_count_is_heard(crumb: Heard) -> None:
    await crumb.say("a hash brown, a latte and a youtiao")
    reply = await crumb.say("the first one, make it two")
    assert crumb.lines() == [("hash-brown", 2, {}), ("latte", 1, {}), ("youtiao", 1, {})], reply


async def test_take_the_last_one_off_is_heard(kettle: Heard) -> None:
    await kettle.say("an earl grey, a cortado and a mocha")
    reply = await kettle.say("take the last one off")
    assert kettle.lines() == [("earl-grey", 1, {}), ("cortado", 1, {})], reply


async def test_the_first_two_lines_are_heard(kettle: Heard) -> None:
    await kettle.say("a latte, a cappuccino and an espresso")
    reply = await kettle.say("make the first two large")
    assert kettle.lines() == [
        ("latte", 1, {"size": "large"}),
        ("cappuccino", 1, {"size": "large"}),
        ("espresso", 1, {}),
    ], reply


async def test_the_two_teas_removed_are_heard(kettle: Heard) -> None:
    await kettle.say("a wild strawberry, a cortado and an english breakfast")
    reply = await kettle.say("take the two teas off")
    assert kettle.lines() == [("cortado", 1, {})], reply


# 4. "the other one" of a pair (blind round ck-36, gc-26) and a combo's drink named as a line
# (gc-25, gc-09), as the model hears them.


async def test_the_other_one_of_two_mochas_made_large(kettle: Heard) -> None:
    await kettle.say("two mochas, one with almond milk")
    reply = await kettle.say("and could the other one be large")
    assert kettle.lines() == [
        ("mocha", 1, {"size": "large"}),
        ("mocha", 1, {"milk": "almond"}),
    ], reply


async def test_the_other_one_of_two_combos_made_large(crumb: Heard) -> None:
    await crumb.say("two meal deals, one of them with soy milk")
    reply = await crumb.say("then make the other one a large")
    assert crumb.lines() == [
        ("breakfast-combo", 1, {"size": "large"}),
        ("breakfast-combo", 1, {"drink": "soy-milk"}),
    ], reply


async def test_the_combos_soy_milk_made_large_is_the_combo_large(crumb: Heard) -> None:
    await crumb.say("a meal deal with soy milk and a hash brown")
    reply = await crumb.say("can you make the soymilk a large one")
    assert crumb.lines() == [
        ("breakfast-combo", 1, {"drink": "soy-milk", "size": "large"}),
        ("hash-brown", 1, {}),
    ], reply


async def test_both_coffees_with_a_size_changes_every_coffee(crumb: Heard) -> None:
    await crumb.say("a latte, a youtiao and an americano")
    reply = await crumb.say("can you make both coffees large")
    assert crumb.lines() == [
        ("latte", 1, {"size": "large"}),
        ("youtiao", 1, {}),
        ("americano", 1, {"size": "large"}),
    ], reply


async def test_both_teas_with_a_temperature_leaves_the_coffee(kettle: Heard) -> None:
    await kettle.say("a jin xuan, a mocha and an earl grey")
    reply = await kettle.say("both teas iced please")
    assert kettle.lines() == [
        ("jin-xuan", 1, {"temperature": "iced"}),
        ("mocha", 1, {}),
        ("earl-grey", 1, {"temperature": "iced"}),
    ], reply
