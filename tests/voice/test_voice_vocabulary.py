"""What recognition is primed with after each kind of question (pure logic, no engines)."""

from __future__ import annotations

import pytest

from channels.voice import vocabulary as vocabulary_module
from channels.voice.vocabulary import (
    DIGIT_PHRASES,
    ORDER_LEAD,
    YES_NO_PHRASES,
    MenuVocabulary,
    MenuWords,
    expected_answer,
    menu_words,
    merchants_own,
    offered_stores,
    recognition_bias,
)
from contracts.lexicon import Lexicon

LEXICON = Lexicon.from_json(
    {
        "merchant_id": "copper-kettle",
        "items": [
            {
                "sku": "latte",
                "name": "Latte",
                "aliases": ["latte", "cafe latte"],
                "options": [
                    {
                        "group": "size",
                        "name": "Size",
                        "default": "medium",
                        "choices": [
                            {"id": "medium", "name": "Medium"},
                            {"id": "large", "name": "Large", "aliases": ["big"]},
                        ],
                    },
                    {
                        "group": "milk",
                        "name": "Milk",
                        "default": "whole",
                        "choices": [
                            {"id": "whole", "name": "Whole"},
                            {"id": "oat", "name": "Oat", "aliases": ["oat milk"]},
                        ],
                    },
                ],
            },  # fmt: skip
            {
                "sku": "mocha",
                "name": "Mocha",
                "aliases": [],
                "options": [
                    {
                        "group": "size",
                        "name": "Size",
                        "default": "medium",
                        "choices": [{"id": "medium", "name": "Medium"}],
                    }
                ],
            },  # fmt: skip
            {"sku": "cookie", "name": "Cookie"},
        ],
        "stores": [{"id": "ck-1", "name": "Bund Road", "aliases": []}],
    }
)
WORDS = menu_words(LEXICON)


def test_menu_words_are_item_choice_and_store_names_once_each() -> None:
    assert WORDS == MenuWords(
        items=("Latte", "Mocha", "Cookie"),
        choices=("Medium", "Large", "Whole", "Oat"),
        stores=("Bund Road",),
    )
    assert menu_words(Lexicon(merchant_id="empty", items=[])) == MenuWords()


def test_while_ordering_recognition_expects_the_menu() -> None:
    menu = (ORDER_LEAD, "Latte", "Mocha", "Cookie", "Medium", "Large", "Whole", "Oat", "Bund Road")
    for expect in (None, "more_or_done", "option", "a_kind_added_later"):
        assert recognition_bias(expect, WORDS) == menu, expect


def test_a_confirmation_expects_yes_or_no_and_the_pin_digits() -> None:
    for expect in ("pay", "cancel", "check_item"):
        assert recognition_bias(expect, WORDS) == YES_NO_PHRASES
    assert recognition_bias("pin", WORDS) == DIGIT_PHRASES
    assert not set(recognition_bias("pay", WORDS)) & {"Latte", "Oat"}


def test_a_store_and_time_question_expects_stores_and_times() -> None:
    phrases = recognition_bias("store_time", WORDS)
    assert phrases[0] == "Bund Road" and "Latte" not in phrases
    assert any(any(ch.isdigit() for ch in phrase) for phrase in phrases)


def test_stores_offered_nearby_are_what_recognition_expects_next() -> None:
    """The offered stores are generated ones the lexicon's short list never names."""
    reply = [
        {
            "text": "Open near you now: ... Which one?",
            "custom": {
                "expect": "store_choice",
                "stores": [
                    {"id": "gc-000372", "name": "Shanghai Huangpu 2"},
                    {"name": "Kiln Lane"},
                ],
            },
        }
    ]
    offered = offered_stores(reply)
    assert offered == ("Shanghai Huangpu 2", "Kiln Lane")
    phrases = recognition_bias(expected_answer(reply), WORDS, offered)
    assert phrases[:2] == offered and "The second one" in phrases
    assert "Bund Road" not in phrases and "Latte" not in phrases


