"""Find menu items and stores in an utterance, tolerating speech-recognition errors.

Every run of up to a few words is compared with every name and alias in the lexicon:
exactly (after plurals and spaces are evened out: "hashbrowns" = "hash brown"), with the
words reordered ("sausage and egg muffin"), fuzzily with rapidfuzz ("lotte", "conge",
"americana"), or by sound with jellyfish's Metaphone ("lad", "lattice" -> Latte, "you
show" -> Youtiao). Fuzzy matches are where false items come from, so they must start
with the same letter, be long enough to judge, and not be common English words
("later"). A match that only sounds alike, or is only fairly close in spelling, is
returned with `confident=False`: the parser keeps it only where an order is being said
and asks the customer to confirm it. Exact matches are taken before fuzzy ones, longer
before shorter, never overlapping.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

import jellyfish
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.nlu.numbers import ARTICLES, CARDINALS, SOUNDALIKES
from bot.nlu.sizes import SIZE_PHRASES
from bot.nlu.utterance import split_words
from contracts.lexicon import Lexicon

logger = logging.getLogger(__name__)

ITEM = "item"
STORE = "store"

EXACT_SCORE = 100.0
# Same words in another order: as good as exact, but an exact match is preferred.
REORDERED_SCORE = 99.0
# rapidfuzz ratio (0-100) a fuzzy match needs: one wrong letter in five passes.
FUZZY_MIN_SCORE = 80.0
# Shorter names ("coke", "jook", "fries" -> "frie") must match exactly.
FUZZY_MIN_CHARS = 5
# A fuzzy match may be this many letters longer or shorter than the name: "congested"
# shares "conge" with "congee" but is no mishearing of it.
FUZZY_MAX_LENGTH_GAP = 2
# One heard word against a name of several ("steal" vs "set meal") needs a closer match.
MERGED_WORDS_MIN_SCORE = 88.0
# When the words line up one to one, each must be at least this close on its own, so
# one right word cannot carry a wrong one ("breakfast still" is not "breakfast set").
WORD_MIN_SCORE = 65.0
# A word this short ("moca") is taken as the one item a dropped or doubled letter away
# ("mocha") only when nothing else on the menu is within `SHORT_SLIP_ROOM` edits of it;
# a weaker or shared match is still asked about.
SHORT_SLIP_CHARS = 4
SHORT_SLIP_ROOM = 2
# Below this spelling score a fuzzy match is asked about, unless it also sounds the same.
CONFIDENT_SCORE = 84.0
# A match by sound alone ("lad" for "latte") still needs this much of the spelling.
PHONETIC_MIN_SCORE = 45.0
# Names heard by sound may be this short ("lad").
PHONETIC_MIN_CHARS = 3
# A name may be heard split into one more word than it has ("you tiao" -> "yo u tiao").
EXTRA_WORDS = 1

# Words that may not start or end a fuzzy match (unless the name does): they glue a
# real item to its neighbours ("a latte" is not a fuzzy "cafe latte").
_FUNCTION_WORDS = frozenset(
    {"and", "with", "to", "too", "for", "of", "or", "the", "please", "thank", "thanks"}
    | {"you", "i", "id", "ill", "im", "me", "my", "can", "could", "would", "get", "have"}
    | {"want", "like", "some", "more", "also", "plus", "then", "that", "this", "it", "its"}
    | {"is", "are", "no", "yes", "make", "change", "remove", "cancel", "order", "what"}
    | {"whats", "where", "but", "so", "if", "when", "not"}
)
EDGE_WORDS = (
    _FUNCTION_WORDS
    | set(CARDINALS)
    | set(ARTICLES)
    | set(SOUNDALIKES)
    | {word for phrase, _ in SIZE_PHRASES for word in phrase}
)
# Everyday words close to a menu name (found by matching a dictionary against the Golden
# Crumb menu); they match only exactly.
# ("lattice" is left out on purpose: Whisper writes it for "lattes".)
# ("early" came from Copper Kettle's "earl" alias.)
_COMMON_WORDS = ("later", "burner", "bugger", "burgle", "lathe", "latex", "cosmos", "early")
# Everyday short words a dropped or doubled letter from a one-word name on the sandbox
# menus ("late" for "latte"): never a sure slip, asked about as before.
_SHORT_WORDS = ("late", "mock", "comb", "rite", "thai", "coco", "coca")


@dataclass(frozen=True)
class MenuPhrase:
    """One way to say an item or a store, normalised for matching."""

    kind: str
    target: str
    words: tuple[str, ...]

    @property
    def joined(self) -> str:
        return "".join(self.words)


@dataclass(frozen=True)
class MenuMatch:
    """An item or store heard at words[start:end], with how sure we are (0-100)."""

    kind: str
    target: str
    start: int
    end: int
    score: float
    confident: bool = True
    # Unsure, but no other item sounds or spells alike: a strong guess beside a count or
    # a size ("a large lad" is a Latte and nothing else).
    unique: bool = True


def singular(word: str) -> str:
    """A crude singular, applied to both sides of a comparison so only consistency counts."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# Compared after `singular`, like everything else.
