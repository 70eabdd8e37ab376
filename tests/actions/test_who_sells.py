""" "Who has matcha near me?" (issue 17 §2) at the real sandbox platform: the merchants that
sell an item, each with its open store nearest the customer, at most three, nearest first,
and the customer chooses one to order it from with the one "which shop?" question."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from actions.who_sells import WHICH_ITEM
from contracts.location import ClientLocation
from tests.actions.sandbox_talk import (
    COPPER_KETTLE,
    GOLDEN_CRUMB,
    SandboxTalk,
    sandbox_conversation,
)

# Beside Copper Kettle's Wukang Road store, a few kilometres from Golden Crumb's stores.
WUKANG_ROAD = ClientLocation(lat=31.2093, lon=121.4381)


@pytest.fixture
async def no_merchant_yet(tmp_path: Path) -> AsyncIterator[SandboxTalk]:
    async for conversation in sandbox_conversation(tmp_path, ""):
        yield conversation


async def test_who_sells_an_item_near_me_names_each_seller_with_its_nearest_open_store(
    no_merchant_yet: SandboxTalk,
) -> None:
    here = WUKANG_ROAD.metadata()
    reply = await no_merchant_yet.say("who has a latte near me", "who_sells", metadata=here)
    assert reply.startswith("The Latte near you: 1. Copper Kettle Coffee at "), reply
    assert "2. Golden Crumb at " in reply and "min walk" in reply
    assert reply.endswith("Which shop shall I order it from?")
    assert no_merchant_yet.talk.question == "merchant_choice"
    buttons = no_merchant_yet.talk.replies[-1]["buttons"]
    assert [b["title"] for b in buttons] == ["Copper Kettle Coffee", "Golden Crumb"]
    assert no_merchant_yet.lines() == []  # a question orders nothing
    said = re.search(r"2\. Golden Crumb at (.+?) \(\d+ min walk\)", reply)
    assert said is not None, reply
    reply = await no_merchant_yet.say("the second one", "change_item", metadata=here)
    assert no_merchant_yet.merchant_in_use() == GOLDEN_CRUMB, reply
    assert no_merchant_yet.lines() == [("latte", 1, {})]  # the item asked about, there
    assert f"pickup at {said.group(1)}," in reply  # at the store said with it


async def test_an_item_one_merchant_sells_asks_whether_to_order_it_there(
    golden_crumb: SandboxTalk,
) -> None:
    reply = await golden_crumb.say("who has matcha", "who_sells")
    assert reply.startswith("The Matcha Latte is sold by Copper Kettle Coffee."), reply
    assert "Share your location" in reply
    assert reply.endswith("Shall I order it from Copper Kettle Coffee?")
    assert golden_crumb.merchant_in_use() == GOLDEN_CRUMB  # nothing changed yet
    reply = await golden_crumb.say("yes", "affirm")
    assert golden_crumb.merchant_in_use() == COPPER_KETTLE, reply
    assert golden_crumb.lines() == [("matcha-latte", 1, {})]


async def test_choosing_the_merchant_in_use_orders_the_item_there(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("who sells lattes", "who_sells")
    reply = await golden_crumb.say("Golden Crumb", "choose_merchant")
    assert golden_crumb.merchant_in_use() == GOLDEN_CRUMB, reply
    assert golden_crumb.lines() == [("latte", 1, {})]


async def test_a_place_said_in_words_is_where_the_nearest_stores_are_looked_for(
    no_merchant_yet: SandboxTalk,
) -> None:
    reply = await no_merchant_yet.say("who has a latte near People's Square", "who_sells")
    assert reply.startswith("The Latte near People's Square: 1. Golden Crumb at "), reply


async def test_who_sells_without_an_item_asks_which_item(golden_crumb: SandboxTalk) -> None:
    assert await golden_crumb.say("who sells it near me", "who_sells") == WHICH_ITEM
    assert golden_crumb.talk.question is None
