"""Stores near the customer, through the REST channel with the location the shell sends
(--near), the trained model and the real platform's 5,000 Golden Crumb stores (issue 17 §4)."""

from __future__ import annotations

import math

import pytest

from actions.store_offers import WALKING_METRES_PER_MINUTE
from contracts.location import ClientLocation
from launch.stack import Stack
from tests.customer import Customer

pytestmark = pytest.mark.slow

# A street corner a few hundred metres west of People's Square.
CORNER = ClientLocation(lat=31.2301, lon=121.4662)


def test_nearest_open_store_with_a_location_is_taken_with_its_walk_and_kept_for_the_order(
    running_stack: Stack,
) -> None:
    customer = Customer.on_stack(running_stack)
    nearest = customer.merchant("/merchants/golden-crumb/stores", near=CORNER.near(), limit="1")[
        "stores"
    ][0]
    reply = customer.say("nearest open store", near=CORNER)
    minutes = max(1, math.ceil(nearest["distance_m"] / WALKING_METRES_PER_MINUTE))
    assert nearest["name"] in reply and f"{minutes} min walk" in reply, reply
    customer.say("a hash brown", near=CORNER)
    customer.say("that's all", near=CORNER)
    readback = customer.custom("readback")
    assert readback is not None and readback["store"]["id"] == nearest["id"], customer.replies


def test_stores_near_me_are_offered_and_the_second_one_is_chosen(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    customer.say("which stores are near me", near=CORNER)
    cards = next(m["custom"]["stores"] for m in customer.replies if "stores" in m.get("custom", {}))
    assert len(cards) == 3, customer.replies
    customer.say("the second one", near=CORNER)
    customer.say("a youtiao")
    customer.say("that's all")
    readback = customer.custom("readback")
    assert readback is not None and readback["store"]["id"] == cards[1]["id"], customer.replies


def test_without_a_location_the_nearest_store_is_not_guessed(running_stack: Stack) -> None:
    customer = Customer.on_stack(running_stack)
    reply = customer.say("nearest open store")
    assert "--near" in reply, reply
