"""The answers to "That time is full. Shall I make it 09:10?" as the trained model hears
them (issue 17 §4, pickup slots): a yes in any words takes the offered time, another time
said instead is read back. tests/actions/test_pickup_slots_dialogue.py has the dialogue
with the intents given; this checks the model gives intents that lead there."""

from __future__ import annotations

import pytest

from tests.actions.test_pickup_slots_dialogue import others_order_at
from tests.nlu.heard_by_the_model import Heard

pytestmark = pytest.mark.slow  # loads the trained model, twice


async def offered_nine_ten(crumb: Heard) -> None:
    await others_order_at(crumb.talk.backend, "09:00")
    await crumb.say("a cola")
    await crumb.say("pick it up at 9:00")
    reply = await crumb.say("that's all")
    assert "Shall I make it 09:10?" in reply and crumb.talk.question == "slot_offer", reply


@pytest.mark.parametrize(
    "answer", ["yes", "ok that one", "ok that one please", "yes please", "sure, that works"]
)
async def test_a_yes_in_any_words_takes_the_offered_time(crumb: Heard, answer: str) -> None:
    await offered_nine_ten(crumb)
    reply = await crumb.say(answer)
    assert "Pickup at People's Square, at 09:10" in reply, reply
    assert crumb.talk.question == "pay"


@pytest.mark.parametrize(
    ("answer", "read_back"),
    [
        ("no, make it 9:30", "at 09:30"),
        ("9:40 then", "at 09:40"),
        ("as soon as possible then", "as soon as possible, ready around 08:10"),
    ],
)
async def test_another_time_said_instead_is_read_back(
    crumb: Heard, answer: str, read_back: str
) -> None:
    await offered_nine_ten(crumb)
    reply = await crumb.say(answer)
    assert f"Pickup at People's Square, {read_back}" in reply, reply
    assert crumb.talk.question == "pay"
