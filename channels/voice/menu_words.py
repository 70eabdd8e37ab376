"""Menu words recovered from poor audio in an ordering turn.

While the customer orders (no question, or an option or which line), the beam Whisper
gives recovers menu words (:func:`read_order`): a word of the best candidate that is no
word of the current merchant's menu but sounds like one ("two mockers", "make that a
stall", "oat meal" at a coffee shop) is heard as that menu word, as another candidate says
it if one does, else as the menu spells it. Only when it is close by spelling and by
sound, stands where an order goes on, and is no everyday word ("to go", "a lot", "later");
never when two menu words are as near. The dialogue says back what it added, so the
customer hears what was understood.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.nlu.menu_matcher import (
    COMMON_WORDS,
    EDGE_WORDS,
    FUZZY_MAX_LENGTH_GAP,
    FUZZY_MIN_CHARS,
    MERGED_WORDS_MIN_SCORE,
    WORD_MIN_SCORE,
    singular,
)
from bot.nlu.numbers import ARTICLES, CARDINALS, SOUNDALIKES
from channels.voice.sounds import MIN_SIMILARITY, closeness, letters, plain_words, similarity
from contracts.bot_messages import QuestionKind
from contracts.lexicon import Lexicon
from speech.recognition import Hypothesis, Transcript

# While ordering there is no closed list of answers, but there is the merchant's menu: a
# word Whisper wrote that is no menu word, yet sounds like one ("two mockers" at a coffee
# shop), is heard as that menu word. A candidate of the beam that says the menu word
# ("two mochas") is taken first; only when none does is the word rewritten from the menu.
# The dialogue says back what it added, so the customer hears what was understood.

# How near a heard word must be to a menu word to be rewritten from the menu alone: one
# wrong letter or sound in five ("stall" / "small" 0.8), as the NLU's fuzzy matches.
MENU_MIN_SIMILARITY = 0.8
# ...and at least this near by spelling and by sound each, where the nearer one is judged
# for an answer: "sugar" sounds 0.8 like "skinny" but is spelt 0.18 like it.
MENU_MIN_EITHER = 0.6
# One heard word against a menu phrase of more words ("stall" / "set meal"): closer still.
MENU_MERGED_MIN_SIMILARITY = MERGED_WORDS_MIN_SCORE / 100
# Words heard one for one with a phrase's words: each at least this near its own.
MENU_WORD_MIN_SIMILARITY = WORD_MIN_SCORE / 100
# Words shorter than this ("coke", "cola", "lot") say too little to be rewritten, nor to
# be rewritten into ("cold", "solo"): the NLU's own floor for a fuzzy match.
MENU_MIN_LETTERS = FUZZY_MIN_CHARS
# Two menu words this close to each other for one heard word: neither is picked.
MENU_TIE_MARGIN = 0.02
# Words heard together that may stand for one menu phrase ("vent a" for "venti").
MAX_SPAN_WORDS = 3
# The questions after which the customer says an order, not an answer from a list.
ORDERING_QUESTIONS = frozenset({None, QuestionKind.OPTION, QuestionKind.WHICH_LINE})
# Words of every order that are never menu words, whatever they sound like: the NLU's own
# glue, count and size words and its everyday words near a menu name ("later"), and
# everyday quantities and fillers ("too much milk", "a lot of ice").
ORDINARY_WORDS = frozenset(
    {singular(word) for word in (*EDGE_WORDS, *COMMON_WORDS)}
    | {"much", "many", "lot", "lots", "bit", "few", "less", "very", "really", "just"}
    | {"here", "there", "go", "now", "soon", "again", "instead", "actually", "maybe"}
    | {"i'll", "i'd", "i'm", "it's", "that's", "what's", "let's", "we", "us", "our"}
    | {"on", "in", "at", "by", "up", "out", "off", "over", "from", "into", "about", "than"}
    | {"first", "second", "third", "last", "next", "little", "while", "couple", "great"}
    | {"same", "as", "usual", "before", "other", "else", "whatever", "any", "anything"}
    | {"something", "nothing", "everything", "sure", "okay", "ok", "yeah", "yep", "fine"}
    | {"do", "does", "did", "done", "put", "take", "took", "give", "got", "goes", "going"}
    | {"how", "why", "who", "which", "nice", "water", "sugar", "cream", "foam", "straw"}
    # The dialogue's own words: "the breakfast menu" became "the breakfast muffin".
    | {"menu", "order", "cart", "total", "price", "cost", "pay", "store", "pickup", "cancel"}
    | {"change", "remove", "add", "make", "receipt", "person", "help", "status", "ready"}
)
# What Whisper writes for the last vowel of a word it splits ("vent a" for "venti").
_SPLIT_OFF = frozenset({"a"})
# Words that say a count or an article: an order goes on after them.
_COUNT_WORDS = frozenset({*CARDINALS, *ARTICLES, *SOUNDALIKES})


@dataclass(frozen=True)
class MenuPhrase:
    """A name or alias of an item or choice, as words, and the name it stands for."""

    words: tuple[str, ...]
    name: str

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Recovered:
    """One menu word recovered: what Whisper wrote, what goes on, and where it came from."""

    heard: str
    said: str
    name: str  # the menu name it stands for ("Mocha" for "mochas")
    source: str  # "beam": another candidate said it; "menu": the nearest menu word


@dataclass(frozen=True)
class HeardOrder:
    """What goes on to the dialogue in an ordering turn."""

    text: str
    recovered: tuple[Recovered, ...] = ()


class SpokenMenu:
    """One merchant's menu as words: every item and choice name and alias, and their
    plurals ("lattes"). Built from the ``/lexicon`` the channel receives, so only the
    current merchant's words are ever recovered."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.merchant_id = lexicon.merchant_id
        named: dict[tuple[str, ...], str] = {}
        spoken = [(item.name, [item.name, *item.aliases]) for item in lexicon.items] + [
            (choice.name, [choice.name, *choice.aliases])
            for item in lexicon.items
            for group in item.options
            for choice in group.choices
        ]
        for name, phrases in spoken:
            for phrase in phrases:
                words = tuple(plain_words(phrase).split())
                if words:
                    named.setdefault(words, name)
                    last = words[-1]
                    if not last.endswith("s"):
                        ending = "es" if last.endswith(("sh", "ch", "x", "z")) else "s"
                        named.setdefault((*words[:-1], last + ending), name)
        self.phrases = tuple(MenuPhrase(words, name) for words, name in named.items())
        self._names = {_key(p.words): p.name for p in self.phrases}
        # Words the menu itself uses ("milk", "cold", "shot"): never a mishearing of
        # another menu word ("milk a" is no "mock a"), whatever they sound like.
        self._known = frozenset(
            singular(letters(word))
            for phrase in self.phrases
            for word in phrase.words
            if not _ordinary(word)
        )
        self._longest = max((len(p.words) for p in self.phrases), default=0)

    def covered(self, words: Sequence[str]) -> list[bool]:
        """Which of ``words`` belong to a menu phrase said exactly (plurals evened out)."""
        covered = [False] * len(words)
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + self._longest) + 1):
                if _key(words[start:end]) in self._names:
                    covered[start:end] = [True] * (end - start)
        return covered

    def kept(self, words: Sequence[str]) -> list[bool]:
        """Which of ``words`` stay as they are: menu phrases said exactly, and words the
        menu uses."""
        covered = self.covered(words)
        return [
            c or singular(letters(w)) in self._known for w, c in zip(words, covered, strict=True)
        ]

    def name(self, words: Sequence[str]) -> str:
        """The menu name ``words`` say ("Mocha" for "mochas"), or the words themselves."""
        return self._names.get(_key(words), " ".join(words))

    def nearest(self, heard: Sequence[str], keep: Sequence[str]) -> tuple[MenuPhrase, float] | None:
        """The one menu phrase ``heard`` sounds like, holding the menu words ``keep`` of it
        unchanged ("oat meal" -> "oat milk"); None when none is near or two are as near."""
        scored = [
            (phrase, score)
            for phrase in self.phrases
            if (score := _reading(heard, phrase.words, keep, MENU_MIN_SIMILARITY))
        ]
        if not scored:
            return None
        phrase, score = max(scored, key=lambda pair: pair[1])
        if any(p.name != phrase.name and s >= score - MENU_TIE_MARGIN for p, s in scored):
            return None  # "two menu words as close as each other: ask, never pick one"
        return phrase, score


