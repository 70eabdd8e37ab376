"""Edits that name their lines by place or quantifier, through the real parser and the real
actions at both sandbox merchants (their own lexicons).

A blind test round found: an option over every line ("all of them", "each one of them")
never applied; "the second one" and "scratch the last one" not understood; "take one of
them off" over 3 oat Cortados leaving 1; "one of them small and one of them large" over
3 Hot Chocolates making only the small one; "remove a mocha" over an almond and a decaf
Mocha removing one at random. Position counts the cart's lines in the order the cart
readout shows them. The sentences here are other sentences of the same shapes; the intent
is passed as DIET gives it at best (tests/nlu/test_edits_heard_by_the_model.py checks
what the trained model hears).
"""

from __future__ import annotations

import pytest

from tests.actions.sandbox_talk import SandboxTalk

# 1. An option over every line.


async def test_each_one_of_them_with_an_option_changes_every_line_that_has_it(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a cappuccino, a chai latte and a mocha")
    reply = await copper_kettle.say("each one of them with almond milk", "change_item")
    assert copper_kettle.lines() == [
        ("cappuccino", 1, {"milk": "almond"}),
        ("chai-latte", 1, {"milk": "almond"}),
        ("mocha", 1, {"milk": "almond"}),
    ], reply


async def test_every_one_of_them_large_is_every_line_not_one_of_them(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("two americanos and a soy milk")
    reply = await golden_crumb.say("every one of them large please", "change_item")
    assert golden_crumb.lines() == [
        ("americano", 2, {"size": "large"}),
        ("soy-milk", 1, {"size": "large"}),
    ], reply


async def test_an_option_over_every_line_heard_as_checkout_is_still_an_edit(
    copper_kettle: SandboxTalk,
) -> None:
    """DIET heard "that's it" in such words; the readback must not come of them."""
    await copper_kettle.say("a cappuccino and a mocha")
    reply = await copper_kettle.say("can you do both of those iced", "checkout")
    assert copper_kettle.lines() == [
        ("cappuccino", 1, {"temperature": "iced"}),
        ("mocha", 1, {"temperature": "iced"}),
    ], reply
    assert "Shall I pay" not in reply and not copper_kettle.talk.slots.get("awaiting_order"), reply


async def test_an_upgrade_of_all_of_them_heard_as_checkout_sizes_them_up(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("a latte and an americano")
    reply = await golden_crumb.say("go ahead and upsize all of them", "checkout")
    assert "Shall I pay" not in reply, reply
    reply = await golden_crumb.say("I'd like all of those large", "checkout")
    assert golden_crumb.lines() == [
        ("latte", 1, {"size": "large"}),
        ("americano", 1, {"size": "large"}),
    ], reply
    assert "Shall I pay" not in reply, reply


# 2. A line by its place in the cart.


async def test_the_third_one_changes_the_third_line_shown(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a latte, an espresso and a cortado")
    reply = await copper_kettle.say("could the third one be decaf", "change_item")
    assert copper_kettle.lines() == [
        ("latte", 1, {}),
        ("espresso", 1, {}),
        ("cortado", 1, {"caffeine": "decaf"}),
    ], reply


async def test_the_first_one_changes_the_first_line_between_foods(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("an americano, a hash brown and a latte")
    reply = await golden_crumb.say("I want the first one big", "change_item")
    assert golden_crumb.lines() == [
        ("americano", 1, {"size": "large"}),
        ("hash-brown", 1, {}),
        ("latte", 1, {}),
    ], reply


async def test_scratch_the_first_one_removes_the_first_line(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("an americano, a steamer and a latte")
    reply = await copper_kettle.say("scratch the first one", "remove_item")
    assert copper_kettle.lines() == [("steamer", 1, {}), ("latte", 1, {})], reply


async def test_a_removal_by_place_with_a_verb_only_the_intent_heard_still_removes(
    golden_crumb: SandboxTalk,
) -> None:
    """ "lose the second one": no removal verb the parser knows; DIET's remove_item is it."""
    await golden_crumb.say("a youtiao, a latte and a hash brown")
    reply = await golden_crumb.say("lose the second one", "remove_item")
    assert golden_crumb.lines() == [("youtiao", 1, {}), ("hash-brown", 1, {})], reply


# 3. "one of them" over a line of several.


async def test_take_two_of_those_off_leaves_the_rest(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("five hash browns")
    reply = await golden_crumb.say("take two of those off", "remove_item")
    assert golden_crumb.lines() == [("hash-brown", 3, {})], reply


async def test_one_of_them_removed_without_a_known_verb_takes_one_away(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("three almond lattes")
    reply = await copper_kettle.say("lose one of them", "remove_item")
    assert copper_kettle.lines() == [("latte", 2, {"milk": "almond"})], reply


async def test_parts_said_of_one_line_each_take_their_options(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("four mochas")
    reply = await copper_kettle.say("make one of them iced and two of them decaf", "change_item")
    assert sorted(copper_kettle.lines(), key=str) == sorted(
        [
            ("mocha", 1, {}),
            ("mocha", 1, {"temperature": "iced"}),
            ("mocha", 2, {"caffeine": "decaf"}),
        ],
        key=str,
    ), reply


async def test_parts_with_their_own_counts_leave_the_rest_as_it_was(
    copper_kettle: SandboxTalk,
) -> None:
    """(Golden Crumb's lexicon hears "medium" as the Soy Milk's "regular", which no coffee
    there has: a part said in it is refused, so the split is shown at Copper Kettle.)"""
    await copper_kettle.say("five cappuccinos")
    reply = await copper_kettle.say("two of them small and one of them large please", "change_item")
    assert sorted(copper_kettle.lines(), key=str) == sorted(
        [
            ("cappuccino", 2, {}),
            ("cappuccino", 2, {"size": "small"}),
            ("cappuccino", 1, {"size": "large"}),
        ],
        key=str,
    ), reply


async def test_parts_needing_more_than_the_line_holds_change_nothing(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a hot chocolate")
    before = copper_kettle.lines()
    await copper_kettle.say("make one of them small and one of them large", "change_item")
    assert copper_kettle.lines() == before


# 4. An item named for removal that several lines could be.


async def test_removing_an_item_two_lines_could_be_asks_and_the_answer_picks(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("an oat latte and a decaf latte")
    before = copper_kettle.lines()
    reply = await copper_kettle.say("take a latte off", "remove_item")
    assert copper_kettle.lines() == before, reply
    assert "Which one" in reply and copper_kettle.talk.question == "which_line", reply
    reply = await copper_kettle.say("the decaf one", "inform")
    assert copper_kettle.lines() == [("latte", 1, {"milk": "oat"})], reply


async def test_removing_one_of_an_item_asks_then_takes_one_from_the_line_picked(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("two large americanos and an americano")
    reply = await golden_crumb.say("delete an americano", "remove_item")
    assert len(golden_crumb.lines()) == 2 and "Which one" in reply, reply
    reply = await golden_crumb.say("the large one", "inform")
    assert sorted(golden_crumb.lines(), key=str) == sorted(
        [("americano", 1, {"size": "large"}), ("americano", 1, {})], key=str
    ), reply


async def test_a_removal_the_options_said_pick_out_needs_no_question(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("an oat latte and a decaf latte")
    reply = await copper_kettle.say("remove the oat latte", "remove_item")
    assert copper_kettle.lines() == [("latte", 1, {"caffeine": "decaf"})], reply


async def test_a_clear_removal_beside_an_unclear_one_is_done_and_the_other_asked(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("an oat mocha, a decaf mocha and an espresso")
    reply = await copper_kettle.say("remove the espresso and a mocha", "remove_item")
    assert len(copper_kettle.lines()) == 2 and "Which one" in reply, reply
    assert ("espresso", 1, {}) not in copper_kettle.lines(), reply
    reply = await copper_kettle.say("the oat one", "inform")
    assert copper_kettle.lines() == [("mocha", 1, {"caffeine": "decaf"})], reply


# 5. "one of the <item>s" with an option, the item named: that many split off the line (a
# blind round: "can one of the lattes be a large" over 2 Lattes left one large Latte, "could
# one of those come with soy milk instead of the coffee" changed both Breakfast Combos).


async def test_one_of_the_named_items_with_a_size_splits_it_off(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("two americanos and a hash brown")
    reply = await golden_crumb.say("could one of the americanos be large", "change_item")
    assert golden_crumb.lines() == [
        ("americano", 1, {}),
        ("americano", 1, {"size": "large"}),
        ("hash-brown", 1, {}),
    ], reply


async def test_one_of_the_named_items_with_a_milk_splits_it_off(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("two mochas and a latte")
    reply = await copper_kettle.say("one of the mochas with almond milk", "change_item")
    assert copper_kettle.lines() == [
        ("mocha", 1, {}),
        ("mocha", 1, {"milk": "almond"}),
        ("latte", 1, {}),
    ], reply


async def test_two_of_the_named_items_iced_split_two_off(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("three lattes")
    reply = await copper_kettle.say("can two of the lattes be iced", "change_item")
    assert copper_kettle.lines() == [("latte", 1, {}), ("latte", 2, {"temperature": "iced"})], reply


async def test_one_of_those_combos_with_another_drink_splits_it_off(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("two combos please")
    reply = await golden_crumb.say(
        "can one of them have a soy milk instead of the coffee", "change_item"
    )
    assert golden_crumb.lines() == [
        ("breakfast-combo", 1, {}),
        ("breakfast-combo", 1, {"drink": "soy-milk"}),
    ], reply


# 6. A count over the line just added ("sorry, I need two of those") is its new count.


async def test_a_count_of_those_after_a_second_item_counts_that_item(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a mocha")
    await copper_kettle.say("and an earl grey")
    reply = await copper_kettle.say("sorry, we need three of those", "change_item")
    assert copper_kettle.lines() == [("mocha", 1, {}), ("earl-grey", 3, {})], reply


async def test_a_count_of_them_after_a_second_item_counts_that_item(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("a latte")
    await golden_crumb.say("and a youtiao")
    reply = await golden_crumb.say("oh I wanted two of them", "change_item")
    assert golden_crumb.lines() == [("latte", 1, {}), ("youtiao", 2, {})], reply


# 7. Words that only say which lines ("the last ONE", "the first TWO", "the TWO teas",
# "two OF EACH") are no counts of items (a blind round: "the last one, make it three" and
# "take the first one off" were not understood, "make the last two iced" changed only the
# last line, "take the two teas off" was not understood, "make it two of each" over a
# latte and an americano made only the americano 2).


async def test_a_line_by_place_then_its_new_count(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a youtiao, two lattes and a hash brown")
    reply = await golden_crumb.say("the first one, make it four", "change_item")
    assert golden_crumb.lines() == [("youtiao", 4, {}), ("latte", 2, {}), ("hash-brown", 1, {})], (
        reply
    )


async def test_the_second_one_gets_a_new_count(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a cortado, a latte and an espresso")
    reply = await copper_kettle.say("the second one, make that two", "change_item")
    assert copper_kettle.lines() == [("cortado", 1, {}), ("latte", 2, {}), ("espresso", 1, {})], (
        reply
    )


async def test_take_a_line_by_place_off(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a cappuccino, an earl grey and a mocha")
    reply = await copper_kettle.say("take the last one off", "remove_item")
    assert copper_kettle.lines() == [("cappuccino", 1, {}), ("earl-grey", 1, {})], reply


async def test_take_the_first_one_out(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a hash brown, a latte and a youtiao")
    reply = await golden_crumb.say("take the first one out please", "remove_item")
    assert golden_crumb.lines() == [("latte", 1, {}), ("youtiao", 1, {})], reply


async def test_the_first_two_lines_take_an_option(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a latte, a mocha and an espresso")
    reply = await copper_kettle.say("make the first two iced", "change_item")
    assert copper_kettle.lines() == [
        ("latte", 1, {"temperature": "iced"}),
        ("mocha", 1, {"temperature": "iced"}),
        ("espresso", 1, {}),
    ], reply


async def test_the_last_two_lines_are_removed(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a latte, a hash brown and a youtiao")
    reply = await golden_crumb.say("remove the last two", "remove_item")
    assert golden_crumb.lines() == [("latte", 1, {})], reply


async def test_the_two_of_a_kind_are_removed(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("an english breakfast, a mocha and a wild strawberry")
    reply = await copper_kettle.say("remove the two teas", "remove_item")
    assert copper_kettle.lines() == [("mocha", 1, {})], reply


async def test_the_two_drinks_take_a_size(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a latte, a hash brown and an americano")
    reply = await golden_crumb.say("make the two drinks large", "change_item")
    assert golden_crumb.lines() == [
        ("latte", 1, {"size": "large"}),
        ("hash-brown", 1, {}),
        ("americano", 1, {"size": "large"}),
    ], reply


async def test_the_two_of_a_kind_among_three_is_asked(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("an english breakfast, an earl grey and a jin xuan")
    reply = await copper_kettle.say("take the two teas off", "remove_item")
    assert len(copper_kettle.lines()) == 3, reply
    assert "Which" in reply, reply


async def test_a_count_of_each_counts_every_line(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a mocha and a cortado")
    reply = await copper_kettle.say("make that three of each", "change_item")
    assert copper_kettle.lines() == [("mocha", 3, {}), ("cortado", 3, {})], reply


async def test_two_of_each_counts_every_line(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a hash brown and a youtiao")
    reply = await golden_crumb.say("two of each please", "change_item")
    assert golden_crumb.lines() == [("hash-brown", 2, {}), ("youtiao", 2, {})], reply


async def test_all_three_large_is_no_count(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a latte, an americano and a soy milk")
    reply = await golden_crumb.say("make all three large", "change_item")
    assert [(sku, n) for sku, n, _ in golden_crumb.lines()] == [
        ("latte", 1),
        ("americano", 1),
        ("soy-milk", 1),
    ], reply


# A kind of item with a quantifier: every line of that kind, and only those. "both
# coffees" at the Golden Crumb is the Americano (called "coffee") and the Latte (called
# "milk coffee"), not the Americano alone; "both teas" at the Copper Kettle are its teas,
# not its coffees.


async def test_both_coffees_large_changes_every_line_called_coffee(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("a latte, a hash brown and an americano")
    reply = await golden_crumb.say("could you make both coffees large", "change_item")
    assert golden_crumb.lines() == [
        ("latte", 1, {"size": "large"}),
        ("hash-brown", 1, {}),
        ("americano", 1, {"size": "large"}),
    ], reply


async def test_delete_both_coffees_removes_every_line_called_coffee(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("an americano, a cola and two lattes")
    reply = await golden_crumb.say("actually delete both coffees", "remove_item")
    assert golden_crumb.lines() == [("cola", 1, {})], reply


async def test_both_teas_iced_changes_the_teas_and_not_the_coffee(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("an earl grey, a cortado and a wild strawberry")
    reply = await copper_kettle.say("make both teas iced please", "change_item")
    assert copper_kettle.lines() == [
        ("earl-grey", 1, {"temperature": "iced"}),
        ("cortado", 1, {}),
        ("wild-strawberry", 1, {"temperature": "iced"}),
    ], reply


async def test_all_the_drinks_large_leaves_the_food(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a soy milk, a youtiao and a cola")
    reply = await golden_crumb.say("all my drinks large", "change_item")
    assert golden_crumb.lines() == [
        ("soy-milk", 1, {"size": "large"}),
        ("youtiao", 1, {}),
        ("cola", 1, {}),
    ], reply


async def test_both_lattes_over_two_lattes_leaves_the_chai_latte(
    copper_kettle: SandboxTalk,
) -> None:
    """ "lattes" also calls the Chai Latte, but two Lattes are already both of them."""
    await copper_kettle.say("two lattes and a chai latte")
    reply = await copper_kettle.say("delete both lattes", "remove_item")
    assert copper_kettle.lines() == [("chai-latte", 1, {})], reply


async def test_both_drinks_over_a_coffee_and_a_tea_is_both_lines(
    copper_kettle: SandboxTalk,
) -> None:
    """The Copper Kettle's menu files teas apart from its "drinks"; "both" still says two
    lines, and the cart holds exactly two."""
    await copper_kettle.say("a mocha and an english breakfast")
    reply = await copper_kettle.say("make both drinks large", "change_item")
    assert copper_kettle.lines() == [
        ("mocha", 1, {"size": "large"}),
        ("english-breakfast", 1, {"size": "large"}),
    ], reply


# A line chosen by place becomes the item named, even when that item is in the cart already
# (the two lines of one item are then one line).


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "change the second one to a mocha",
            [("mocha", 2, {}), ("cortado", 1, {})],
        ),
        (
            "swap the last one for a mocha please",
            [("mocha", 2, {}), ("earl-grey", 1, {})],
        ),
        (
            "make the first one a cortado",
            [("cortado", 2, {}), ("earl-grey", 1, {})],
        ),
    ],
)
async def test_a_line_by_place_becomes_an_item_already_in_the_cart(
    copper_kettle: SandboxTalk, text: str, expected: list[tuple[str, int, dict[str, str]]]
) -> None:
    await copper_kettle.say("a mocha, an earl grey and a cortado")
    reply = await copper_kettle.say(text, "change_item")
    assert copper_kettle.lines() == expected, reply


# 7. A combo's drink said with a count, a pointer or "the one with X" over combo lines is
# the combos' drink or size, never a drink line of its own (blind round 7 gc-01, gc-20,
# gc-33, gc-41: such edits answered "There's no Soy Milk in your cart" or added drinks).


@pytest.mark.parametrize("intent", ["change_item", "order_item"])
async def test_a_count_of_combos_switched_to_another_drink_splits_that_many_off(
    golden_crumb: SandboxTalk, intent: str
) -> None:
    await golden_crumb.say("four meal deals")
    reply = await golden_crumb.say("could three of them be soy milk rather than americano", intent)
    assert golden_crumb.lines() == [
        ("breakfast-combo", 1, {}),
        ("breakfast-combo", 3, {"drink": "soy-milk"}),
    ], reply


@pytest.mark.parametrize("intent", ["change_item", "order_item"])
async def test_the_other_combo_with_its_own_drink_large_makes_that_combo_large(
    golden_crumb: SandboxTalk, intent: str
) -> None:
    await golden_crumb.say("two meal deals, one of them with soy milk")
    reply = await golden_crumb.say("and the other with a big americano", intent)
    assert golden_crumb.lines() == [
        ("breakfast-combo", 1, {"size": "large"}),
        ("breakfast-combo", 1, {"drink": "soy-milk"}),
    ], reply


@pytest.mark.parametrize("intent", ["change_item", "order_item"])
async def test_the_combo_with_a_drink_said_large_makes_that_combo_large(
    golden_crumb: SandboxTalk, intent: str
) -> None:
    await golden_crumb.say("two meal deals, one of them with soy milk")
    reply = await golden_crumb.say("the one with the soymilk can be a large", intent)
    assert golden_crumb.lines() == [
        ("breakfast-combo", 1, {}),
        ("breakfast-combo", 1, {"drink": "soy-milk", "size": "large"}),
    ], reply


@pytest.mark.parametrize("intent", ["change_item", "order_item"])
async def test_one_of_the_combos_with_its_drink_large_splits_one_off_large(
    golden_crumb: SandboxTalk, intent: str
) -> None:
    await golden_crumb.say("two meal deals with soymilk")
    reply = await golden_crumb.say("make one of those with a big soy milk", intent)
    assert golden_crumb.lines() == [
        ("breakfast-combo", 1, {"drink": "soy-milk"}),
        ("breakfast-combo", 1, {"drink": "soy-milk", "size": "large"}),
    ], reply


@pytest.mark.parametrize("intent", ["change_item", "order_item"])
async def test_making_a_count_of_combos_another_drink_instead_of_coffee_splits_them(
    golden_crumb: SandboxTalk, intent: str
) -> None:
    await golden_crumb.say("three breakfast combos and a youtiao")
    reply = await golden_crumb.say("hmm make two of those soymilk instead of the coffee", intent)
    assert golden_crumb.lines() == [
        ("breakfast-combo", 1, {}),
        ("breakfast-combo", 2, {"drink": "soy-milk"}),
        ("youtiao", 1, {}),
    ], reply


@pytest.mark.parametrize("intent", ["change_item", "order_item"])
async def test_the_combo_split_off_with_a_drink_then_said_large_is_made_large(
    golden_crumb: SandboxTalk, intent: str
) -> None:
    await golden_crumb.say("two meal deals")
    await golden_crumb.say("could one of those come with soymilk?", "change_item")
    assert golden_crumb.lines() == [
        ("breakfast-combo", 1, {}),
        ("breakfast-combo", 1, {"drink": "soy-milk"}),
    ]
    reply = await golden_crumb.say("and the one with the soymilk ought to be big", intent)
    assert golden_crumb.lines() == [
        ("breakfast-combo", 1, {}),
        ("breakfast-combo", 1, {"drink": "soy-milk", "size": "large"}),
    ], reply


@pytest.mark.parametrize(
    "text", ["the one with soymilk needs to be big", "the one with a soymilk in large"]
)
@pytest.mark.parametrize("intent", ["change_item", "order_item"])
async def test_the_one_with_a_drink_said_without_the_names_that_combo(
    golden_crumb: SandboxTalk, intent: str, text: str
) -> None:
    await golden_crumb.say("two breakfast combos, one of them with soymilk, and a hash brown")
    reply = await golden_crumb.say(text, intent)
    assert golden_crumb.lines() == [
        ("breakfast-combo", 1, {}),
        ("breakfast-combo", 1, {"drink": "soy-milk", "size": "large"}),
        ("hash-brown", 1, {}),
    ], reply


async def test_one_more_combo_given_the_drink_another_already_has_splits_from_the_rest(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("three meal deals, one of them with soymilk")
    reply = await golden_crumb.say("could one of them come with soymilk", "change_item")
    assert sorted(golden_crumb.lines(), key=lambda line: line[1]) == [
        ("breakfast-combo", 1, {}),
        ("breakfast-combo", 2, {"drink": "soy-milk"}),
    ], reply
