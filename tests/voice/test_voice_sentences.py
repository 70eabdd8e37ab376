"""What the assistant's written replies sound like: sentences and speakable text."""

from __future__ import annotations

from channels.voice.speaking import reply_sentences
from speech.synthesis.sentences import speakable, split_sentences


def test_replies_split_at_sentence_ends_but_not_inside_prices_or_times() -> None:
    text = "Added 2 Lattes. Total ¥37.50, pickup at 08:30. Anything else?"
    assert split_sentences(text) == [
        "Added 2 Lattes.",
        "Total 37 yuan 50, pickup at 08:30.",
        "Anything else?",
    ]


def test_short_fragments_join_their_neighbour() -> None:
    assert split_sentences("OK. Two lattes coming up.") == ["OK. Two lattes coming up."]
    assert split_sentences("Your cart is empty. Hi!") == ["Your cart is empty. Hi!"]


def test_markup_bullets_and_emoji_are_not_read_aloud() -> None:
    assert speakable("**Paid** ¥44.00 ✅") == "Paid 44 yuan"
    assert split_sentences("Menu:\n- Latte ¥16.00\n- Hash Brown ¥7.00") == [
        "Menu: Latte 16 yuan",
        "Hash Brown 7 yuan",
    ]


def test_nothing_to_say_gives_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences("  \n ✅ ") == []


def test_a_long_first_sentence_is_split_so_audio_starts_sooner() -> None:
    reply = [
        {"text": "Here is your order: 2 Hash Browns, ¥14.00. Shall I pay now?"},
        {"custom": {}},
    ]
    assert reply_sentences(reply) == [
        "Here is your order:",
        "2 Hash Browns, 14 yuan.",
        "Shall I pay now?",
    ]
    assert reply_sentences([{"text": "Paid ¥26.00. Thank you!"}]) == ["Paid 26 yuan. Thank you!"]
    cart = [{"text": "Your cart: 2 Hash Browns and an Americano. Anything else?"}]
    assert reply_sentences(cart) == [
        "Your cart:",
        "2 Hash Browns and an Americano.",
        "Anything else?",
    ]
    # Not at a break so early that the first piece is a word or two.
    assert reply_sentences([{"text": "Sorry, that store closes at 8:30 tonight, I'm afraid."}])[
        0
    ].startswith("Sorry, that store closes at 8:30 tonight,")