def _reading(
    heard: Sequence[str],
    said: Sequence[str],
    keep: Sequence[str],
    minimum: float,
    by_either: bool = False,
) -> float:
    """How near the words ``heard`` are to the menu words ``said`` for them (a phrase of the
    menu, or what another candidate of the beam says there), or 0 when they are no
    reading of them. ``keep``: the menu words of ``heard``, which stay as they are.
    ``by_either``: near by spelling or by sound is enough (the beam's majority says it)."""
    # What changes is judged on its own too: kept menu words would make any neighbour
    # look near ("hash brown oat" is no "hash brown potato" at a shop without oat milk).
    changed_words = " ".join(word for word in heard if word not in keep)
    rest_words = " ".join(word for word in said if word not in keep)
    changed, rest = letters(changed_words), letters(rest_words)
    merged = len(said) > len(heard)
    if (
        len("".join(_key(said))) < MENU_MIN_LETTERS  # "cokes" is "coke": too short to judge
        or not set(keep) <= set(said)
        or abs(len(said) - len(heard)) > 1
        # The words that change become words of the phrase that start alike: "hot chalk
        # late" is "hot chocolate", "vent a" is "venti"; "latte on" is no "latte", "nice
        # cold" no "ice cold".
        or rest[:1] != changed[:1]
        # A phrase that only adds a word to what was heard completes it, and hears
        # nothing: "a breakfast combo" holds no "breakfast tea".
        or (merged and set(heard) & set(said))
    ):
        return 0.0
    if not _word_for_word(heard, said) or abs(len(changed) - len(rest)) > FUZZY_MAX_LENGTH_GAP:
        return 0.0
    if keep and similarity(changed_words, rest_words, menu=True) < minimum:
        return 0.0
    text, menu_text = " ".join(heard), " ".join(said)
    score = similarity(text, menu_text, True) if by_either else sound_alike(text, menu_text)
    return score if score >= max(minimum, MENU_MERGED_MIN_SIMILARITY if merged else 0.0) else 0.0


