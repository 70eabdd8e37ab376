"""How near a heard word is to an expected one, by spelling and by sound.

Shared by the two readings of Whisper's beam in the voice channel: answers to a closed
question (``channels.voice.answers``) and menu words in an ordering turn
(``channels.voice.menu_words``). Spelling is rapidfuzz's ratio on the letters; sound is
the same ratio on Metaphone codes, as the NLU's menu matcher does.
"""

from __future__ import annotations

import functools
import re

import jellyfish
from rapidfuzz import fuzz

# How near (0-1, by spelling or by sound) a candidate must be to an answer's phrase to
# count for it, and a word of another candidate to say a menu word: "mattsall" /
# "that's all" is 0.75, "yes wait" / "yes" 0.6.
MIN_SIMILARITY = 0.72
# A Metaphone code this short ("N" for "no", "now", "an") says too little to match on.
MIN_SOUND_CHARS = 2
# An "r" after a vowel and before no vowel: silent where Whisper writes it for a schwa.
_NON_RHOTIC = re.compile(r"(?<=[aeiou])r(?![aeiouy])")


def similarity(heard: str, phrase: str, menu: bool = False) -> float:
    """1.0 for the same words; else the nearer of spelling and sound (0-1). ``menu``: also
    as menu words are often said and heard (:func:`sounds`)."""
    if heard == phrase:
        return 1.0
    # Never 1.0 unless the words are the same: a sound-alike is recovered, not heard.
    return min(max(closeness(heard, phrase, menu)), 0.99)


def closeness(heard: str, phrase: str, menu: bool = False) -> tuple[float, float]:
    """How near ``heard`` is to ``phrase`` by spelling and by sound (0-1 each)."""
    spelt = {heard, _NON_RHOTIC.sub("", heard)} if menu else {heard}
    spelling = max(fuzz.ratio(letters(one), letters(phrase)) / 100 for one in spelt)
    sound = max(
        (
            fuzz.ratio(heard_sound, phrase_sound) / 100
            for heard_sound in sounds(heard, True, menu)
            for phrase_sound in sounds(phrase, False, menu)
            if min(len(heard_sound), len(phrase_sound)) >= MIN_SOUND_CHARS
        ),
        default=0.0,
    )
    return spelling, sound


@functools.lru_cache(maxsize=4096)
def sounds(words: str, heard: bool, menu: bool) -> tuple[str, ...]:
    """Metaphone codes of ``words``. For menu words also as often said and heard (an
    answer's phrases are matched as spelt, so a "work" is no "ok"): what was heard without
    the "r" Whisper writes for an unstressed final "-a" ("mockers" for "mochas") and as
    one word (it splits words: "lot is" for "lattes"); what is expected with "ch" said
    "k" (Metaphone reads every "ch" as in "chai", but "mocha" says "moka")."""
    spellings: tuple[str, ...] = (words,)
    if menu:
        spellings += (
            (_NON_RHOTIC.sub("", words), letters(words)) if heard else (words.replace("ch", "k"),)
        )
    return tuple({jellyfish.metaphone(w).replace(" ", "") for w in spellings if w})


def letters(words: str) -> str:
    return words.replace(" ", "").replace("'", "")


def plain_words(text: str) -> str:
    """Lower-case words, apostrophes kept, the rest of the punctuation gone."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("’", "'")).split())
