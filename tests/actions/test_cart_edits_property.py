"""Property: for random carts and edit sentences from a small grammar, the real parser and
the real actions leave exactly the cart the grammar meant (issue 15 §1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.nlu.lexicon import Lexicon
from bot.nlu.order_parser import OrderParser
from tests.actions.conversation import Conversation

LEXICON = Path(__file__).parents[1] / "nlu" / "lexicon.json"
PARSER = OrderParser(Lexicon.from_json(json.loads(LEXICON.read_text(encoding="utf-8"))))

# Items both the Golden Crumb lexicon and the fake merchant sell; plural as said.
PLURALS = {"latte": "lattes", "americano": "americanos", "hash-brown": "hash browns"}
SIZED = {"latte", "americano"}
SKUS = [*PLURALS, "youtiao"]
ORDINALS = ["first", "second", "third", "fourth"]
NUMBERS = ["one", "two", "three", "four", "five"]
REMOVING = ["remove", "delete", "scrap", "take off", "get rid of", "drop"]
NOUNS = ["one", "thing", "item"]

Cart = list[dict[str, Any]]


@st.composite
def carts(draw: st.DrawFn) -> Cart:
    skus = draw(st.lists(st.sampled_from(SKUS), min_size=1, max_size=4, unique=True))
    return [{"sku": s, "quantity": draw(st.integers(1, 3)), "options": {}} for s in skus]


@st.composite
def edits(draw: st.DrawFn, cart: Cart) -> tuple[str, str, Cart]:
    """A sentence, its intent, and the cart it means."""
    kind = draw(st.sampled_from(["position", "last", "every", "that", "of_those", "size"]))
    verb = draw(st.sampled_from(REMOVING))
    noun = draw(st.sampled_from(NOUNS))
    last = cart[-1]
    if kind == "position":
        at = draw(st.integers(0, len(cart) - 1))
        return f"{verb} the {ORDINALS[at]} {noun}", "remove_item", cart[:at] + cart[at + 1 :]
    if kind == "last":
        return f"{verb} the last {noun}", "remove_item", cart[:-1]
    if kind == "every" and (named := [line for line in cart if line["sku"] in PLURALS]):
        sku = draw(st.sampled_from(named))["sku"]
        text = f"{verb} all the {PLURALS[sku]}"
        return text, "remove_item", [line for line in cart if line["sku"] != sku]
    if kind == "that":
        n = draw(st.integers(1, 5))
        return f"make that {NUMBERS[n - 1]}", "change_item", [*cart[:-1], {**last, "quantity": n}]
    if kind == "of_those" and last["quantity"] > 1:
        n = draw(st.integers(1, last["quantity"] - 1))
        opener = draw(st.sampled_from(["", "no wait, ", "actually ", "hmm "]))
        text = f"{opener}just {NUMBERS[n - 1]} of those"
        return text, "change_item", [*cart[:-1], {**last, "quantity": n}]
    sized = [i for i, line in enumerate(cart) if line["sku"] in SIZED]
    if kind == "size" and sized:
        at = draw(st.sampled_from(sized))
        changed = {**cart[at], "options": {"size": "large"}}
        return (
            f"make the {ORDINALS[at]} {noun} large",
            "change_item",
            [
                *cart[:at],
                changed,
                *cart[at + 1 :],
            ],
        )
    return f"{verb} the last {noun}", "remove_item", cart[:-1]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
async def test_an_edit_from_the_grammar_leaves_the_cart_it_means(data: st.DataObject) -> None:
    cart = data.draw(carts())
    text, intent, expected = data.draw(edits(cart))
    talk = Conversation()
    talk.slots.update({"cart": cart, "last_sku": cart[-1]["sku"]})
    reply = await talk.say(text, intent, *[dict(e) for e in PARSER.parse(text)])
    assert talk.cart == expected, (text, reply)
