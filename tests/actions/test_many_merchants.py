"""Many merchants in one conversation (issue 17 §2), at the real sandbox platform with both
packs, each message heard by the platform's lexicon as the merchant in use sells.

The conversation starts at Golden Crumb (`ORDERLY_MERCHANT_ID`), or with no merchant in use
(`ORDERLY_MERCHANT_ID=`). Intents are given by hand, as the tracker-level tests do; a
message naming a merchant and no item is `choose_merchant` (bot/nlu/items_first.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from actions.settings import Settings
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
    """A conversation that starts with no merchant in use."""
    async for conversation in sandbox_conversation(tmp_path, ""):
        yield conversation


def merchant(talk: SandboxTalk) -> str:
    return talk.merchant_in_use()


async def pay(talk: SandboxTalk) -> str:
    """Read the cart back and say yes; the reply of the payment."""
    await talk.say("that's all", "checkout")
    assert talk.talk.question == "pay", talk.talk.replies
    return await talk.say("yes", "affirm")


async def test_order_from_a_merchant_by_name_with_an_empty_cart_switches_at_once(
    golden_crumb: SandboxTalk,
) -> None:
    reply = await golden_crumb.say("order from Copper Kettle", "choose_merchant")
    assert merchant(golden_crumb) == COPPER_KETTLE, reply
    assert "Copper Kettle Coffee" in reply
    reply = await golden_crumb.say("a cortado")
    assert golden_crumb.lines() == [("cortado", 1, {})], reply
    assert "pickup at Xintiandi" in reply  # Copper Kettle's store, not Golden Crumb's


async def test_the_coffee_place_names_the_merchant_by_what_people_call_it(
    golden_crumb: SandboxTalk,
) -> None:
    entities = golden_crumb.parser.parse("switch to the coffee place", GOLDEN_CRUMB)
    assert [e["value"] for e in entities if e["entity"] == "merchant"] == [COPPER_KETTLE]
    assert not [e for e in entities if e["entity"] == "item"]  # "coffee" is no item here
    await golden_crumb.say("switch to the coffee place", "choose_merchant")
    assert merchant(golden_crumb) == COPPER_KETTLE


async def test_switching_with_items_in_the_cart_asks_and_no_keeps_the_cart(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("two hash browns")
    reply = await golden_crumb.say("open Copper Kettle", "choose_merchant")
    assert golden_crumb.talk.question == "new_cart", reply
    assert "Start a new cart at Copper Kettle Coffee" in reply and "finish this one" in reply
    assert merchant(golden_crumb) == GOLDEN_CRUMB  # nothing changed yet
    reply = await golden_crumb.say("no", "deny")
    assert merchant(golden_crumb) == GOLDEN_CRUMB, reply
    assert golden_crumb.lines() == [("hash-brown", 2, {})]
    assert "Your cart: 2 Hash Browns" in reply


async def test_finish_this_one_first_keeps_the_cart_whatever_the_intent(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("a hash brown")
    await golden_crumb.say("order from Copper Kettle", "choose_merchant")
    reply = await golden_crumb.say("finish this one first", "checkout")
    assert merchant(golden_crumb) == GOLDEN_CRUMB, reply
    assert golden_crumb.lines() == [("hash-brown", 1, {})]


async def test_switching_with_items_in_the_cart_and_yes_starts_a_new_cart_there(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("two hash browns")
    await golden_crumb.say("order from Copper Kettle", "choose_merchant")
    reply = await golden_crumb.say("yes, start a new cart", "affirm")
    assert merchant(golden_crumb) == COPPER_KETTLE, reply
    assert golden_crumb.lines() == []
    reply = await golden_crumb.say("an iced oat latte")
    assert golden_crumb.lines() == [("latte", 1, {"temperature": "iced", "milk": "oat"})], reply


async def test_an_item_only_another_merchant_sells_chooses_that_merchant(
    golden_crumb: SandboxTalk,
) -> None:
    reply = await golden_crumb.say("two large mochas")
    assert merchant(golden_crumb) == COPPER_KETTLE, reply
    assert reply.startswith("That's from Copper Kettle Coffee: ordering there now.")
    assert golden_crumb.lines() == [("mocha", 2, {"size": "large"})]
    assert "pickup at Xintiandi" in reply


async def test_an_item_of_another_merchant_with_a_cart_asks_then_orders_it_there(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("a hash brown")
    reply = await golden_crumb.say("and a cortado")
    assert golden_crumb.talk.question == "new_cart", reply
    assert golden_crumb.lines() == [("hash-brown", 1, {})]  # nothing lost, nothing added
    reply = await golden_crumb.say("start a new cart", "start_over")
    assert merchant(golden_crumb) == COPPER_KETTLE, reply
    assert golden_crumb.lines() == [("cortado", 1, {})]
    assert "Added a Cortado" in reply


async def test_an_item_several_sell_is_taken_from_the_merchant_in_use(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("order from Copper Kettle", "choose_merchant")
    reply = await golden_crumb.say("a latte")
    assert merchant(golden_crumb) == COPPER_KETTLE, reply
    assert golden_crumb.lines() == [("latte", 1, {})]


async def test_an_item_several_sell_with_no_merchant_in_use_asks_which_nearest_first(
    no_merchant_yet: SandboxTalk,
) -> None:
    reply = await no_merchant_yet.say("a latte", metadata=WUKANG_ROAD.metadata())
    assert no_merchant_yet.talk.question == "merchant_choice", reply
    assert "Copper Kettle Coffee or Golden Crumb" in reply  # the nearest first
    buttons = no_merchant_yet.talk.replies[-1]["buttons"]
    assert [b["title"] for b in buttons] == ["Copper Kettle Coffee", "Golden Crumb"]
    assert no_merchant_yet.lines() == []
    reply = await no_merchant_yet.say("the bakery", "choose_merchant")
    assert merchant(no_merchant_yet) == GOLDEN_CRUMB, reply
    assert no_merchant_yet.lines() == [("latte", 1, {})]


async def test_which_merchant_answered_the_first_one_takes_the_first_named(
    no_merchant_yet: SandboxTalk,
) -> None:
    await no_merchant_yet.say("a latte", metadata=WUKANG_ROAD.metadata())
    reply = await no_merchant_yet.say("the first one", "change_item")
    assert merchant(no_merchant_yet) == COPPER_KETTLE, reply
    assert no_merchant_yet.lines() == [("latte", 1, {})]


async def test_an_item_one_merchant_sells_needs_no_merchant_in_use(
    no_merchant_yet: SandboxTalk,
) -> None:
    reply = await no_merchant_yet.say("two hash browns")
    assert merchant(no_merchant_yet) == GOLDEN_CRUMB, reply
    assert no_merchant_yet.lines() == [("hash-brown", 2, {})]


async def test_what_can_i_order_names_the_merchants_and_their_kinds(
    golden_crumb: SandboxTalk,
) -> None:
    reply = await golden_crumb.say("what can I order?", "list_merchants")
    assert "Golden Crumb (food and drinks)" in reply
    assert "Copper Kettle Coffee (food and drinks)" in reply
    assert "You're ordering from Golden Crumb" in reply
    assert golden_crumb.talk.question == "merchant_choice"


async def test_orders_at_two_merchants_status_and_cancel_across_both(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("a hash brown")
    paid = await pay(golden_crumb)
    assert "Paid" in paid, paid
    await golden_crumb.say("order from Copper Kettle", "choose_merchant")
    await golden_crumb.say("a cortado")
    readback = await golden_crumb.say("that's all", "checkout")
    assert "Cortado" in readback and "Hash Brown" not in readback
    assert "Paid" in await golden_crumb.say("yes", "affirm")
    gc_order, ck_order = await golden_crumb.talk.backend.orders("alice") and sorted(
        await golden_crumb.talk.backend.orders("alice"), key=lambda o: int(o.id)
    )
    assert (gc_order.merchant_id, ck_order.merchant_id) == (GOLDEN_CRUMB, COPPER_KETTLE)

    reply = await golden_crumb.say("where is my order", "order_status")
    assert f"At Copper Kettle Coffee: Order {ck_order.id} (a Cortado" in reply
    assert f"At Golden Crumb: Order {gc_order.id} (a Hash Brown" in reply
    reply = await golden_crumb.say("where is my coffee order", "order_status")
    assert ck_order.id in reply and gc_order.id not in reply

    reply = await golden_crumb.say("cancel my golden crumb order", "cancel_order")
    assert f"Cancel order {gc_order.id}" in reply, reply
    reply = await golden_crumb.say("yes", "affirm")
    assert f"Order {gc_order.id} is cancelled" in reply
    statuses = {o.id: o.status for o in await golden_crumb.talk.backend.orders("alice")}
    assert statuses == {gc_order.id: "refunded", ck_order.id: "paid"}


async def test_items_no_merchant_sells_together_take_what_this_one_sells_and_name_the_other(
    golden_crumb: SandboxTalk,
) -> None:
    reply = await golden_crumb.say("a hash brown and a cortado")
    assert merchant(golden_crumb) == GOLDEN_CRUMB, reply
    assert golden_crumb.lines() == [("hash-brown", 1, {})]
    assert "Golden Crumb doesn't sell the Cortado; Copper Kettle Coffee does" in reply


async def test_a_menu_question_with_no_merchant_in_use_asks_which_shop_first(
    no_merchant_yet: SandboxTalk,
) -> None:
    reply = await no_merchant_yet.say("how much is a large latte", "ask_price")
    assert no_merchant_yet.talk.question == "merchant_choice", reply
    assert reply.startswith("First, which shop?")
    reply = await no_merchant_yet.say("Copper Kettle", "choose_merchant")
    assert merchant(no_merchant_yet) == COPPER_KETTLE, reply
    reply = await no_merchant_yet.say("how much is a large latte", "ask_price")
    assert "¥" in reply, reply


def test_orderly_merchant_id_none_starts_conversations_with_no_merchant_in_use() -> None:
    # An empty variable reads as unset (the default merchant), so "none" says none.
    assert Settings(merchant_id="none").merchant_id == ""
    assert Settings(merchant_id="copper-kettle").merchant_id == COPPER_KETTLE


async def test_every_reply_card_says_the_merchant_in_use_after_the_turn(
    golden_crumb: SandboxTalk,
) -> None:
    """The voice channel primes recognition with the merchant the replies name
    (`custom.merchant`), so it follows a switch."""
    await golden_crumb.say("two hash browns")
    assert golden_crumb.talk.custom("merchant") == GOLDEN_CRUMB
    await golden_crumb.say("order from Copper Kettle", "choose_merchant")
    await golden_crumb.say("yes, start a new cart", "affirm")
    said = [m["custom"].get("merchant") for m in golden_crumb.talk.replies if m.get("custom")]
    assert said and set(said) == {COPPER_KETTLE}, golden_crumb.talk.replies
    # A message without a card gets none: it would reach clients as a message of its own.
    assert all(len(m["custom"]) > 1 for m in golden_crumb.talk.replies if m.get("custom"))
