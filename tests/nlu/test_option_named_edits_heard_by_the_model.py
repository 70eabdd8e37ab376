"""Edits naming their line by an option, removals that order in the same breath, and
changes said at the payment question, as the trained model hears them (the fixtures of
tests/nlu/heard_by_the_model.py); other sentences than the tracker-level tests in
tests/actions/test_edits_named_by_option_or_in_one_breath.py. The model chooses the intent.
"""

from __future__ import annotations

import pytest

from tests.nlu.heard_by_the_model import Heard

pytestmark = pytest.mark.slow  # loads the trained model (shared with the other model files)


async def test_changing_a_syrup_named_alone_changes_its_line_only(kettle: Heard) -> None:
    await kettle.say("a vanilla cappuccino and an americano")
    reply = await kettle.say("change the vanilla to caramel please")
    assert kettle.lines() == [
        ("cappuccino", 1, {"syrup": "caramel"}),
        ("americano", 1, {}),
    ], reply


async def test_removing_the_decaf_one_removes_that_line(kettle: Heard) -> None:
    await kettle.say("a decaf latte and a cortado")
    reply = await kettle.say("actually get rid of the decaf one")
    assert kettle.lines() == [("cortado", 1, {})], reply


async def test_take_one_off_and_add_another_in_one_breath(crumb: Heard) -> None:
    await crumb.say("a youtiao and an americano")
    reply = await crumb.say("remove the youtiao and add a hash brown")
    assert crumb.lines() == [("americano", 1, {}), ("hash-brown", 1, {})], reply


async def test_no_with_a_change_at_the_payment_question_changes_the_order(crumb: Heard) -> None:
    await crumb.say("an americano")
    await crumb.say("that's everything")
    reply = await crumb.say("no, make that a large")
    assert crumb.lines() == [("americano", 1, {"size": "large"})], reply
    assert "paid" not in reply.lower(), reply


async def test_an_order_and_a_removal_in_one_breath(kettle: Heard) -> None:
    await kettle.say("a mocha and an earl grey")
    reply = await kettle.say("can you add a cold brew and take off the mocha")
    assert kettle.lines() == [("earl-grey", 1, {}), ("cold-brew", 1, {})], reply
