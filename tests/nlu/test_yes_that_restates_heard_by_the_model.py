"""A yes that restates the money question's action, as the trained model hears it, done by
the real actions (the fixtures of tests/nlu/test_edits_heard_by_the_model.py). A blind
round: "yes, cancel it" to "Cancel order 1009 ... and refund ¥14.00?" (the button's own
words) was heard as affirm at 0.78 beside cancel_order and asked again. Other sentences;
the model chooses the intent. The tracker-level tests with the splits spelled out are in
tests/actions/test_yes_that_restates_the_question.py.
"""

from __future__ import annotations

import pytest

from tests.nlu.heard_by_the_model import Heard

pytestmark = pytest.mark.slow  # loads the trained model, twice


async def statuses(heard: Heard) -> list[str]:
    return [order.status for order in await heard.talk.backend.orders(heard.talk.sender)]


async def asked_to_cancel(heard: Heard, order: str) -> None:
    await heard.say(order)
    await heard.say("that's all")
    await heard.say("yes")
    assert await statuses(heard) == ["paid"]
    reply = await heard.say("oh no, I need to cancel that order")
    assert "Cancel order" in reply and heard.talk.question == "cancel", reply


@pytest.mark.parametrize(
    "answer",
    ["yes cancel my order", "yeah cancel it", "yep cancel that order", "yes please cancel"],
)
async def test_a_yes_restating_the_cancel_refunds(crumb: Heard, answer: str) -> None:
    await asked_to_cancel(crumb, "a chicken congee and a soy milk")
    reply = await crumb.say(answer)
    assert await statuses(crumb) == ["refunded"] and "is cancelled" in reply, reply


@pytest.mark.parametrize("answer", ["ok, pay for it", "yes please, pay for it"])
async def test_a_yes_restating_the_payment_pays(kettle: Heard, answer: str) -> None:
    await kettle.say("a cortado")
    await kettle.say("that's everything")
    reply = await kettle.say(answer)
    assert await statuses(kettle) == ["paid"] and "Paid" in reply, reply


@pytest.mark.parametrize(
    "answer",
    ["yeah no, cancel it", "yes wait cancel it", "no, don't cancel it", "yes, cancel it, I guess"],
)
async def test_a_withdrawn_or_doubtful_yes_restating_the_cancel_refunds_nothing(
    crumb: Heard, answer: str
) -> None:
    await asked_to_cancel(crumb, "two youtiao")
    reply = await crumb.say(answer)
    assert await statuses(crumb) == ["paid"] and "is cancelled" not in reply, reply