def _word_for_word(heard: Sequence[str], said: Sequence[str]) -> bool:
    """Whether the words line up, each near its own, with at most one word heard in two
    pieces or two heard as one ("hot chalk late" / "hot chocolate", "vent a" / "venti"):
    one right word cannot carry a wrong one ("breakfast comb" is no "breakfast tea",
    "soy milk a" no "skim milk")."""
    if len(heard) == 1 or len(said) == 1:
        return True
    if len(heard) == len(said):
        pairs = [list(zip(heard, said, strict=True))]
    else:
        longer, shorter = (heard, said) if len(heard) > len(said) else (said, heard)
        pairs = []
        for i in range(len(shorter)):
            # words i and i + 1 of the longer side are one word of the shorter side
            joined = [*longer[:i], f"{longer[i]} {longer[i + 1]}", *longer[i + 2 :]]
            lined = list(zip(joined, shorter, strict=True))
            pairs.append(lined if longer is heard else [(b, a) for a, b in lined])
    return any(all(_pair_alike(one, other) for one, other in lined) for lined in pairs)


def _pair_alike(heard: str, said: str) -> bool:
    """One word for one (at least 0.65 alike), or two pieces for one word, which must be
    as near as a rewrite ("chalk late" / "chocolate"; "water soy" is no "without"); each
    starting like its own ("cola fries" is no "coal brews")."""
    if heard != said and letters(heard)[:1] != letters(said)[:1]:
        return False
    if " " in heard or " " in said:
        return sound_alike(heard, said) >= MENU_MIN_SIMILARITY
    return similarity(heard, said, menu=True) >= MENU_WORD_MIN_SIMILARITY


_spoken_menu: tuple[Lexicon, SpokenMenu] | None = None


def spoken_menu(lexicon: Lexicon) -> SpokenMenu:
    """The lexicon's :class:`SpokenMenu`, built once per lexicon the poller brings."""
    global _spoken_menu
    if _spoken_menu is None or _spoken_menu[0] is not lexicon:
        _spoken_menu = (lexicon, SpokenMenu(lexicon))
    return _spoken_menu[1]


