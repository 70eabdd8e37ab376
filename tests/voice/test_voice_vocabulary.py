"""What recognition is primed with after each kind of question (pure logic, no engines)."""

from __future__ import annotations

from channels.voice.vocabulary import (
    DIGIT_PHRASES,
    ORDER_LEAD,
    YES_NO_PHRASES,
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