def test_the_expected_answer_is_the_last_question_of_a_reply() -> None:
    asked = [
        {"text": "Added 1 Latte."},
        {"custom": {"cart": {"lines": []}}},
        {"text": "Anything else, or shall I check out?", "custom": {"expect": "more_or_done"}},
    ]
    assert expected_answer(asked) == "more_or_done"
    assert expected_answer([{"text": "Paid."}, {"custom": {"order": {}}}]) is None
    assert expected_answer([{"custom": {"expect": 3}}, {"custom": "odd"}]) is None
    assert expected_answer([]) is None


def test_recognition_is_primed_with_the_merchants_own_words_only() -> None:
    # The platform's lexicon holds every merchant's items; priming Whisper at Golden Crumb
    # with Copper Kettle's "2%" made "two hash browns" heard as "2%, Round".
    bakery = {"sku": "hash-brown", "name": "Hash Brown"}
    milk = {"group": "milk", "name": "Milk", "default": "whole", "choices": [
        {"id": "whole", "name": "Whole"}, {"id": "2-percent", "name": "2%"}]}  # fmt: skip
    coffee = {"sku": "latte", "name": "Latte", "options": [milk]}
    platform = Lexicon.from_json(
        {
            "merchant_id": "golden-crumb",
            "items": [bakery, coffee],
            "merchants": [
                {"id": "golden-crumb", "names": ["Golden Crumb"], "items": [bakery]},
                {"id": "copper-kettle", "names": ["Copper Kettle"], "items": [coffee]},
            ],
        }
    )
    words = menu_words(merchants_own(platform))
    assert words.items == ("Hash Brown",) and words.choices == ()
    assert words.merchants == ("Golden Crumb", "Copper Kettle")


def _platform() -> Lexicon:
    bakery = {"sku": "hash-brown", "name": "Hash Brown"}
    coffee = {"sku": "flat-white", "name": "Flat White"}
    return Lexicon.from_json(
        {
            "merchant_id": "golden-crumb",
            "items": [bakery, coffee],
            "stores": [
                {"id": "ps", "name": "People's Square", "merchant_id": "golden-crumb"},
                {"id": "xtd", "name": "Xintiandi", "merchant_id": "copper-kettle"},
                {"id": "wl", "name": "West Lake", "merchant_id": "harbour-inn"},
            ],
            "merchants": [
                {"id": "golden-crumb", "names": ["Golden Crumb"], "items": [bakery]},
                {"id": "copper-kettle", "names": ["Copper Kettle"], "items": [coffee]},
                {"id": "harbour-inn", "names": ["Harbour Inn"], "kind": "booking"},
            ],
        }
    )


class _Source:
    """The NLU's lexicon poller, as the voice channel reads it (``latest``)."""

    def __init__(self, lexicon: Lexicon | None) -> None:
        self.lexicon = lexicon

    def latest(self) -> Lexicon | None:
        return self.lexicon


def test_recognition_follows_the_merchant_in_use_with_one_cache_by_merchant(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = _Source(_platform())
    monkeypatch.setattr(vocabulary_module, "shared_source", lambda url: source)
    vocabulary = MenuVocabulary("http://lexicon")
    started = vocabulary.phrases(None)  # no merchant said yet: the one conversations start with
    assert "Hash Brown" in started and "Flat White" not in started
    switched = vocabulary.phrases(None, merchant="copper-kettle")
    assert "Flat White" in switched and "Xintiandi" in switched
    assert "Hash Brown" not in switched and "People's Square" not in switched
    own = vocabulary.lexicon("copper-kettle")
    assert own is not None and [item.name for item in own.items] == ["Flat White"]
    assert vocabulary.lexicon("copper-kettle") is own  # built once per merchant
    # A booking merchant has no menu words: never another merchant's.
    hotel = vocabulary.words("harbour-inn")
    assert hotel.items == () and hotel.stores == ("West Lake",)
    # A merchant the lexicon does not know yet: the one conversations start with.
    assert vocabulary.words("tea-house").items == ("Hash Brown",)
    # A new lexicon from the platform: every merchant's words are read again from it.
    source.lexicon = _platform().copy(update={"merchant_id": "copper-kettle"})
    assert vocabulary.lexicon("copper-kettle") is not own
    assert vocabulary.words().items == ("Flat White",)
    # The lexicon cannot be reached: the last one read is used.
    source.lexicon = None
    assert vocabulary.words("golden-crumb").items == ("Hash Brown",)
