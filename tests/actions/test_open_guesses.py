"""Near misses (issue 15 §1): a guess the customer passes over is never dropped in silence;
a strong, unique guess is added and named; "Which one do you mean?" has a follow-up."""

from __future__ import annotations

from tests.actions.conversation import Conversation, edit, item, opt, qty


def skus(talk: Conversation) -> list[tuple[str, int]]:
    return [(line["sku"], line["quantity"]) for line in talk.cart]


async def guessed_youtiao(talk: Conversation) -> None:
    await talk.say("two hash browns", "order_item", qty(2), item("hash-brown"))
    reply = await talk.say("and a yo tio", "order_item", item("youtiao", check=True))
    assert "Did you mean a Youtiao?" in reply and talk.question == "check_item"


async def test_finishing_past_a_did_you_mean_asks_about_the_guess_before_the_readback() -> None:
    talk = Conversation()
    await guessed_youtiao(talk)
    reply = await talk.say("ok that's everything", "checkout")
    assert "I also wasn't sure about a Youtiao: add it?" in reply, reply
    assert talk.custom("readback") is None and talk.question == "check_item"
    reply = await talk.say("yes please", "affirm")
    assert skus(talk) == [("hash-brown", 2), ("youtiao", 1)], reply
    assert talk.custom("readback") is not None and talk.question == "pay", reply


async def test_a_no_to_the_carried_guess_leaves_it_out_and_reads_the_order_back() -> None:
    talk = Conversation()
    await guessed_youtiao(talk)
    await talk.say("that's all", "checkout")
    reply = await talk.say("no", "deny")
    assert "OK, I've left out a Youtiao." in reply, reply
    assert skus(talk) == [("hash-brown", 2)] and talk.question == "pay"


async def test_ordering_more_past_a_did_you_mean_keeps_asking_about_the_guess() -> None:
    talk = Conversation()
    await guessed_youtiao(talk)
    reply = await talk.say("plus an americano", "order_item", item("americano"))
    assert skus(talk) == [("hash-brown", 2), ("americano", 1)], reply
    assert "I also wasn't sure about a Youtiao: add it?" in reply and talk.question == "check_item"
    reply = await talk.say("yeah", "affirm")
    assert skus(talk) == [("hash-brown", 2), ("americano", 1), ("youtiao", 1)], reply


async def test_a_strong_unique_guess_is_added_and_named_so_it_can_be_removed() -> None:
    talk = Conversation()
    strong = {**item("latte", check=True), "strong": True}
    reply = await talk.say("three big lates", "order_item", qty(3), strong, opt("size:large"))
    assert [(ln["sku"], ln["quantity"], ln["options"]) for ln in talk.cart] == [
        ("latte", 3, {"size": "large"})
    ], reply
    assert "I took that to be 3 large Lattes; say 'remove the Latte' if not." in reply
    assert talk.question == "more_or_done"
    await talk.say("remove the latte", "remove_item", item("latte"))
    assert talk.cart == []


async def test_a_weak_guess_is_still_asked_about() -> None:
    talk = Conversation()
    reply = await talk.say("could I get a lah tay", "order_item", item("latte", check=True))
    assert "Did you mean a Latte?" in reply and talk.cart == []


async def two_americanos_asked_which(talk: Conversation) -> str:
    await talk.say(
        "an americano and a decaf americano",
        "order_item",
        item("americano"),
        item("americano", 2),
        opt("caffeine:decaf", 2),
    )
    reply = await talk.say(
        "make an americano large",
        "change_item",
        edit("change", count=1),
        item("americano"),
        opt("size:large"),
    )
    assert "Which one do you mean: an Americano or a decaf Americano?" in reply, reply
    assert talk.question == "which_line"
    return reply


async def test_the_answer_to_which_one_by_what_sets_it_apart_removes_that_line() -> None:
    talk = Conversation()
    await talk.say(
        "an iced latte and a decaf latte",
        "order_item",
        item("latte"),
        opt("temperature:iced"),
        item("latte", 2),
        opt("caffeine:decaf", 2),
    )
    reply = await talk.say("drop a latte", "remove_item", edit("remove", count=1), item("latte"))
    assert "Which one do you mean" in reply and talk.question == "which_line", reply
    reply = await talk.say("the iced one", "inform", opt("temperature:iced", None))
    assert [(ln["sku"], ln["options"]) for ln in talk.cart] == [("latte", {"caffeine": "decaf"})], (
        reply
    )
    assert reply.startswith("Removed.")


async def test_the_answer_to_which_one_by_its_place_changes_that_line() -> None:
    talk = Conversation()
    await two_americanos_asked_which(talk)
    reply = await talk.say("the second", "change_item", edit(None, position=2))
    assert [(ln["sku"], ln["quantity"], ln["options"]) for ln in talk.cart] == [
        ("americano", 1, {}),
        ("americano", 1, {"caffeine": "decaf", "size": "large"}),
    ], reply
    assert reply.startswith("Changed.") and talk.question == "more_or_done"


async def test_an_answer_to_which_one_that_picks_none_of_them_asks_nothing_new() -> None:
    talk = Conversation()
    await two_americanos_asked_which(talk)
    before = list(talk.cart)
    reply = await talk.say("hmm", "nlu_fallback")
    assert talk.cart == before, reply


async def test_naming_the_item_both_candidates_share_asks_again_and_adds_nothing() -> None:
    talk = Conversation()
    await two_americanos_asked_which(talk)
    before = list(talk.cart)
    reply = await talk.say("the americano", "order_item", item("americano"))
    assert talk.cart == before, reply
    assert "Sorry, which one: an Americano or a decaf Americano?" in reply
    reply = await talk.say("the decaf one", "inform", opt("caffeine:decaf", None))
    assert talk.cart[1]["options"] == {"caffeine": "decaf", "size": "large"}, reply
