"""Building the cart at the Tracker level: items at once with defaults, options, checks."""

from __future__ import annotations

from typing import Any

import pytest

from actions.lexicon import build_lexicon
from bot.nlu.order_parser import OrderParser
from tests.actions.conversation import Conversation, item, opt, qty, unavailable, unplaced


async def test_a_drink_without_options_is_added_at_once_with_its_defaults() -> None:
    talk = Conversation()
    reply = await talk.say("An Americano.", "order_item", item("americano"))
    assert talk.cart == [{"sku": "americano", "quantity": 1, "options": {}}]
    assert "Added an Americano; say 'large' to change the size." in reply, reply
    cart = talk.custom("cart")
    assert cart["total"] == 1200
    chosen = [(o["group"], o["choice"]) for o in cart["lines"][0]["options"]]
    assert chosen == [("Size", "Medium"), ("Caffeine", "Regular")]
    assert talk.question == "more_or_done"


async def test_options_said_are_set_and_priced() -> None:
    talk = Conversation()
    reply = await talk.say(
        "a large iced oat latte",
        "order_item",
        item("latte"),
        opt("size:large"),
        opt("temperature:iced"),
        opt("milk:oat"),
    )
    assert talk.cart[0]["options"] == {"size": "large", "temperature": "iced", "milk": "oat"}
    assert talk.custom("cart")["total"] == 1600 + 300 + 200
    assert "a large iced oat Latte" in reply, reply
    assert "to change the size" not in reply


async def test_a_loose_option_applies_to_the_line_under_discussion() -> None:
    talk = Conversation()
    await talk.say(
        "two hash browns and a latte", "order_item", qty(2), item("hash-brown"), item("latte", 2)
    )
    reply = await talk.say("make it oat milk", "change_item", opt("milk:oat", None))
    assert talk.cart[1] == {"sku": "latte", "quantity": 1, "options": {"milk": "oat"}}, reply
    reply = await talk.say("large", "inform", opt("size:large", None))
    assert talk.cart[1]["options"] == {"milk": "oat", "size": "large"}, reply


async def test_make_one_of_them_decaf_splits_the_line() -> None:
    talk = Conversation()
    await talk.say("three lattes", "order_item", qty(3), item("latte"))
    reply = await talk.say(
        "make one of them decaf", "change_item", qty(1, None), opt("caffeine:decaf", None)
    )
    assert talk.cart == [
        {"sku": "latte", "quantity": 2, "options": {}},
        {"sku": "latte", "quantity": 1, "options": {"caffeine": "decaf"}},
    ], reply
    assert "2 Lattes and a decaf Latte" in reply


async def test_one_decaf_latte_and_one_regular_are_two_lines() -> None:
    talk = Conversation()
    await talk.say(
        "I would like one decaf Latte and one regular.",
        "order_item",
        qty(1, 1),
        opt("caffeine:decaf", 1),
        item("latte", 1),
        qty(1, 2),
        opt("caffeine:regular", 2),
    )
    assert [(line["quantity"], line["options"]) for line in talk.cart] == [
        (1, {"caffeine": "decaf"}),
        (1, {"caffeine": "regular"}),
    ]


async def test_changes_removals_and_swaps_keep_working() -> None:
    talk = Conversation()
    await talk.say("a latte and a youtiao", "order_item", item("latte"), item("youtiao", 2))
    await talk.say("change the latte to large", "change_item", item("latte"), opt("size:large"))
    assert talk.cart[0]["options"] == {"size": "large"}
    reply = await talk.say("actually no youtiao", "remove_item", item("youtiao"))
    assert [line["sku"] for line in talk.cart] == ["latte"] and "Removed" in reply
    await talk.say(
        "the americano instead of the latte", "change_item", item("americano"), item("latte", 2)
    )
    assert talk.cart == [{"sku": "americano", "quantity": 1, "options": {"size": "large"}}]
    await talk.say("remove the americano", "remove_item", item("americano"))
    assert talk.cart == []


async def test_what_was_not_understood_is_said_back() -> None:
    talk = Conversation()
    reply = await talk.say(
        "Can I get two egg & sausage muffins and a large lad?",
        "order_item",
        qty(2),
        item("muffin"),
        unplaced("a large lad"),
    )
    assert "I added 2 Egg & Sausage Muffins; I didn't catch 'a large lad'." in reply, reply
    assert [line["sku"] for line in talk.cart] == ["muffin"]


