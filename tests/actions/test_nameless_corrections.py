"""Corrections that name no item, said right after adding one, through the real parser and
actions at both merchants. A blind round: "hmm no, just one" after "and two chicken
burgers" (DIET: deny) read the order back and 2 burgers were paid; "sorry, large for that
one" after "and a latte" (DIET: repeat) said the last turn again and changed nothing. The
intents are the ones the trained model gives these shapes.
"""

from __future__ import annotations

import pytest

from tests.actions.conversation import Conversation
from tests.actions.sandbox_talk import SandboxTalk
from tests.actions.test_composed_orders import lines, say

# A count said after a hesitation and a "no": the line just added gets it; not a no.


@pytest.mark.parametrize("text", ["umm no, only one", "oh no sorry, just one please"])
async def test_a_hesitant_no_with_a_count_corrects_the_line_just_added(text: str) -> None:
    talk = Conversation()
    await say(talk, "a latte")
    await say(talk, "and two hash browns")
    reply = await say(talk, text, "deny")
    assert lines(talk) == [("latte", 1, {}), ("hash-brown", 1, {})], reply
    assert talk.question != "pay", reply
    assert "Shall I pay" not in reply


async def test_a_hesitant_nope_with_a_count_at_copper_kettle(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a cortado")
    await copper_kettle.say("and three mochas")
    reply = await copper_kettle.say("hm, nope, only two", "deny")
    assert copper_kettle.lines() == [("cortado", 1, {}), ("mocha", 2, {})], reply
    assert copper_kettle.talk.question != "pay", reply


# An option "for that one", heard as "sorry?": the line just added gets it.


async def test_an_option_for_that_one_heard_as_repeat_changes_the_line_just_added() -> None:
    talk = Conversation()
    await say(talk, "a youtiao")
    await say(talk, "and an americano")
    reply = await say(talk, "sorry, big for that one", "repeat")
    assert lines(talk) == [("youtiao", 1, {}), ("americano", 1, {"size": "large"})], reply


async def test_an_option_for_that_one_heard_as_nothing_clear_changes_the_line_just_added() -> None:
    """The same words, when a model trained with more intents is unsure of them (below its
    fallback threshold): option words change the order there too, never "didn't catch"."""
    talk = Conversation()
    await say(talk, "a youtiao")
    await say(talk, "and an americano")
    reply = await say(talk, "sorry, big for that one", "nlu_fallback")
    assert lines(talk) == [("youtiao", 1, {}), ("americano", 1, {"size": "large"})], reply


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("pardon, oat milk for that one", {"milk": "oat"}),
        ("sorry, make that one iced", {"temperature": "iced"}),
    ],
)
async def test_an_option_heard_as_repeat_at_copper_kettle(
    copper_kettle: SandboxTalk, text: str, options: dict[str, str]
) -> None:
    await copper_kettle.say("an earl grey")
    await copper_kettle.say("and a latte")
    reply = await copper_kettle.say(text, "repeat")
    assert copper_kettle.lines() == [("earl-grey", 1, {}), ("latte", 1, options)], reply


async def test_sorry_alone_still_repeats() -> None:
    talk = Conversation()
    first = await say(talk, "a latte")
    again = await say(talk, "sorry?", "repeat")
    assert again == first
    assert lines(talk) == [("latte", 1, {})]


# "just the one", "only the one": a count of one for the line just added, as "just one".


@pytest.mark.parametrize("text", ["ah no, only the one", "nope sorry, just the one please"])
async def test_just_the_one_after_a_no_sets_the_line_just_added_to_one(
    golden_crumb: SandboxTalk, text: str
) -> None:
    await golden_crumb.say("a cola")
    await golden_crumb.say("and three youtiao")
    reply = await golden_crumb.say(text, "deny")
    assert golden_crumb.lines() == [("cola", 1, {}), ("youtiao", 1, {})], reply
    assert golden_crumb.talk.question != "pay", reply