def read_order(transcript: Transcript, menu: SpokenMenu, choice: bool = False) -> HeardOrder:
    """The best candidate, with words that are no menu words but sound like one heard as
    that menu word: as another candidate of the beam says it, else as the menu spells it.
    ``choice``: the customer answers which choice of an option group ("Which size?"), so
    the whole answer stands where an order goes on ("Stall." is "Small.")."""
    hypotheses = transcript.hypotheses or (Hypothesis(transcript.text, 0.0),)
    best = hypotheses[0].text
    tokens = _tokens(best)
    words = [word for _, _, word in tokens]
    kept = menu.kept(words)  # menu phrases said exactly, and words the menu uses
    # Word index where a rewrite starts -> (index after it, what goes on, provenance).
    rewrites: dict[int, tuple[int, Recovered]] = {}
    taken = [False] * len(words)

    def rewrite(start: int, end: int, said: Sequence[str], source: str) -> None:
        heard = " ".join(words[start:end])
        recovered = Recovered(heard, " ".join(said), menu.name(said), source)
        rewrites[start] = (end, recovered)
        taken[start:end] = [True] * (end - start)

    # Another candidate's reading goes on when it is near enough by the menu's rules, or
    # when the candidates that say it outweigh the best one: "Too lot is please." over
    # "Too Latte, please." three times lower in the beam.
    top = max(h.score for h in hypotheses)
    weights = [math.exp(h.score - top) for h in hypotheses]
    total = sum(weights)
    best_share = weights[0] / total
    support: dict[tuple[int, int, tuple[str, ...]], float] = {}
    sure: set[tuple[int, int, tuple[str, ...]]] = set()
    for alternative, weight in zip(hypotheses[1:], weights[1:], strict=True):
        readings = _beam_readings(words, kept, alternative.text, menu, choice)
        for start, end, said, near in readings:
            reading = (start, end, said)
            support[reading] = support.get(reading, 0.0) + weight / total
            if near:
                sure.add(reading)
    for start, end, said in support:  # in the beam's order
        reading = (start, end, said)
        backed = reading in sure or support[reading] > best_share
        if backed and not any(taken[start:end]):
            rewrite(start, end, said, "beam")
    for start, end, phrase in _menu_readings(words, kept, taken, menu, choice):
        rewrite(start, end, phrase.words, "menu")
    if not rewrites:
        return HeardOrder(best)
    text, last = "", 0
    for start in sorted(rewrites):
        end, recovered = rewrites[start]
        spoken = recovered.said
        if best[tokens[start][0]].isupper():  # "Stall." is "Small."
            spoken = spoken[:1].upper() + spoken[1:]
        text += best[last : tokens[start][0]] + spoken
        last = tokens[end - 1][1]
    text += best[last:]
    return HeardOrder(text, tuple(rewrites[start][1] for start in sorted(rewrites)))