COMMON_WORDS = frozenset(singular(word) for word in _COMMON_WORDS)
SHORT_WORDS = frozenset(_SHORT_WORDS)


def phrase_words(text: str) -> tuple[str, ...]:
    """Normalise a name or alias the same way an utterance is normalised."""
    return tuple(singular(word.text) for word in split_words(text.replace("-", " ")))


class MenuMatcher:
    """Matches utterances against one lexicon; build once per lexicon, reuse per message."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.phrases = _unambiguous(_phrases_of(lexicon))
        self._by_joined: dict[str, MenuPhrase] = {p.joined: p for p in self.phrases}
        self._by_spaced = {" ".join(p.words): p for p in self.phrases}
        self._by_sorted = {" ".join(sorted(p.words)): p for p in self.phrases}
        self._fuzzy_keys = [p.joined for p in self.phrases if len(p.joined) >= PHONETIC_MIN_CHARS]
        # A fuzzy match starts with the same letter and is within a few letters of the
        # length (`_fair_fuzzy_match`), so only the keys of that first letter and length
        # are compared: with 1,100 merchants' items a scan of every key cost a second.
        self._keys_by_start: dict[tuple[str, int], list[str]] = {}
        for key in self._fuzzy_keys:
            self._keys_by_start.setdefault((key[0], len(key)), []).append(key)
        self._sounds = {p.joined: _sounds_of(p.joined) for p in self.phrases}
        self._longest = max((len(p.words) for p in self.phrases), default=0) + EXTRA_WORDS
        self._names: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self.phrases:
            self._names.setdefault(phrase.target, []).append(phrase.words)

    def find(
        self,
        words: Sequence[str],
        blocked: AbstractSet[int] = frozenset(),
        breaks: AbstractSet[int] = frozenset(),
    ) -> list[MenuMatch]:
        """The best non-overlapping matches, in utterance order; `blocked` words are skipped,
        and no name reaches over a list break (`breaks`: words after a comma): in "mocha,
        latte" the alias "mocha latte" is two items said one after the other."""
        normalised = [singular(word) for word in words]
        candidates: list[MenuMatch] = []
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + self._longest) + 1):
                if any(i in blocked for i in range(start, end)) or end - 1 in breaks - {start}:
                    break
                match = self._match_span(normalised[start:end], start, end)
                if match is None or not match.confident:
                    plural = self._match_heard_plural(words[start:end], start, end)
                    if plural is not None and (match is None or plural.confident):
                        match = plural
                if match is not None:
                    candidates.append(match)
        candidates = _without_cut_names(_misspelt_at_the_end(candidates, self._ends_with_name_of))
        candidates.sort(key=_preference)
        chosen: list[MenuMatch] = []
        taken: set[int] = set()
        for match in candidates:
            span = set(range(match.start, match.end))
            if not span & taken:
                chosen.append(match)
                taken |= span
        return sorted(chosen, key=lambda m: m.start)

    def _ends_with_name_of(self, whole: str, rest: str) -> bool:
        """Whether a name of `whole` ends with a name of `rest`: "chai latte", "latte"."""
        return any(
            len(tail) < len(name) and name[-len(tail) :] == tail
            for name in self._names.get(whole, [])
            for tail in self._names.get(rest, [])
        )

    def _match_heard_plural(self, span: Sequence[str], start: int, end: int) -> MenuMatch | None:
        """A plural whose singular is too short to judge ("lates"): judge it as heard."""
        joined = "".join(span)
        singular_length = len("".join(singular(w) for w in span))
        if not joined.endswith("s") or singular_length >= FUZZY_MIN_CHARS:
            return None
        return self._fuzzy(span, joined, start, end)

    def _match_span(self, span: Sequence[str], start: int, end: int) -> MenuMatch | None:
        spaced, joined = " ".join(span), "".join(span)
        exact = self._by_spaced.get(spaced) or self._by_joined.get(joined)
        if exact is not None:
            return MenuMatch(exact.kind, exact.target, start, end, EXACT_SCORE)
        reordered = self._by_sorted.get(" ".join(sorted(span))) if len(span) > 1 else None
        if reordered is not None:
            return MenuMatch(reordered.kind, reordered.target, start, end, REORDERED_SCORE)
        return self._fuzzy(span, joined, start, end)

    def _fuzzy(self, span: Sequence[str], joined: str, start: int, end: int) -> MenuMatch | None:
        if len(joined) < PHONETIC_MIN_CHARS or joined in COMMON_WORDS:
            return None
        found = process.extract(
            joined,
            self._keys_near(joined, FUZZY_MAX_LENGTH_GAP),
            scorer=fuzz.ratio,
            score_cutoff=PHONETIC_MIN_SCORE,
            limit=None,
        )
        heard_sound = jellyfish.metaphone(joined)
        short_slip = len(span) == 1 and self._short_slip(joined)
        best: MenuMatch | None = None
        tied = False
        targets: set[str] = set()
        for key, score, _ in found:
            phrase = self._by_joined[key]
            sounds_alike = heard_sound in self._sounds[key]
            # One word one slip of the keys away ("soymlik", "mocah"): as sure as a close
            # spelling.
            slip = (
                len(span) == 1
                and joined.isalpha()
                and (len(joined) >= FUZZY_MIN_CHARS or short_slip)
                and OSA.distance(joined, key) <= 1
            )
            spelled_alike = slip or (score >= FUZZY_MIN_SCORE and len(joined) >= FUZZY_MIN_CHARS)
            if not (spelled_alike or sounds_alike) or not _fair_fuzzy_match(
                span, phrase, score, slip
            ):
                continue
            # A store is never asked about: a near spelling is enough, a sound is not.
            if phrase.kind == STORE and not spelled_alike:
                continue
            confident = spelled_alike and (
                slip or sounds_alike or score >= CONFIDENT_SCORE or phrase.kind == STORE
            )
            match = MenuMatch(phrase.kind, phrase.target, start, end, float(score), confident)
            if best is not None and best.target != match.target and _as_close(match, best):
                tied = True
            elif best is None or (match.confident, match.score) > (best.confident, best.score):
                best, tied = match, False
            targets.add(phrase.target)
        if best is None:
            return None
        if tied:  # two menu words as close as each other: ask, never pick one
            return replace(best, confident=False, unique=False)
        return replace(best, unique=len(targets) == 1)

    def _keys_near(self, joined: str, gap: int) -> list[str]:
        """The fuzzy keys that start with `joined`'s letter, at most `gap` letters longer
        or shorter: the only ones a fuzzy match may be."""
        return [
            key
            for length in range(len(joined) - gap, len(joined) + gap + 1)
            for key in self._keys_by_start.get((joined[:1], length), ())
        ]

    def _short_slip(self, joined: str) -> bool:
        """A short word a dropped or doubled letter from one item's names ("moca": Mocha,
        whose aliases "moka" and "mocka" are as close), with no other name starting alike
        within `SHORT_SLIP_ROOM` edits (a fuzzy match needs the same first letter)."""
        if len(joined) != SHORT_SLIP_CHARS or not joined.isalpha() or joined in SHORT_WORDS:
            return False
        near = [
            (key, OSA.distance(joined, key)) for key in self._keys_near(joined, SHORT_SLIP_ROOM)
        ]
        slipped = {
            self._by_joined[key].target
            for key, edits in near
            if edits == 1 and abs(len(key) - len(joined)) == 1
        }
        others = {self._by_joined[key].target for key, edits in near if edits <= SHORT_SLIP_ROOM}
        return len(slipped) == 1 and others == slipped