async def test_only_the_one_at_copper_kettle(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("two oat cortados")
    reply = await copper_kettle.say("hmm no, just the one", "deny")
    assert copper_kettle.lines() == [("cortado", 1, {"milk": "oat"})], reply


# A count after a filler and "actually", heard as "that's it": still a correction of the
# line just added, never the read-back (a filler does not change how it is read).


@pytest.mark.parametrize(
    "text", ["uh actually only one", "oh actually, just the one", "actually one"]
)
async def test_a_hesitant_actually_with_a_count_heard_as_done_corrects_the_line(
    golden_crumb: SandboxTalk, text: str
) -> None:
    await golden_crumb.say("a hash brown")
    await golden_crumb.say("and three colas")
    reply = await golden_crumb.say(text, "checkout", 0.58)
    assert golden_crumb.lines() == [("hash-brown", 1, {}), ("cola", 1, {})], reply
    assert golden_crumb.talk.question != "pay", reply


# "I said <option>" right after the item was added: that line's option is corrected, even
# when DIET hears a no.


@pytest.mark.parametrize("text", ["no no, I said decaf", "nope, I asked for decaf"])
async def test_i_said_with_only_an_option_corrects_the_line_just_added(
    copper_kettle: SandboxTalk, text: str
) -> None:
    await copper_kettle.say("a cortado")
    await copper_kettle.say("and a regular mocha")
    reply = await copper_kettle.say(text, "deny")
    assert copper_kettle.lines() == [
        ("cortado", 1, {}),
        ("mocha", 1, {"caffeine": "decaf"}),
    ], reply
    assert copper_kettle.talk.question != "pay", reply


# "a large one" over a line of several is one of them, like "one of them large": it is
# split off, the rest stay as they were; over a line of one it is that line.


async def test_a_big_one_over_a_line_of_two_splits_one_off(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("a youtiao")
    await golden_crumb.say("and two americanos")
    reply = await golden_crumb.say("oh wait, a big one", "deny")
    assert golden_crumb.lines() == [
        ("youtiao", 1, {}),
        ("americano", 1, {}),
        ("americano", 1, {"size": "large"}),
    ], reply


async def test_a_large_one_over_a_line_of_one_changes_it(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("an americano")
    reply = await golden_crumb.say("no wait, a large one", "deny")
    assert golden_crumb.lines() == [("americano", 1, {"size": "large"})], reply


# A count after "actually", which DIET may hear as a removal ("only" sounds like one): the
# line just added gets that count; nothing is asked about or removed.


async def test_actually_a_count_heard_as_a_removal_sets_the_count(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("a soy milk")
    await golden_crumb.say("and four youtiao")
    reply = await golden_crumb.say("hmm, actually only two", "remove_item")
    assert golden_crumb.lines() == [("soy-milk", 1, {}), ("youtiao", 2, {})], reply


async def test_actually_just_one_heard_as_a_removal_at_copper_kettle(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("three cortados")
    reply = await copper_kettle.say("um, actually just one", "remove_item")
    assert copper_kettle.lines() == [("cortado", 1, {})], reply


# "no, a small one" right after an item: a size said as a correction, which DIET may not
# place at all (nlu_fallback): the line just added gets it.


async def test_no_a_size_one_changes_the_line_just_added(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a large hot chocolate")
    reply = await copper_kettle.say("no, a small one", "nlu_fallback", 0.5)
    assert copper_kettle.lines() == [("hot-chocolate", 1, {"size": "small"})], reply
    await copper_kettle.say("and a mocha")
    reply = await copper_kettle.say("nah, a large one", "change_item")
    assert copper_kettle.lines() == [
        ("hot-chocolate", 1, {"size": "small"}),
        ("mocha", 1, {"size": "large"}),
    ], reply


# "one of those" after a price question is the item asked about, with whatever is said
# beside it: another item, or an option for it.


async def test_those_after_a_price_question_with_another_item_orders_both(
    golden_crumb: SandboxTalk,
) -> None:
    await golden_crumb.say("what does a large soy milk cost?", "ask_price")
    reply = await golden_crumb.say("sure, I'll take two of those and a hash brown")
    assert golden_crumb.lines() == [("soy-milk", 2, {"size": "large"}), ("hash-brown", 1, {})], (
        reply
    )


async def test_those_after_a_price_question_with_an_option_orders_it_with_that(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("how much is a small mocha?", "ask_price")
    reply = await copper_kettle.say("ok, one of those with almond milk please", "change_item")
    assert copper_kettle.lines() == [("mocha", 1, {"size": "small", "milk": "almond"})], reply
