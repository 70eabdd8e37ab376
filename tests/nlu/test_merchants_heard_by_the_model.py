"""Switching merchants mid-conversation as the trained model hears it (issue 17 §2): merchant
names come from the lexicon, never from the training data, and each message is heard as the
merchant in use sells, the slot passed to the NLU the way the Rasa process passes it
(launch/rasa_process/merchant_in_use.py)."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import SlotSet
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from launch.rasa_process import merchant_in_use
from tests.nlu.heard_by_the_model import COPPER_KETTLE, GOLDEN_CRUMB, Heard


async def heard_in_conversation(crumb: Heard, text: str) -> dict[str, Any]:
    """What the Rasa process's NLU makes of `text` in this conversation (its merchant slot)."""
    merchant_in_use.install()
    slot = AnySlot("merchant_id", mappings=[{"type": "custom"}])
    chosen = crumb.talk.slots.get("merchant_id")
    events = [SlotSet("merchant_id", chosen)] if chosen else []
    tracker = DialogueStateTracker.from_events("t", events, slots=[slot])
    parsed: dict[str, Any] = await crumb.agent.processor.parse_message(UserMessage(text), tracker)
    return parsed


async def say(crumb: Heard, text: str) -> str:
    parsed = await heard_in_conversation(crumb, text)
    return await crumb.talk.say(
        text,
        parsed["intent"]["name"],
        *parsed["entities"],
        confidence=parsed["intent"]["confidence"],
        ranking={i["name"]: i["confidence"] for i in parsed.get("intent_ranking", [])},
    )


async def test_order_from_a_merchant_named_mid_conversation_asks_and_no_keeps_the_cart(
    crumb: Heard,
) -> None:
    await say(crumb, "two hash browns")
    reply = await say(crumb, "order from Copper Kettle")
    assert crumb.talk.question == "new_cart", reply
    reply = await say(crumb, "no, finish this one first")
    assert crumb.lines() == [("hash-brown", 2, {})], reply
    assert crumb.talk.slots.get("merchant_id") in (None, GOLDEN_CRUMB)


async def test_switch_to_the_coffee_place_and_yes_orders_there_as_that_merchant_sells(
    crumb: Heard,
) -> None:
    await say(crumb, "a hash brown")
    await say(crumb, "switch to the coffee place")
    reply = await say(crumb, "yes, a new cart")
    assert crumb.talk.slots["merchant_id"] == COPPER_KETTLE, reply
    assert crumb.lines() == []
    # Heard as Copper Kettle sells: its own lattes, with its oat milk.
    reply = await say(crumb, "an oat latte")
    assert crumb.lines() == [("latte", 1, {"milk": "oat"})], reply


async def test_an_item_only_another_merchant_sells_is_heard_and_chooses_it(crumb: Heard) -> None:
    reply = await say(crumb, "a cortado please")
    assert crumb.talk.slots["merchant_id"] == COPPER_KETTLE, reply
    assert crumb.lines() == [("cortado", 1, {})]


async def test_what_can_i_order_lists_the_merchants(crumb: Heard) -> None:
    reply = await say(crumb, "what can I order?")
    assert "Golden Crumb" in reply and "Copper Kettle Coffee" in reply, reply


async def test_who_has_matcha_is_a_question_about_every_merchant_not_an_order(
    crumb: Heard,
) -> None:
    reply = await say(crumb, "who has matcha near me?")
    # Heard as the whole platform sells, though Golden Crumb is in use and sells none.
    assert reply.startswith("The Matcha Latte is sold by Copper Kettle Coffee."), reply
    assert crumb.lines() == [] and crumb.talk.question == "merchant_choice"
    reply = await say(crumb, "yes")
    assert crumb.talk.slots["merchant_id"] == COPPER_KETTLE, reply
    assert crumb.lines() == [("matcha-latte", 1, {})]


async def test_which_shops_sell_an_item_several_sell_and_the_first_one_orders_it_there(
    crumb: Heard,
) -> None:
    reply = await say(crumb, "which shops sell lattes")
    assert "Copper Kettle Coffee and Golden Crumb" in reply, reply
    assert reply.endswith("Which shop shall I order it from?") and crumb.lines() == []
    reply = await say(crumb, "the first one")
    assert crumb.talk.slots["merchant_id"] == COPPER_KETTLE, reply
    assert crumb.lines() == [("latte", 1, {})]


async def test_who_sells_it_without_an_item_asks_which_item(crumb: Heard) -> None:
    parsed = await heard_in_conversation(crumb, "who sells that near me")
    assert parsed["intent"]["name"] == "who_sells", parsed["intent"]


async def test_a_room_asked_for_at_the_bakery_chooses_the_hotel(crumb: Heard) -> None:
    reply = await say(crumb, "book a room in Hangzhou for this Friday, two nights")
    assert reply.startswith("That's for Harbour Inn: booking there now. Which hotel in Hangzhou")
    assert crumb.talk.slots["merchant_id"] == "harbour-inn"
    reply = await say(crumb, "order from Copper Kettle")
    assert crumb.talk.question == "new_cart" and "booking is let go" in reply, reply
    reply = await say(crumb, "no, finish this one first")
    assert crumb.talk.slots["merchant_id"] == "harbour-inn", reply
    assert reply.startswith("Which hotel in Hangzhou")
