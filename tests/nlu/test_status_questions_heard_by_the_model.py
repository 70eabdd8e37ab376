"""A question about an order that names its item asks; it never orders (issue 18 §1: "is
my latte ready?"). Item names belong to the merchant's pack, not to the training data, so
the model alone heard "is my <item> ready" as an order of that item."""

from __future__ import annotations

import pytest

from tests.nlu.heard_by_the_model import Heard

pytestmark = pytest.mark.slow  # loads the trained model, twice


@pytest.mark.parametrize(
    "question",
    [
        "is my cortado ready?",
        "are my two mochas done yet",
        "hey, is the iced latte ready to pick up",
        "where's my hot chocolate",
        "has my cappuccino been made yet?",
    ],
)
async def test_a_status_question_naming_an_item_orders_nothing(
    kettle: Heard, question: str
) -> None:
    reply = await kettle.say(question)
    assert kettle.lines() == [], reply
    assert "order" in reply.lower(), reply


async def test_a_status_question_leaves_the_cart_as_it_was(crumb: Heard) -> None:
    await crumb.say("a soy milk and a youtiao")
    reply = await crumb.say("is my congee ready yet?")
    assert crumb.lines() == [("soy-milk", 1, {}), ("youtiao", 1, {})], reply


async def test_ordering_with_ready_words_still_orders(kettle: Heard) -> None:
    """The other way round: "ready" in an order is still an order."""
    await kettle.say("I'm ready to order, a cortado please")
    assert kettle.lines() == [("cortado", 1, {})]
