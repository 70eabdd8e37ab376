"""Orders composed as said, through the real parser and the real actions (issue 15 §1).

The sentences are parsed with the Golden Crumb lexicon; the fake merchant sells the same
items, two of them under shorter skus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.nlu.lexicon import Lexicon
from bot.nlu.order_parser import OrderParser
from tests.actions.conversation import Conversation
from tests.actions.sandbox_talk import SandboxTalk

LEXICON = Path(__file__).parents[1] / "nlu" / "lexicon.json"
PARSER = OrderParser(Lexicon.from_json(json.loads(LEXICON.read_text(encoding="utf-8"))))
FAKE_SKUS = {"breakfast-combo": "combo", "egg-sausage-muffin": "muffin"}


def heard(text: str) -> list[dict[str, Any]]:
    """What the NLU hears in `text`, in the fake merchant's skus."""
    entities: list[dict[str, Any]] = []
    for entity in PARSER.parse(text):
        value = entity["value"]
        if entity["entity"] == "item":
            value = FAKE_SKUS.get(value, value)
        entities.append({**entity, "value": value})
    return entities


async def say(talk: Conversation, text: str, intent: str = "order_item") -> str:
    return await talk.say(text, intent, *heard(text))


def lines(talk: Conversation) -> list[tuple[str, int, dict[str, str]]]:
    return [(line["sku"], line["quantity"], line["options"]) for line in talk.cart]


async def test_a_drink_split_across_combos_gives_each_share_its_drink_and_no_drink_line() -> None:
    talk = Conversation()
    reply = await say(talk, "four meal deals, three with soy milk and one with an americano")
    assert lines(talk) == [
        ("combo", 3, {"drink": "soy-milk"}),
        ("combo", 1, {"drink": "americano"}),
    ], reply


async def test_all_of_the_combos_with_large_coffees_is_one_line_of_large_combos() -> None:
    talk = Conversation()
    reply = await say(talk, "two breakfast combos please, all of them with big coffees")
    assert lines(talk) == [("combo", 2, {"drink": "americano", "size": "large"})], reply


async def test_a_drink_on_the_side_of_a_combo_is_its_own_line() -> None:
    talk = Conversation()
    reply = await say(talk, "a combo with soy milk, and with an americano on the side")
    assert lines(talk) == [("combo", 1, {"drink": "soy-milk"}), ("americano", 1, {})], reply


async def test_a_size_said_after_an_item_without_sizes_is_said_back_not_put_on_another() -> None:
    talk = Conversation()
    reply = await say(talk, "two lattes, a hash brown and a youtiao, large")
    assert lines(talk) == [("latte", 2, {}), ("hash-brown", 1, {}), ("youtiao", 1, {})], reply
    assert "we don't have large for the Youtiao" in reply


async def test_an_item_restated_in_one_breath_is_added_once() -> None:
    talk = Conversation()
    reply = await say(talk, "hmm, a soy milk could be good, okay one soy milk")
    assert lines(talk) == [("soy-milk", 1, {})], reply


# A combo's drink said in the order, as what replaces its usual drink (blind round gc-08:
# "one breakfast combo, but with soy milk instead of the coffee" added a Soy Milk and an
# Americano beside the combo).


async def test_a_combo_but_with_another_drink_instead_of_its_own_is_one_combo() -> None:
    talk = Conversation()
    reply = await say(talk, "two meal deals, but with soy milk instead of the americano")
    assert lines(talk) == [("combo", 2, {"drink": "soy-milk"})], reply


async def test_a_combo_drink_said_as_one_drink_instead_of_another_chooses_its_drink() -> None:
    """DIET hears a change in "instead"; with nothing in the cart it is an order."""
    talk = Conversation()
    reply = await say(talk, "a breakfast set please, soy milk instead of coffee", "change_item")
    assert lines(talk) == [("combo", 1, {"drink": "soy-milk"})], reply


# An option said after a list for one item of it, named again with "the", is that line's
# (blind round gc-07: "a soy milk, a latte and a coffee, the latte large" added a second,
# large Latte).


async def test_a_size_for_the_item_named_again_after_a_list_goes_on_its_line() -> None:
    talk = Conversation()
    reply = await say(talk, "a youtiao, an americano and a latte, the americano large")
    assert lines(talk) == [
        ("youtiao", 1, {}),
        ("americano", 1, {"size": "large"}),
        ("latte", 1, {}),
    ], reply


