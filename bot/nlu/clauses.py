"""Where an utterance breaks into parts, and which parts look like an order attempt.

A customer lists an order in parts ("two muffins, and a large lad"), separated by
punctuation or by "and". A part that starts like an order (a count, a size or option
word, or "a" right after "can I get") but whose words matched nothing is *unplaced*: the
dialogue says it back ("I didn't catch 'a large lad'") instead of silently dropping it.
The same cues decide where an unsure, sound-alike item match is believable: "six large
lattice" is an order, "a lad named Joe" is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from bot.nlu.numbers import ARTICLES, CARDINALS, is_digits
from bot.nlu.utterance import Word

_BREAK_CHARACTERS = frozenset(",.;:!?()")
# Words that join the parts of a list.
PART_JOINERS = frozenset({"and", "plus", "also"})
# Words after which "a"/"an" opens an order ("can I GET a ...", "and a ...").
ORDER_LEADS = frozenset(
    {"get", "have", "take", "want", "like", "order", "need", "add", "gimme", "grab", "bring"}
    | {"and", "plus", "also", "try", "do"}
)
# Words an item name may be followed by when it ends an order part.
ITEM_FOLLOWERS = frozenset(
    {"and", "with", "please", "thanks", "thank", "too", "plus", "also", "then", "instead"}
    | {"for", "to", "made", "as", "only", "each", "in", "but", "or", "that", "which"}
)
# Words that never make a part unplaced: talk around an order, not the order itself.
FILLER = frozenset(
    {"i", "id", "ill", "im", "ive", "me", "my", "we", "us", "our", "you", "your", "it"}
    | {"its", "that", "this", "these", "those", "them", "they", "one", "ones", "thing"}
    | {"a", "an", "the", "some", "any", "of", "to", "for", "in", "on", "at", "with", "and"}
    | {"or", "but", "so", "just", "too", "also", "plus", "then", "now", "here", "there"}
    | {"please", "pls", "thanks", "thank", "ok", "okay", "yes", "no", "yeah", "sure", "hi"}
    | {"hello", "hey", "can", "could", "would", "will", "may", "might", "should", "do"}
    | {"get", "have", "take", "want", "like", "order", "need", "add", "make", "go", "be"}
    | {"is", "are", "was", "am", "more", "another", "other", "again", "today", "well"}
    | {"same", "usual", "all", "else", "nothing", "everything", "both", "each", "again"}
    | {"cup", "cups", "drink", "drinks", "size", "order", "time", "minute", "minutes"}
    | {"second", "moment", "sec", "bit", "while", "little", "lot", "way", "people"}
    | {"person", "friend", "friends", "now", "later", "instead", "first", "next"}
    | {"must", "only", "shall", "should", "needs", "wants", "though", "rather", "really"}
    | {"very", "maybe", "actually", "definitely", "not", "isnt", "dont", "doesnt", "without"}
    | {"made", "using", "use", "done", "ready", "extra", "less", "both", "either", "neither"}
    | {"if", "as", "than", "possible", "thats", "will", "ill", "lets", "let", "go", "gotta"}
    | {"kind", "sort", "type", "day", "morning", "afternoon", "evening", "tonight"}
)


def clause_breaks(text: str, words: Sequence[Word]) -> frozenset[int]:
    """Indices i of words preceded by punctuation that ends a part (",", ".", "?")."""
    return frozenset(
        i
        for i in range(1, len(words))
        if _BREAK_CHARACTERS & set(text[words[i - 1].end : words[i].start])
    )


def parts(
    texts: Sequence[str],
    breaks: AbstractSet[int],
    blocked: AbstractSet[int],
    opens: AbstractSet[int],
) -> list[list[int]]:
    """The utterance's parts: word indices split at punctuation and at "and"s that open
    a new part (followed by a count, an option or an item: words in `opens`).

    An "and" inside a matched name ("egg and sausage muffin") is `blocked` and splits
    nothing; a joiner that splits belongs to no part.
    """
    found: list[list[int]] = [[]]
    for i, text in enumerate(texts):
        if i in breaks and found[-1]:
            found.append([])
        if text in PART_JOINERS and i not in blocked and i + 1 in opens:
            if found[-1]:
                found.append([])
            continue
        found[-1].append(i)
    return [part for part in found if part]


def is_number_word(text: str) -> bool:
    """A count said as a digit or a number word; not "to"/"for", which are usually words."""
    return is_digits(text) or text in CARDINALS


def opens_order(texts: Sequence[str], i: int, breaks: AbstractSet[int]) -> bool:
    """Whether words[i] opens an order: a number, or "a"/"an" first in its part or after
    an order word ("can I get A")."""
    if texts[i] not in ARTICLES:
        return is_number_word(texts[i])
    return i == 0 or i in breaks or texts[i - 1] in ORDER_LEADS


def ends_part(texts: Sequence[str], end: int, breaks: AbstractSet[int]) -> bool:
    """Whether an item name ending before words[end] could end an order part."""
    return end >= len(texts) or end in breaks or texts[end] in ITEM_FOLLOWERS


def is_content(text: str) -> bool:
    """A word that carries what was ordered (not filler, not a number)."""
    return text.isalpha() and len(text) > 1 and text not in FILLER
