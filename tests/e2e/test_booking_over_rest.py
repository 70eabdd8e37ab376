"""A hotel booking paid with the PIN, end to end (issue 17 §3): the whole assistant serving
Harbour Inn (`ORDERLY_MERCHANT_ID=harbour-inn`), the trained model, the REST channel's PIN
guard and the platform, on the fixed morning clock of tests/conftest.py (Tuesday 24 November
2026). Its own stack: the shared one serves Golden Crumb, and the merchant in use is one per
process until it is chosen per conversation (issue 17 §2)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from launch.stack import Stack, StackConfig
from tests.conftest import MORNING, ONE_ADDRESS_FOR_EVERYONE, free_port
from tests.customer import Customer
from tests.pins_at_rest import files_holding
from tests.tokens import TEST_JWT_SECRET

pytestmark = pytest.mark.slow

PIN = "735091"


@pytest.fixture(scope="module")
def hotel_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    config = StackConfig(
        data_dir=tmp_path_factory.mktemp("hotel-stack"),
        merchant_port=free_port(),
        actions_port=free_port(),
        rasa_port=free_port(),
        wyoming_port=free_port(),
        env={
            "ORDERLY_MERCHANT_ID": "harbour-inn",
            "ORDERLY_NOW": MORNING,
            "ORDERLY_JWT_SECRET": TEST_JWT_SECRET,
            **ONE_ADDRESS_FOR_EVERYONE,
        },
    )
    with Stack(config) as stack:
        yield stack


def test_a_booking_asked_for_in_words_is_paid_with_the_pin(hotel_stack: Stack) -> None:
    guest = Customer.with_own_pin(hotel_stack, PIN)
    reply = guest.say("book a room in Hangzhou for this Friday, two nights")
    assert reply.startswith("Which hotel in Hangzhou:"), reply
    assert guest.say("the West Lake one").strip() == "How many guests?"
    assert guest.say("two").startswith("Which room would you like")
    reply = guest.say("a twin room")
    assert "check-in Fri 27 Nov from 14:00, check-out Sun 29 Nov" in reply, reply
    readback = guest.custom("readback")
    assert readback is not None and readback["total"] == 43600
    order_id = str(readback["order_id"])

    reply = guest.say("yes")
    assert "PIN" in reply and guest.payments(order_id) == [], reply
    reply = guest.say(PIN)  # the channel's guard checks it with the platform
    assert reply.startswith(f"Paid ¥436.00. Your booking number is {order_id}"), reply
    assert [p["amount"] for p in guest.payments(order_id)] == [43600]
    assert guest.order(order_id)["stay"]["check_out"] == "2026-11-29"
    assert guest.balance() == 50000 - 43600
    assert files_holding(hotel_stack.config.data_dir, PIN) == []
