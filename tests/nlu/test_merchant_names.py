"""Merchant names in an utterance, from the lexicon (bot/nlu/merchant_names.py), what
ItemsFirst makes of a message naming one, and the platform lexicon's index by sku."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.lexicon import merge_lexicons
from bot.nlu.items_first import ItemsFirst
from bot.nlu.merchant_names import MerchantNames
from bot.nlu.order_parser import OrderParser
from bot.nlu.utterance import split_words
from contracts.lexicon import Lexicon, LexiconItem, LexiconMerchant
from tests.nlu.test_items_first import make

KETTLE = LexiconMerchant(
    id="kettle", names=["Copper Kettle Coffee", "Copper Kettle", "the coffee place"]
)
CRUMB = LexiconMerchant(id="crumb", names=["Golden Crumb", "the bakery"])


def names_in(text: str, *merchants: LexiconMerchant) -> list[tuple[str, str]]:
    words = [word.text for word in split_words(text)]
    found = MerchantNames(merchants or (KETTLE, CRUMB)).find(words, set())
    return [(" ".join(words[start:end]), merchant_id) for start, end, merchant_id in found]


def test_a_merchant_is_named_by_any_of_its_names_longest_first_with_its_the() -> None:
    assert names_in("order from Copper Kettle Coffee") == [("copper kettle coffee", "kettle")]
    assert names_in("open copper kettle") == [("copper kettle", "kettle")]
    assert names_in("switch to the coffee place") == [("the coffee place", "kettle")]
    assert names_in("the bakery, then the coffee place") == [
        ("the bakery", "crumb"),
        ("the coffee place", "kettle"),
    ]


def test_words_that_are_only_part_of_a_name_name_no_merchant() -> None:
    assert names_in("a copper mug and a kettle") == []
    assert names_in("a coffee please") == []


def test_a_name_two_merchants_share_names_neither() -> None:
    other = LexiconMerchant(id="other", names=["Other Place", "the bakery"])
    assert names_in("the bakery", CRUMB, other) == []
    assert names_in("golden crumb", CRUMB, other) == [("golden crumb", "crumb")]


def _lexicon() -> Lexicon:
    latte = LexiconItem(sku="latte", name="Latte", aliases=["latte"])
    kettle = Lexicon(merchant_id="kettle", items=[latte, LexiconItem(sku="mocha", name="Mocha")])
    crumb = Lexicon(
        merchant_id="crumb",
        items=[
            latte.copy(update={"aliases": ["caffe latte"]}),
            LexiconItem(sku="muffin", name="Muffin"),
        ],
    )
    merged = merge_lexicons("crumb", [kettle, crumb])
    merged.merchants = [
        KETTLE.copy(update={"items": kettle.items}),
        CRUMB.copy(update={"items": crumb.items}),
    ]
    return Lexicon(**merged.dict())


def test_the_platform_lexicon_has_each_item_once_with_who_sells_it() -> None:
    lexicon = _lexicon()
    assert [item.sku for item in lexicon.items] == ["latte", "mocha", "muffin"]
    assert lexicon.sellers("latte") == ["kettle", "crumb"]
    assert lexicon.sellers("mocha") == ["kettle"] and lexicon.sellers("tea") == []
    assert lexicon.item("latte").aliases == ["latte", "caffe latte"]  # type: ignore[union-attr]


def test_a_message_is_heard_as_the_merchant_in_use_sells_unless_another_explains_it() -> None:
    parser = OrderParser(_lexicon())
    at_crumb = {
        e["value"] for e in parser.parse("a mocha and a muffin", "crumb") if e["entity"] == "item"
    }
    assert at_crumb == {"mocha", "muffin"}  # the mocha, unplaced at the bakery, is the café's
    own = [e for e in parser.parse("a muffin", "crumb") if e["entity"] == "item"]
    assert [e["value"] for e in own] == ["muffin"]


def test_a_merchant_named_with_no_item_is_choose_merchant_unless_a_sure_question(
    tmp_path: Path,
) -> None:
    component = make(tmp_path)
    parser = OrderParser(_lexicon())

    def intent(text: str, diet: str, confidence: float) -> str:
        message = Message(data={TEXT: text, ENTITIES: [dict(e) for e in parser.parse(text)]})
        message.set(INTENT, {"name": diet, "confidence": confidence})
        component.process([message])
        return str(message.get(INTENT)["name"])

    assert intent("open copper kettle", "greet", 0.7) == "choose_merchant"
    assert intent("order from copper kettle", "list_merchants", 0.9) == "choose_merchant"
    assert intent("what's on the menu at the bakery", "ask_menu", 0.9) == "ask_menu"
    assert intent("a latte from the coffee place", "order_item", 0.9) == "order_item"
    assert ItemsFirst.get_default_config()["merchant_intent"] == "choose_merchant"