async def test_nothing_understood_at_all_says_what_was_heard() -> None:
    talk = Conversation()
    reply = await talk.say("a large lad", "order_item", unplaced("a large lad"))
    assert "I didn't catch 'a large lad'" in reply and talk.cart == []


async def test_an_unsure_item_is_checked_yes_adds_it() -> None:
    talk = Conversation()
    reply = await talk.say(
        "two muffins and a large lattice",
        "order_item",
        qty(2),
        item("muffin"),
        item("latte", 2, check=True),
        opt("size:large", 2),
    )
    assert "Did you mean a large Latte?" in reply, reply
    assert talk.question == "check_item" and "check_item" in talk.expects()
    assert [line["sku"] for line in talk.cart] == ["muffin"]
    reply = await talk.say("yes", "affirm")
    assert [line["sku"] for line in talk.cart] == ["muffin", "latte"], reply
    assert talk.cart[1]["options"] == {"size": "large"}
    assert talk.question == "more_or_done"


async def test_an_unsure_item_is_checked_no_leaves_it_out_and_says_so() -> None:
    talk = Conversation()
    await talk.say(
        "six large lattice", "order_item", qty(6), item("latte", check=True), opt("size:large")
    )
    reply = await talk.say("no", "deny")
    assert "I've left out 6 large Lattes" in reply, reply
    assert talk.cart == []


async def test_an_item_named_while_a_readback_waits_replaces_the_unpaid_order() -> None:
    talk = Conversation()
    await talk.say("a hash brown", "order_item", item("hash-brown"))
    await talk.say("check out", "checkout")
    first = str(talk.custom("readback")["order_id"])
    await talk.say("and a youtiao", "order_item", item("youtiao"))
    assert talk.backend.status(first) == "cancelled"
    assert talk.slots["order_id"] is None
    await talk.say("check out", "checkout")
    second = talk.custom("readback")
    assert second["order_id"] != first and second["total"] == 1100


async def test_start_over_empties_the_cart() -> None:
    talk = Conversation()
    await talk.say("a hash brown", "order_item", item("hash-brown"))
    reply = await talk.say("start over", "start_over")
    assert "emptied" in reply and talk.cart == []
    reply = await talk.say("what's in my cart", "show_cart")
    assert "empty" in reply.lower()


async def test_prices_and_the_combo_come_from_the_catalogue() -> None:
    talk = Conversation()
    reply = await talk.say(
        "how much is a large latte", "ask_price", item("latte"), opt("size:large")
    )
    assert reply == "A large Latte is ¥19.00."
    reply = await talk.say("how much is a latte", "ask_price", item("latte"))
    assert "medium ¥16.00 and large ¥19.00" in reply
    reply = await talk.say("what's in the combo", "ask_combo")
    assert "Egg & Sausage Muffin and Hash Brown, with Americano or Soy Milk" in reply, reply
    assert "A large drink is ¥3.00 more" in reply
    await talk.say("what's on the menu", "ask_menu")
    latte = next(i for i in talk.custom("menu")["items"] if i["sku"] == "latte")
    sizes = next(group for group in latte["options"] if group["id"] == "size")
    assert [c["id"] for c in sizes["choices"]] == ["medium", "large"]


async def test_an_option_the_item_lacks_is_refused_and_the_cart_question_stays_open() -> None:
    talk = Conversation()
    await talk.say("a hash brown", "order_item", item("hash-brown"))
    reply = await talk.say("make it iced", "change_item", opt("temperature:iced", None))
    assert "the Hash Brown doesn't come that way" in reply, reply
    assert "Anything else, or shall I check out?" in reply and talk.question == "more_or_done"
    reply = await talk.say("no thanks", "deny")
    assert "Here is your order" in reply, reply


async def test_an_unsure_item_named_for_removal_is_removed_without_a_question() -> None:
    talk = Conversation()
    await talk.say("a latte and a youtiao", "order_item", item("latte"), item("youtiao", 2))
    reply = await talk.say("remove the lattice", "remove_item", item("latte", check=True))
    assert [line["sku"] for line in talk.cart] == ["youtiao"], reply
    assert "Did you mean" not in reply


