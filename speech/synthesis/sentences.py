"""Turning the assistant's written replies into sentences worth saying.

Replies are streamed sentence by sentence, so the first sentence is heard while
the next is synthesized. Written text also carries things a voice should not read
literally: markdown emphasis, bullet dashes, emoji, and prices like ``¥37.50``.
"""

from __future__ import annotations

import re

# A sentence ends at . ! ? (or a line break) followed by space: "¥37.50" and
# "8.30" stay whole.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")
_PRICE = re.compile(r"¥\s?(\d+)(?:\.(\d{2}))?")
_MARKUP = re.compile(r"[*_`#>|~]+")
_BULLET = re.compile(r"^\s*(?:[-•·]|\d+[.)])\s+", re.MULTILINE)
# Emoji and pictographs, which TTS engines either skip or spell out by name.
_SYMBOLS = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f]")
_SPACES = re.compile(r"[ \t]+")
# Fragments shorter than this ("OK.") are joined to the next sentence: one synthesis
# call per word would cost more than it saves in latency.
MIN_SENTENCE_CHARS = 12


def _say_price(match: re.Match[str]) -> str:
    yuan, fen = match.group(1), match.group(2)
    if fen and fen != "00":
        return f"{yuan} yuan {int(fen)}"
    return f"{yuan} yuan"


def speakable(text: str) -> str:
    """Text with markup, bullets and emoji removed and prices written as spoken."""
    text = _BULLET.sub("", text)
    text = _PRICE.sub(_say_price, text)
    text = _MARKUP.sub("", text)
    text = _SYMBOLS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def split_sentences(text: str) -> list[str]:
    """The speakable sentences of ``text``, short fragments merged forward."""
    sentences: list[str] = []
    carry = ""
    for part in _SENTENCE_END.split(text):
        piece = speakable(part)
        if not piece:
            continue
        carry = f"{carry} {piece}".strip()
        if len(carry) >= MIN_SENTENCE_CHARS:
            sentences.append(carry)
            carry = ""
    if carry:
        if sentences and len(carry) < MIN_SENTENCE_CHARS:
            sentences[-1] = f"{sentences[-1]} {carry}"
        else:
            sentences.append(carry)
    return sentences