def _beam_readings(
    words: Sequence[str],
    covered: Sequence[bool],
    alternative: str,
    menu: SpokenMenu,
    choice: bool,
) -> list[tuple[int, int, tuple[str, ...], bool]]:
    """Where another candidate says menu words in place of sound-alikes of them, and
    whether each is near enough by the menu's rules (else only by sound or spelling, and
    maybe absorbing everyday words Whisper split a menu word into: "lot is" / "latte")."""
    other = [word for _, _, word in _tokens(alternative)]
    other_covered = menu.covered(other)
    found = []
    matcher = difflib.SequenceMatcher(None, words, other, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            continue
        pairs = [(i1 + k, j1 + k) for k in range(i2 - i1)] if i2 - i1 == j2 - j1 else []
        # Word for word where the lengths agree ("to lottie's" / "two lattes": only the
        # second word changes); else the span as a whole ("vent a coal" / "venti cold").
        spans = [(i, i + 1, j, j + 1) for i, j in pairs] or [(i1, i2, j1, j2)]
        for start, end, other_start, other_end in spans:
            # Menu words both candidates say, each its own way ("coal brew" / "cold
            # brew"), are left as the best one says them.
            while (
                end - start > 1
                and other_end - other_start > 1
                and covered[start]
                and other_covered[other_start]
            ):
                start, other_start = start + 1, other_start + 1
            while (
                end - start > 1
                and other_end - other_start > 1
                and covered[end - 1]
                and other_covered[other_end - 1]
            ):
                end, other_end = end - 1, other_end - 1
            said = other[other_start:other_end]
            if not all(other_covered[other_start:other_end]):
                continue  # the other candidate says no menu word here
            keep = [words[i] for i in range(start, end) if covered[i]]
            heard = words[start:end]
            # Whisper's own reading: as near as an answer must be, not as near as the
            # menu's own words must be ("mocky autos" / "macchiatos").
            near = _may_rewrite(words, covered, start, end, choice) and bool(
                _reading(heard, said, keep, MIN_SIMILARITY)
            )
            absorbs = len(heard) > len(said)
            if near or (
                _may_rewrite(words, covered, start, end, choice, absorb=absorbs)
                and _reading(heard, said, keep, MIN_SIMILARITY, by_either=True)
            ):
                found.append((start, end, tuple(said), near))
    return found


def _menu_readings(
    words: Sequence[str],
    covered: Sequence[bool],
    taken: Sequence[bool],
    menu: SpokenMenu,
    choice: bool,
) -> list[tuple[int, int, MenuPhrase]]:
    """The nearest menu phrases for what the beam left, closest first, never overlapping."""
    candidates = []
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + MAX_SPAN_WORDS) + 1):
            if any(taken[start:end]) or not _may_rewrite(words, covered, start, end, choice):
                continue
            keep = [words[i] for i in range(start, end) if covered[i]]
            nearest = menu.nearest(words[start:end], keep)
            if nearest is not None:
                candidates.append((nearest[1], end - start, start, end, nearest[0]))
    chosen: list[tuple[int, int, MenuPhrase]] = []
    used = [False] * len(words)
    for _score, _length, start, end, phrase in sorted(candidates, key=lambda c: (-c[0], -c[1])):
        if not any(used[start:end]):
            used[start:end] = [True] * (end - start)
            chosen.append((start, end, phrase))
    return chosen


def _may_rewrite(
    words: Sequence[str],
    covered: Sequence[bool],
    start: int,
    end: int,
    choice: bool,
    absorb: bool = False,
) -> bool:
    """Whether words[start:end] may be heard as a menu phrase: some word of it is no menu
    word, none of its edges is an ordinary word (unless ``absorb``: the beam's majority
    says fewer words there), it is long enough to judge, and it stands where an order
    goes on (after a count or an article, next to a menu word, or anywhere in the answer
    to "which choice")."""
    span = words[start:end]
    changed = [words[i] for i in range(start, end) if not covered[i]]
    if not changed or len(letters("".join(span))) < MENU_MIN_LETTERS:
        return False
    # An ordinary word never changes, but for an "a" Whisper split off the word before it
    # ("vent a" for "venti", as the catalogue's own "mock a" for "mocha").
    split_off = len(span) > 1 and span[-1] in _SPLIT_OFF and not covered[end - 1]
    judged = changed[:-1] if split_off else changed
    if not absorb and any(_ordinary(word) for word in judged):
        return False
    before = words[start - 1] if start > 0 else None
    return (
        choice
        or any(covered[start:end])
        or before in _COUNT_WORDS
        or (start > 0 and covered[start - 1])
        or (end < len(words) and covered[end])
    )


def _ordinary(word: str) -> bool:
    return bool({word, singular(word), singular(letters(word))} & ORDINARY_WORDS)


def _key(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(singular(letters(word)) for word in words)


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """The words of ``text`` with where each stands in it (to rewrite one in place)."""
    return [
        (match.start(), match.end(), word)
        for match in re.finditer(r"[\w'’%&]+", text)
        if (word := plain_words(match.group()))
    ]


def sound_alike(heard: str, phrase: str) -> float:
    """:func:`~channels.voice.sounds.similarity` for menu words, for a word that is to be
    rewritten: it must be near by both spelling and sound ("mockers" / "mochas" is,
    "sugar" / "skinny" only sounds a bit like it): 0 when either is far."""
    if min(closeness(heard, phrase, menu=True)) < MENU_MIN_EITHER:
        return 0.0
    return similarity(heard, phrase, menu=True)