async def test_removing_what_is_not_in_the_cart_says_so() -> None:
    talk = Conversation()
    await talk.say("a latte", "order_item", item("latte"))
    reply = await talk.say("remove the youtiao", "remove_item", item("youtiao"))
    assert "There's no Youtiao in your cart." in reply and len(talk.cart) == 1, reply


async def test_changing_an_item_not_in_the_cart_says_so_and_adds_nothing() -> None:
    talk = Conversation()
    await talk.say("a latte", "order_item", item("latte"))
    reply = await talk.say(
        "change the egg & sausage muffin to two", "change_item", item("muffin"), qty(2)
    )
    assert "There's no Egg & Sausage Muffin in your cart." in reply, reply
    assert talk.cart == [{"sku": "latte", "quantity": 1, "options": {}}]
    assert "Anything else, or shall I check out?" in reply and talk.question == "more_or_done"


async def test_a_change_with_nothing_in_the_cart_is_an_order() -> None:
    """Nothing else could be meant: "a congee instead" after "scratch that" orders it."""
    talk = Conversation()
    reply = await talk.say(
        "change the egg & sausage muffin to two", "change_item", item("muffin"), qty(2)
    )
    assert "Added 2 Egg & Sausage Muffins" in reply, reply
    assert talk.cart == [{"sku": "muffin", "quantity": 2, "options": {}}]
    await talk.say("actually scratch that", "remove_item")
    assert talk.cart == []
    reply = await talk.say("a youtiao instead", "change_item", item("youtiao"))
    assert talk.cart == [{"sku": "youtiao", "quantity": 1, "options": {}}], reply


async def test_changing_an_item_that_is_in_the_cart_still_changes_it() -> None:
    talk = Conversation()
    await talk.say("a muffin and a latte", "order_item", item("muffin"), item("latte", 2))
    reply = await talk.say(
        "change the egg & sausage muffin to two", "change_item", item("muffin"), qty(2)
    )
    assert "Changed." in reply and "in your cart." not in reply, reply
    assert talk.cart == [
        {"sku": "muffin", "quantity": 2, "options": {}},
        {"sku": "latte", "quantity": 1, "options": {}},
    ]


async def test_change_one_item_to_another_still_swaps_it() -> None:
    talk = Conversation()
    await talk.say(
        "two large americanos", "order_item", item("americano"), qty(2), opt("size:large")
    )
    reply = await talk.say(
        "change the americano to a latte", "change_item", item("americano"), item("latte", 2)
    )
    assert "Changed." in reply, reply
    assert talk.cart == [{"sku": "latte", "quantity": 2, "options": {"size": "large"}}]


async def test_change_it_to_another_item_swaps_the_line_under_discussion() -> None:
    talk = Conversation()
    await talk.say("a muffin", "order_item", item("muffin"))
    await talk.say(
        "two large americanos", "order_item", item("americano"), qty(2), opt("size:large")
    )
    reply = await talk.say("actually change that to a latte", "change_item", item("latte"))
    assert "Changed." in reply and "in your cart." not in reply, reply
    assert talk.cart == [
        {"sku": "muffin", "quantity": 1, "options": {}},
        {"sku": "latte", "quantity": 2, "options": {"size": "large"}},
    ]
    reply = await talk.say(
        "no, that's it, make it two muffins", "change_item", item("muffin"), qty(2)
    )
    assert {"sku": "muffin", "quantity": 2, "options": {}} in talk.cart, reply


async def test_a_split_said_in_the_first_order_is_an_order() -> None:
    """ "Two lattes, one of them large" with no latte yet: DIET hears a change."""
    talk = Conversation()
    reply = await talk.say(
        "two lattes, one of them large",
        "change_item",
        qty(1),
        item("latte"),
        item("latte", 2),
        qty(1, 2),
        opt("size:large", 2),
    )
    assert "in your cart." not in reply, reply
    assert sorted(talk.cart, key=str) == sorted(
        [
            {"sku": "latte", "quantity": 1, "options": {}},
            {"sku": "latte", "quantity": 1, "options": {"size": "large"}},
        ],
        key=str,
    )


