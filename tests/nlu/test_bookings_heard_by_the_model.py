"""The issue's two booking sentences and a missing-dates answer, heard by the trained model at
Harbour Inn (issue 17 §3). Nothing in the training data names a hotel, a city or a room type:
they are the pack's, read from the platform. The platform's day is Tuesday 24 November 2026."""

from __future__ import annotations

import pytest

from tests.nlu.heard_by_the_model import Heard

pytestmark = pytest.mark.slow  # loads the trained model


async def test_book_a_room_in_hangzhou_for_this_friday_two_nights(inn: Heard) -> None:
    reply = await inn.say("book a room in Hangzhou for this Friday, two nights")
    assert reply.startswith("Which hotel in Hangzhou: Harbour Inn West Lake"), reply
    assert inn.talk.slots["stay"] == {"city": "Hangzhou", "check_in": "2026-11-27", "nights": 2}
    reply = await inn.say("the West Lake one")
    assert reply == "How many guests?", reply
    reply = await inn.say("two")
    assert reply.startswith("Which room would you like"), reply
    reply = await inn.say("a twin room")
    assert "a Twin Room at Harbour Inn West Lake, Hangzhou; check-in Fri 27 Nov" in reply, reply
    assert "Shall I pay ¥436.00 for order 1001?" in reply


async def test_a_twin_room_at_the_west_lake_one_from_the_12th_to_the_14th(inn: Heard) -> None:
    reply = await inn.say(
        "a twin room at the West Lake one from the 12th to the 14th for two people"
    )
    assert reply.startswith(
        "Here is your booking: a Twin Room at Harbour Inn West Lake, Hangzhou; check-in Sat 12 "
        "Dec from 14:00, check-out Mon 14 Dec: 2 nights for 2 guests"
    ), reply


async def test_the_dates_left_out_are_asked_for(inn: Heard) -> None:
    reply = await inn.say("I'd like a king suite at the Bund for two people")
    assert reply == "Which day would you like to check in?", reply
    reply = await inn.say("tomorrow")
    assert reply == "How many nights?", reply
    reply = await inn.say("three nights")
    assert "a King Suite at Harbour Inn The Bund, Shanghai; check-in Wed 25 Nov" in reply, reply
    assert "3 nights for 2 guests" in reply
