"""A word for a kind of item said as an edit: "put oat milk in the coffee" over a Chai
Latte and a Cold Brew (blind round ck-06) ADDED an Americano with oat milk, because
"coffee" is one of the Americano's names. Said with "the" and only options, over a cart
without an Americano but with a line called "... coffee", it names that line, as "the
tea" does; with two such lines it asks which and changes nothing. Through the real parser
and actions at both merchants.
"""

from __future__ import annotations

import pytest

from tests.actions.sandbox_talk import SandboxTalk


@pytest.mark.parametrize(
    "text", ["could I get almond milk in the coffee", "lactose free milk in my coffee please"]
)
async def test_the_coffee_with_an_option_changes_the_one_coffee_in_the_cart(
    copper_kettle: SandboxTalk, text: str
) -> None:
    await copper_kettle.say("a matcha latte and a cortado")
    reply = await copper_kettle.say(text)
    milk = "almond" if "almond" in text else "2-percent-lactose-free"
    assert copper_kettle.lines() == [("matcha-latte", 1, {}), ("cortado", 1, {"milk": milk})], reply
    assert "Americano" not in reply


async def test_the_coffee_over_two_coffees_asks_which_and_changes_nothing(
    copper_kettle: SandboxTalk,
) -> None:
    await copper_kettle.say("a cold brew, an earl grey and a latte")
    reply = await copper_kettle.say("put oat milk in the coffee")
    assert copper_kettle.lines() == [
        ("cold-brew", 1, {}),
        ("earl-grey", 1, {}),
        ("latte", 1, {}),
    ], reply
    assert "Which one" in reply
    reply = await copper_kettle.say("the cold brew")
    assert copper_kettle.lines() == [
        ("cold-brew", 1, {"milk": "oat"}),
        ("earl-grey", 1, {}),
        ("latte", 1, {}),
    ], reply


@pytest.mark.parametrize("text", ["the coffee in large please", "can the coffee be large"])
async def test_the_coffee_large_at_golden_crumb_sizes_up_the_latte(
    golden_crumb: SandboxTalk, text: str
) -> None:
    await golden_crumb.say("a youtiao and a latte")
    reply = await golden_crumb.say(text)
    assert golden_crumb.lines() == [("youtiao", 1, {}), ("latte", 1, {"size": "large"})], reply


async def test_a_coffee_with_an_option_is_still_an_order(copper_kettle: SandboxTalk) -> None:
    await copper_kettle.say("a cold brew")
    await copper_kettle.say("and a coffee with oat milk")
    assert copper_kettle.lines() == [("cold-brew", 1, {}), ("americano", 1, {"milk": "oat"})]