async def test_a_combos_drink_is_changed_by_naming_the_new_drink() -> None:
    talk = Conversation()
    await talk.say("a breakfast combo", "order_item", item("combo"))
    reply = await talk.say("change the drink to soy milk", "change_item", item("soy-milk"))
    assert "in your cart." not in reply, reply
    assert talk.cart == [{"sku": "combo", "quantity": 1, "options": {"drink": "soy-milk"}}]
    fresh = Conversation()
    await fresh.say("a breakfast combo", "order_item", item("combo"))
    reply = await fresh.say(
        "can i swap the coffee for soy milk", "change_item", item("americano"), item("soy-milk", 2)
    )
    assert "in your cart." not in reply, reply
    assert fresh.cart == [{"sku": "combo", "quantity": 1, "options": {"drink": "soy-milk"}}]


def at(text: str, words: str, entity: dict[str, Any]) -> dict[str, Any]:
    """`entity` where the NLU found it: at `words` in `text`."""
    start = text.index(words)
    return {**entity, "start": start, "end": start + len(words)}


@pytest.mark.parametrize("intent", ["order_item", "change_item"])
async def test_a_restart_in_one_message_orders_only_what_came_after(intent: str) -> None:
    for text in ("a latte, actually an americano", "a latte no wait an americano"):
        talk = Conversation()
        reply = await talk.say(
            text,
            intent,
            at(text, "latte", item("latte")),
            at(text, "americano", item("americano", 2)),
        )
        assert "in your cart." not in reply, reply
        assert talk.cart == [{"sku": "americano", "quantity": 1, "options": {}}], (text, reply)


async def test_an_item_instead_swaps_the_line_under_discussion() -> None:
    talk = Conversation()
    await talk.say("a youtiao", "order_item", item("youtiao"))
    reply = await talk.say("a hash brown instead", "change_item", item("hash-brown"))
    assert talk.cart == [{"sku": "hash-brown", "quantity": 1, "options": {}}], reply


async def test_one_more_adds_to_the_line_and_that_removes_it() -> None:
    talk = Conversation()
    await talk.say("a couple of hash browns", "order_item", item("hash-brown"), qty(2))
    reply = await talk.say("and one more", "order_item", qty(1, None))
    assert talk.cart == [{"sku": "hash-brown", "quantity": 3, "options": {}}], reply
    await talk.say("make it two", "change_item", qty(2, None))
    assert talk.cart == [{"sku": "hash-brown", "quantity": 2, "options": {}}]
    reply = await talk.say("remove that", "remove_item")
    assert talk.cart == [] and "Removed." in reply, reply


def test_the_size_hint_offers_the_next_size_up() -> None:
    from actions.ordering import _next_size
    from tests.actions.fake_backend import group

    three = group(
        "size",
        "Size",
        "medium",
        ("small", "Small", -200),
        ("medium", "Medium", 0),
        ("large", "Large", 300),
    )
    assert _next_size(three).id == "large"
    top = group("size", "Size", "large", ("medium", "Medium", 0), ("large", "Large", 300))
    assert _next_size(top).id == "medium"


async def test_a_store_and_time_said_with_the_order_are_kept() -> None:
    talk = Conversation()
    reply = await talk.say(
        "two lattes at the riverside store at 9:15",
        "order_item",
        qty(2),
        item("latte"),
        {"entity": "store", "value": "s-river"},
        {"entity": "pickup_time", "value": "09:15"},
    )
    assert talk.slots["store_id"] == "s-river" and talk.slots["pickup_time"] == "09:15", reply
    assert "Riverside" in reply and "09:15" in reply, reply


async def test_two_lines_nothing_tells_apart_are_said_as_one() -> None:
    talk = Conversation()
    reply = await talk.say(
        "one latte and one regular",
        "order_item",
        qty(1, 1),
        item("latte", 1),
        qty(1, 2),
        item("latte", 2),
    )
    assert "Added 2 Lattes" in reply, reply


# Options the item cannot have (contract C2 `unavailable_option`): the item is added, and
# the reply says what could not be applied, in the customer's words. Here the Latte has
# size, whole or oat milk, caffeine and temperature; the Americano size and caffeine.


