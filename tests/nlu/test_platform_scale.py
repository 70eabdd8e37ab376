"""The merchant in use wins on a platform of 1,100 brands (issue 17 §5).

With Copper Kettle in use, an item that 1,099 other brands also sell (a Latte, with
their soy milk and sweetness options merged into the platform's entry) is heard exactly
as Copper Kettle alone would hear it; an item only another brand sells is still found.
The lexicon is made in memory (no YAML), so this stays a fast test.
"""

from __future__ import annotations

import pytest

from actions.lexicon import lexicon_of, platform_lexicon
from bot.nlu.order_parser import OrderParser
from contracts.lexicon import Lexicon, LexiconChoice, LexiconItem, LexiconOptionGroup
from merchant.packs import load_packs

IN_USE = "copper-kettle"
OTHERS = 1099


class Brand:
    def __init__(self, number: int) -> None:
        self.id = f"brand-{number:04d}"
        self.names = (f"Brand {number:04d} Coffee",)
        self.kind = "menu"


def milk(*choices: str) -> LexiconOptionGroup:
    return LexiconOptionGroup(
        group="milk",
        name="Milk",
        default=choices[0],
        choices=[LexiconChoice(id=c, name=c.title(), aliases=[f"{c} milk"]) for c in choices],
    )


def brand_items(number: int) -> list[LexiconItem]:
    sweetness = LexiconOptionGroup(
        group="sweetness",
        name="Sweetness",
        default="full",
        choices=[LexiconChoice(id="full", name="Full"), LexiconChoice(id="half", name="Half")],
    )
    signature = f"signature{number:04d}"
    return [
        LexiconItem(sku="latte", name="Latte", options=[milk("whole", "soy"), sweetness]),
        LexiconItem(sku="matcha-latte", name="Matcha Latte", options=[milk("whole", "soy")]),
        LexiconItem(sku=f"brand-{number:04d}-{signature}", name=f"{signature} sundae"),
    ]


@pytest.fixture(scope="module")
def platform() -> OrderParser:
    packs = [pack for pack in load_packs() if pack.kind == "menu"]
    brands = [Brand(number) for number in range(OTHERS)]
    lexicons = [lexicon_of(p.id, p.items, p.listed) for p in packs]
    lexicons += [
        Lexicon(merchant_id=brand.id, items=brand_items(n)) for n, brand in enumerate(brands)
    ]
    lexicon = platform_lexicon(IN_USE, [*packs, *brands], lexicons)
    assert len(lexicon.sellers("latte")) == OTHERS + 2  # both packs sell a Latte too
    return OrderParser(lexicon)


@pytest.fixture(scope="module")
def alone() -> OrderParser:
    """Copper Kettle's own lexicon, as a platform of one merchant would serve it."""
    pack = next(pack for pack in load_packs() if pack.id == IN_USE)
    return OrderParser(lexicon_of(pack.id, pack.items, pack.listed))


@pytest.mark.parametrize(
    "text",
    [
        "a latte with soy milk",  # soy: 1,099 brands offer it on their latte, not this one
        "two large oat milk lattes and a matcha latte",
        "a half sweet latte",
        "an iced matcha latte with almond milk",
    ],
)
def test_the_merchant_in_use_hears_its_own_items_as_it_would_alone(
    platform: OrderParser, alone: OrderParser, text: str
) -> None:
    assert platform.parse(text, IN_USE) == alone.parse(text)


def test_soy_milk_is_not_chosen_where_the_merchant_in_use_has_none(
    platform: OrderParser,
) -> None:
    entities = platform.parse("a latte with soy milk", IN_USE)
    assert {e["value"] for e in entities if e["entity"] == "item"} == {"latte"}
    assert "milk:soy" not in {e["value"] for e in entities if e["entity"] == "option"}


def test_an_item_only_another_brand_sells_is_still_heard(platform: OrderParser) -> None:
    entities = platform.parse("a signature0042 sundae please", IN_USE)
    assert [e["value"] for e in entities if e["entity"] == "item"] == ["brand-0042-signature0042"]
