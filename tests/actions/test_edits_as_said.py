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