async def test_what_the_item_cannot_have_is_said_back_after_adding_it() -> None:
    talk = Conversation()
    reply = await talk.say(
        "Can I get a 2% Hazelnut Latte please.",
        "order_item",
        qty(1),
        unavailable("2%"),
        unavailable("Hazelnut"),
        item("latte"),
    )
    assert talk.cart == [{"sku": "latte", "quantity": 1, "options": {}}]
    assert "Added a Latte; we don't have 2% or hazelnut for it here." in reply, reply
    assert talk.question == "more_or_done"


async def test_options_it_has_are_set_and_the_rest_said_back() -> None:
    talk = Conversation()
    reply = await talk.say(
        "Hey, can I get a Triple shot oat Latte?",
        "order_item",
        unavailable("Triple shot"),
        opt("milk:oat"),
        item("latte"),
    )
    assert talk.cart == [{"sku": "latte", "quantity": 1, "options": {"milk": "oat"}}]
    assert "Added an oat Latte; we don't have triple shot for it here." in reply, reply


async def test_several_items_name_the_one_that_cannot_have_it() -> None:
    talk = Conversation()
    reply = await talk.say(
        "an Americano with a pump of vanilla and a large hash brown",
        "order_item",
        item("americano"),
        unavailable("a pump of vanilla"),
        item("hash-brown", 2),
        unavailable("large", 2),
    )
    assert [line["sku"] for line in talk.cart] == ["americano", "hash-brown"]
    assert (
        "we don't have a pump of vanilla for the Americano or large for the Hash Brown here."
    ) in reply, reply


async def test_one_decaf_latte_and_one_regular_where_decaf_is_not_sold() -> None:
    talk = Conversation()
    reply = await talk.say(
        "I would like one decaf Americano and one regular.",
        "order_item",
        qty(1, 1),
        item("americano", 1),
        unavailable("decaf", 1),  # as if this Americano had no caffeine choice
        qty(1, 2),
        opt("size:medium", 2),
    )
    assert talk.cart == [{"sku": "americano", "quantity": 2, "options": {}}]
    assert "Added 2 Americanos; we don't have decaf for the Americano here." in reply, reply


async def test_said_back_with_what_was_not_caught() -> None:
    talk = Conversation()
    reply = await talk.say(
        "a latte with 2% milk and a large lad",
        "order_item",
        item("latte"),
        unavailable("2% milk"),
        unplaced("a large lad"),
    )
    assert (
        "I added a Latte; we don't have 2% milk for it here; I didn't catch 'a large lad'."
    ) in reply, reply


async def test_a_change_the_item_cannot_have_says_so() -> None:
    talk = Conversation()
    await talk.say("a latte", "order_item", item("latte"))
    reply = await talk.say(
        "change the latte to 2% milk", "change_item", item("latte"), unavailable("2% milk")
    )
    assert talk.cart == [{"sku": "latte", "quantity": 1, "options": {}}]
    assert "Sorry, we don't have 2% milk for the Latte here." in reply, reply
    assert talk.question == "more_or_done"


async def test_the_parser_and_the_dialogue_agree_on_what_is_said_back() -> None:
    """The real order parser on this merchant's own lexicon, then the dialogue."""
    talk = Conversation()
    parser = OrderParser(await build_lexicon(talk.backend, "m"))
    text = "Can I get an Americano with a pump of vanilla in it?"
    reply = await talk.say(text, "order_item", *map(dict, parser.parse(text)))
    assert talk.cart == [{"sku": "americano", "quantity": 1, "options": {}}]
    assert "Added an Americano; we don't have a pump of vanilla for it here." in reply, reply
    text = "and an iced oat milk latte with 2% milk"
    reply = await talk.say(text, "order_item", *map(dict, parser.parse(text)))
    assert talk.cart[1] == {
        "sku": "latte",
        "quantity": 1,
        "options": {"temperature": "iced", "milk": "oat"},
    }
    assert "we don't have 2% milk for it here" in reply, reply


async def test_a_change_naming_only_a_store_moves_the_pickup() -> None:
    talk = Conversation()
    await talk.say("a youtiao", "order_item", item("youtiao"))
    reply = await talk.say(
        "actually make it riverside instead", "change_item", {"entity": "store", "value": "s-river"}
    )
    assert talk.slots["store_id"] == "s-river" and "Riverside" in reply, reply
    assert talk.cart == [{"sku": "youtiao", "quantity": 1, "options": {}}]