def _misspelt_at_the_end(
    candidates: list[MenuMatch], ends_with_name_of: Callable[[str, str], bool]
) -> list[MenuMatch]:
    """Drop two matches side by side that together are a sure match of the first one's
    item, whose name ends with the second one's: in "a chai late", "chai" (Chai Latte) and
    "late" (Latte, heard alone) are the misspelt "chai latte", one Chai Latte."""
    parts: set[MenuMatch] = set()
    for whole in (w for w in candidates if w.confident):
        for first in candidates:
            if (
                (first.start, first.target) != (whole.start, whole.target)
                or first.end >= whole.end
                or first.score < REORDERED_SCORE  # the start is said right: "chai"
            ):
                continue
            seconds = {  # ... and the end is one word: "late"
                second
                for second in candidates
                if (second.start, second.end)
                == (first.end, whole.end)
                == (whole.end - 1, whole.end)
                and second.target != whole.target
                and ends_with_name_of(whole.target, second.target)
            }
            if seconds:
                parts |= {first, *seconds}
    return [match for match in candidates if match not in parts]


def _without_cut_names(candidates: list[MenuMatch]) -> list[MenuMatch]:
    """Drop a match that a sure, longer match of the same item holds when the rest of
    that longer match would be heard as another item: in "a chai lattte" the alias "chai"
    is the start of the misspelt "chai latte", not a Chai Latte before a Latte. Only when
    the longer match beats that other item: in "a mocha a latte" the exact "latte" wins
    over a fuzzy "mocha (a) latte", so the Mocha said first is a Mocha, not lost with it."""

    def cut(match: MenuMatch) -> bool:
        return any(
            whole.target == match.target
            and whole.confident
            and whole.start <= match.start
            and match.end <= whole.end
            and whole.end - whole.start > match.end - match.start
            and any(
                rest.target != match.target
                and whole.start <= rest.start
                and rest.end <= whole.end
                and (rest.end <= match.start or match.end <= rest.start)
                and _preference(whole) < _preference(rest)
                for rest in candidates
            )
            for whole in candidates
        )

    return [match for match in candidates if not cut(match)]