async def test_a_size_for_the_second_of_two_items_named_again_goes_on_its_line() -> None:
    talk = Conversation()
    reply = await say(talk, "two hash browns and a soy milk, the soy milk big please")
    assert lines(talk) == [("hash-brown", 2, {}), ("soy-milk", 1, {"size": "large"})], reply


async def test_the_same_item_ordered_again_with_another_article_is_still_a_second_line() -> None:
    talk = Conversation()
    reply = await say(talk, "a latte, a hash brown and a large latte")
    assert lines(talk) == [
        ("latte", 1, {}),
        ("hash-brown", 1, {}),
        ("latte", 1, {"size": "large"}),
    ], reply


async def test_a_milk_for_the_drink_named_again_after_a_list_goes_on_its_line(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("a cortado and a cappuccino, the cappuccino with oat milk")
    assert copper_kettle.lines() == [("cortado", 1, {}), ("cappuccino", 1, {"milk": "oat"})], reply


async def test_a_temperature_for_the_tea_named_again_by_its_short_name_goes_on_its_line(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("a mocha and an earl grey tea, the earl grey iced please")
    assert copper_kettle.lines() == [
        ("mocha", 1, {}),
        ("earl-grey", 1, {"temperature": "iced"}),
    ], reply


# Items listed one after another are each their own line, however their names could glue
# together: "mocha" + "latte" is an alias of the Mocha ("mocha latte"), "latte" + "coffee"
# of the Latte, but a list break (a comma, or an article opening the next item) keeps them
# apart, and the first item is never lost to the longer name.


async def test_a_list_of_three_whose_first_two_make_an_alias_keeps_all_three(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("could I get a mocha, a latte and a cortado")
    assert copper_kettle.lines() == [("mocha", 1, {}), ("latte", 1, {}), ("cortado", 1, {})], reply


async def test_a_spoken_list_with_no_commas_keeps_its_first_item(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("two mochas a latte and an americano")
    assert copper_kettle.lines() == [
        ("mocha", 2, {}),
        ("latte", 1, {}),
        ("americano", 1, {}),
    ], reply


async def test_two_names_across_a_comma_are_two_items_not_one_alias(
    golden_crumb: SandboxTalk,
) -> None:
    reply = await golden_crumb.say("latte, coffee and a youtiao please")
    assert golden_crumb.lines() == [
        ("latte", 1, {}),
        ("americano", 1, {}),
        ("youtiao", 1, {}),
    ], reply


# "another" before an item, its options between, is one more of that item with those
# options: one line (joining an equal line in the cart), never a variant of an item
# before it nor an extra plain line.


async def test_another_with_options_before_the_item_adds_one_such_line(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("an iced mocha")
    reply = await copper_kettle.say("oh and another iced mocha")
    assert copper_kettle.lines() == [("mocha", 2, {"temperature": "iced"})], reply
    reply = await copper_kettle.say("plus another oat cappuccino")
    assert copper_kettle.lines() == [
        ("mocha", 2, {"temperature": "iced"}),
        ("cappuccino", 1, {"milk": "oat"}),
    ], reply


async def test_another_big_one_of_a_golden_crumb_item_is_one_line(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("a hash brown and a large soy milk")
    reply = await golden_crumb.say("and another large soy milk please")
    assert golden_crumb.lines() == [("hash-brown", 1, {}), ("soy-milk", 2, {"size": "large"})], (
        reply
    )


async def test_an_option_for_both_after_a_variant_goes_on_both_lines(
    copper_kettle: SandboxTalk,
) -> None:
    """ "one oat mocha and one regular, both large": the option after "both" is every
    line's, the variant carved from the first item's included."""
    reply = await copper_kettle.say("one oat milk mocha and one with whole milk, both large")
    assert copper_kettle.lines() == [
        ("mocha", 1, {"milk": "oat", "size": "large"}),
        ("mocha", 1, {"milk": "whole", "size": "large"}),
    ], reply


async def test_an_option_for_all_after_a_variant_goes_on_every_line(
    copper_kettle: SandboxTalk,
) -> None:
    reply = await copper_kettle.say("one decaf cortado and one regular, all iced please")
    assert copper_kettle.lines() == [
        ("cortado", 1, {"caffeine": "decaf", "temperature": "iced"}),
        ("cortado", 1, {"caffeine": "regular", "temperature": "iced"}),
    ], reply
