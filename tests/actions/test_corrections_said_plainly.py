"""Corrections said without an edit verb, through the real parser and the real actions at
Golden Crumb's sandbox merchant (its own lexicon): "no wait, large fries" right after fries
were added, "the drink should be a soy milk" about a combo, "no actually three" at
"anything else?", "no wait, add a hash brown" at the readback (issue 15 §1: a correction
without an item name applies to the line under discussion; an edit never adds, and an
addition is never read as an edit). Found by probing with new sentences; each added a line
or read back the old order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sandbox_merchant import BASE_URL, sandbox_backend

from actions.lexicon import build_lexicon
from actions.settings import Settings
from bot.nlu.order_parser import OrderParser
from tests.actions.conversation import Conversation
from tests.actions.test_composed_orders import lines

GOLDEN_CRUMB = "golden-crumb"


class Talk:
    def __init__(self, talk: Conversation, parser: OrderParser) -> None:
        self.talk = talk
        self.parser = parser

    async def say(self, text: str, intent: str = "order_item") -> str:
        return await self.talk.say(text, intent, *self.parser.parse(text))

    def lines(self) -> list[tuple[str, int, dict[str, Any]]]:
        return lines(self.talk)


@pytest.fixture
async def crumb(tmp_path: Path) -> AsyncIterator[Talk]:
    backend, _, client = sandbox_backend(tmp_path, GOLDEN_CRUMB)
    settings = Settings(
        merchant_url=BASE_URL,
        merchant_id=GOLDEN_CRUMB,
        merchant_service_token=backend._settings.merchant_service_token,
    )
    parser = OrderParser(await build_lexicon(backend, GOLDEN_CRUMB))
    yield Talk(Conversation(backend=backend, settings=settings), parser)
    await client.aclose()


async def test_no_wait_with_an_option_for_an_item_just_added_changes_that_line(
    crumb: Talk,
) -> None:
    await crumb.say("one chicken burger and some fries")
    reply = await crumb.say("oh wait, big fries")
    assert crumb.lines() == [("chicken-burger", 1, {}), ("fries", 1, {"size": "large"})], reply


async def test_the_drink_should_be_an_item_sets_the_combos_drink_and_adds_no_line(
    crumb: Talk,
) -> None:
    await crumb.say("I'll take a breakfast set")
    reply = await crumb.say("the drink should be soya milk")
    assert crumb.lines() == [("breakfast-combo", 1, {"drink": "soy-milk"})], reply


async def test_no_actually_with_a_count_at_anything_else_sets_the_count(crumb: Talk) -> None:
    await crumb.say("five youtiao")
    reply = await crumb.say("no actually four", "deny")
    assert crumb.lines() == [("youtiao", 4, {})], reply
    assert crumb.talk.question == "more_or_done", reply


async def test_no_wait_add_an_item_at_the_readback_adds_it(crumb: Talk) -> None:
    await crumb.say("a cafe latte")
    await crumb.say("that is everything", "checkout")
    reply = await crumb.say("no wait, could you add a hashbrown", "deny")
    assert crumb.lines() == [("latte", 1, {}), ("hash-brown", 1, {})], reply


async def test_a_no_with_only_a_count_at_anything_else_sets_the_count(crumb: Talk) -> None:
    await crumb.say("three colas please")
    reply = await crumb.say("nope, only two", "deny")
    assert crumb.lines() == [("cola", 2, {})], reply
    assert crumb.talk.question == "more_or_done", reply


async def test_an_edit_verb_over_an_item_in_the_cart_sets_it_even_heard_as_an_order(
    crumb: Talk,
) -> None:
    await crumb.say("two cafe lattes and one youtiao")
    reply = await crumb.say("hmm, change the lattes to three")
    assert crumb.lines() == [("latte", 3, {}), ("youtiao", 1, {})], reply


async def test_make_me_more_of_an_item_in_the_cart_still_adds(crumb: Talk) -> None:
    await crumb.say("a cafe latte")
    reply = await crumb.say("could you make me two more lattes")
    assert crumb.lines() == [("latte", 3, {})], reply