def _as_close(one: MenuMatch, other: MenuMatch) -> bool:
    return (one.confident, one.score) == (other.confident, other.score)


def _sounds_of(joined: str) -> frozenset[str]:
    """Metaphone keys of a name and of its plural ("lattes" sounds like "lattice")."""
    return frozenset({jellyfish.metaphone(joined), jellyfish.metaphone(joined + "s")})


def _preference(match: MenuMatch) -> tuple[bool, bool, int, float, int]:
    """Exact (or reordered) before fuzzy, confident before unsure; then the longer; then
    the closer; then the first.

    Longer wins over closer so that "sausage egg muffin" (reordered) beats "egg muffin".
    """
    return (
        match.score < REORDERED_SCORE,
        not match.confident,
        -(match.end - match.start),
        -match.score,
        match.start,
    )


def _fair_fuzzy_match(
    span: Sequence[str], phrase: MenuPhrase, score: float, slip: bool = False
) -> bool:
    """Same first letter, no function word glued on at either end ("a latte"), and not
    just some of the name's words ("breakfast" is not "breakfast set"); one word for a name
    of several must be closer, or one slip away ("soymlik")."""
    joined = phrase.joined
    heard = "".join(span)
    if span[0][0] != joined[0] or abs(len(heard) - len(joined)) > FUZZY_MAX_LENGTH_GAP:
        return False
    if len(span) == 1 < len(phrase.words) and score < MERGED_WORDS_MIN_SCORE and not slip:
        return False
    if len(span) == len(phrase.words) > 1 and any(
        fuzz.ratio(heard_word, word) < WORD_MIN_SCORE
        for heard_word, word in zip(span, phrase.words, strict=True)
    ):
        return False
    for k in range(1, len(phrase.words)):
        if heard in ("".join(phrase.words[:k]), "".join(phrase.words[k:])):
            return False
    if span[0] in EDGE_WORDS and not joined.startswith(span[0]):
        return False
    return not (span[-1] in EDGE_WORDS and not joined.endswith(span[-1]))


def _phrases_of(lexicon: Lexicon) -> Iterable[MenuPhrase]:
    for item in lexicon.items:
        for text in (item.sku, item.name, *item.aliases):
            yield from _variants(ITEM, item.sku, text)
    for store in lexicon.stores:
        for text in (store.name, *store.aliases):
            yield from _variants(STORE, store.id, text)


def _variants(kind: str, target: str, text: str) -> Iterable[MenuPhrase]:
    words = phrase_words(text)
    if not words:
        return
    yield MenuPhrase(kind, target, words)
    if "and" in words[1:-1]:  # "egg and sausage muffin" is also said "egg sausage muffin"
        yield MenuPhrase(kind, target, tuple(w for w in words if w != "and"))


def _unambiguous(phrases: Iterable[MenuPhrase]) -> list[MenuPhrase]:
    """Drop phrases that name two different things: guessing would be worse than asking."""
    targets: dict[str, set[tuple[str, str]]] = {}
    unique: dict[str, MenuPhrase] = {}
    for phrase in phrases:
        targets.setdefault(phrase.joined, set()).add((phrase.kind, phrase.target))
        unique.setdefault(phrase.joined, phrase)
    ambiguous = {key for key, owners in targets.items() if len(owners) > 1}
    for key in sorted(ambiguous):
        logger.warning("Ignoring the menu phrase %r: it names %s.", key, sorted(targets[key]))
    return [phrase for key, phrase in unique.items() if key not in ambiguous]
