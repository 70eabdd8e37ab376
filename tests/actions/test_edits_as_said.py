"""Edits of lines already in the cart, through the real parser and the real actions.

Each test starts from a cart of several items and says one edit the way people do; the
cart that results must hold every item paid for, changed as said (issue 15 §1, a blind
test round found these edits losing or ignoring lines).
"""

from __future__ import annotations

from tests.actions.conversation import Conversation
from tests.actions.test_composed_orders import lines, say


async def test_both_of_them_without_an_item_name_changes_every_line_of_the_cart() -> None:
    talk = Conversation()
    await say(talk, "one americano plus one soy milk")
    reply = await say(talk, "could I get both of them big", "change_item")
    assert lines(talk) == [
        ("americano", 1, {"size": "large"}),
        ("soy-milk", 1, {"size": "large"}),
    ], reply


async def test_all_of_them_large_sizes_up_each_line_that_has_sizes() -> None:
    talk = Conversation()
    await say(talk, "a soy milk, an americano and a youtiao")
    reply = await say(talk, "all of them in large please", "change_item")
    assert lines(talk) == [
        ("soy-milk", 1, {"size": "large"}),
        ("americano", 1, {"size": "large"}),
        ("youtiao", 1, {}),
    ], reply
    assert "Youtiao" in reply.split("Your cart")[0], reply


async def test_switching_one_of_two_combos_to_another_drink_splits_the_line() -> None:
    talk = Conversation()
    await say(talk, "two meal deals")
    reply = await say(talk, "actually switch one of those combos over to a soymilk", "change_item")
    assert lines(talk) == [
        ("combo", 1, {}),
        ("combo", 1, {"drink": "soy-milk"}),
    ], reply


async def test_changing_the_last_thing_to_an_item_not_in_the_cart_swaps_that_line() -> None:
    talk = Conversation()
    await say(talk, "a hash brown and two americanos")
    reply = await say(talk, "change the last thing to a cafe latte", "change_item")
    assert lines(talk) == [("hash-brown", 1, {}), ("latte", 2, {})], reply


async def test_swapping_the_first_one_for_an_item_keeps_the_other_line() -> None:
    talk = Conversation()
    await say(talk, "a youtiao and a big soy milk")
    reply = await say(talk, "swap the first one for a hash brown", "change_item")
    assert lines(talk) == [("hash-brown", 1, {}), ("soy-milk", 1, {"size": "large"})], reply


async def test_a_complaint_read_as_a_no_asks_what_to_change_and_does_not_read_back() -> None:
    talk = Conversation()
    await say(talk, "one youtiao")
    reply = await say(talk, "no that is not what I asked for", "deny")
    assert "What should I change?" in reply
    assert lines(talk) == [("youtiao", 1, {})]
    assert not talk.slots.get("awaiting_order"), reply


async def test_a_restatement_after_a_complaint_makes_the_cart_match_it() -> None:
    talk = Conversation()
    await say(talk, "one youtiao")
    await say(talk, "you got my order wrong", "deny")
    reply = await say(talk, "I wanted a youtiao and two cafe lattes")
    assert lines(talk) == [("youtiao", 1, {}), ("latte", 2, {})], reply


async def test_a_restatement_after_a_complaint_sets_the_count_said() -> None:
    talk = Conversation()
    await say(talk, "three americanos and a hash brown")
    await say(talk, "that's not what I said", "change_item")
    reply = await say(talk, "I said two americanos and a hash brown")
    assert lines(talk) == [("americano", 2, {}), ("hash-brown", 1, {})], reply


async def test_an_edit_verb_pointing_at_a_line_changes_it_even_when_heard_as_an_order() -> None:
    """DIET may classify "no wait, make that ..." as an order; the edit verb and the
    pointer still say which line changes, and nothing is added."""
    talk = Conversation()
    await say(talk, "one hash brown and a soy milk")
    reply = await say(talk, "hmm no, make that three hash browns", "order_item")
    assert lines(talk) == [("hash-brown", 3, {}), ("soy-milk", 1, {})], reply


async def test_asking_to_make_another_of_an_item_in_the_cart_still_adds_one() -> None:
    talk = Conversation()
    await say(talk, "a youtiao")
    reply = await say(talk, "can you make me a youtiao as well", "order_item")
    assert lines(talk) == [("youtiao", 2, {})], reply
