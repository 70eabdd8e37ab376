"""Find option words ("oat milk", "decaf", "double shot", "iced", "large") in an utterance.

The vocabulary comes from the lexicon: every choice of every item's option groups, by its
name, its aliases and the everyday words for it (`option_words.py`: "skim" for
"Non-fat"), also with its group's word after it ("oat" -> "oat milk", "triple" ->
"triple shot"). Size words keep their everyday synonyms ("big", "grande": `sizes.py`),
so a size said in any common way finds the item's own size choice. Common options
("decaf", "oat milk", "a pump of vanilla": `option_words.common_options`) are found on
any menu; where the lexicon has no such choice they name none, and the parser says
them back as unavailable. A mention does not yet know its item:
`OptionMention.resolve` picks the choice an item actually has, so "regular" is caffeine
on a latte and a size on a soy milk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.nlu.menu_matcher import singular
from bot.nlu.numbers import CARDINALS
from bot.nlu.option_words import common_options, everyday_words
from bot.nlu.sizes import HEARD_AS_LARGE, LARGE, REGULAR, SIZE_PHRASES
from bot.nlu.utterance import split_words
from contracts.lexicon import Lexicon, LexiconItem, LexiconOptionGroup

SIZE_GROUP = "size"
SHOTS_GROUP = "shots"
# The combo's drink is an item said by name: the order parser handles it, not this.
DRINK_GROUP = "drink"
# Words people put after a choice to say which group it belongs to, by group id; the
# group's own name is used too ("Espresso Shots" -> "double espresso shot").
GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "milk": ("milk",),
    "shots": ("shot", "shot of espresso", "espresso shot", "shot espresso"),
    "size": ("size", "sized"),
    "temperature": (),
    "caffeine": (),
}
# Fuzzy option matches ("almnd milk", "decafe") must be this long and this close.
FUZZY_MIN_CHARS = 5
FUZZY_MIN_WORD_CHARS = 5
FUZZY_MIN_SCORE = 85.0
# Right before an item ("an OAK latte"), a short option word with one letter wrong (the
# same length and first letter) is that option: a speech or typing slip the general
# rule above is too careful to take.
SLIP_MIN_WORD_CHARS = 3
EXACT = 100.0


# The choice of an option taken back ("wait, NO ICE" on an iced mocha): the group goes
# back to the item's default (contract C2 `option` "temperature:").
DEFAULT_CHOICE = ""


@dataclass(frozen=True)
class OptionMention:
    """Option words at words[start:end], not yet tied to an item.

    `choices` are the (group, choice) pairs the words name in this lexicon, best first
    (none for a common option this menu lacks); `size` is set for an everyday size word
    ("big" = large, "small" = the smallest). `plain` words ask for the usual way ("hot",
    "regular"): where an item cannot have them, nothing needs saying back.
    """

    start: int
    end: int
    words: tuple[str, ...]
    choices: tuple[tuple[str, str], ...]
    size: str | None = None
    needs_item: bool = False
    score: float = EXACT
    plain: bool = False

    @property
    def known(self) -> bool:
        """Whether the words name anything on this menu (a choice or a size)."""
        return bool(self.choices) or self.size is not None

    def resolve(self, item: LexiconItem) -> list[tuple[str, str]]:
        """The (group, choice) pairs this mention can mean on `item`, best first."""
        found = [
            (group_id, choice_id)
            for group_id, choice_id in self.choices
            if (group := item.group(group_id)) is not None
            and (choice_id == DEFAULT_CHOICE or group.choice(choice_id))
        ]
        group = item.group(SIZE_GROUP)
        if self.size is not None and group is not None:
            choice = _size_choice(group, self.size, self.words)
            if choice is not None and (SIZE_GROUP, choice) not in found:
                found.append((SIZE_GROUP, choice))
        return found

    def taken_back(self) -> OptionMention | None:
        """ "no ice", "without almond milk": the groups of the choices named, back to their
        default; None when the words name no choice."""
        if not self.choices:
            return None
        groups = dict.fromkeys(group for group, _ in self.choices)
        return replace(self, choices=tuple((g, DEFAULT_CHOICE) for g in groups), size=None)

    def loose_value(self) -> str:
        """What the words mean with no item: the first choice, or a size."""
        if self.choices:
            group, choice = self.choices[0]
            return f"{group}:{choice}"
        return f"{SIZE_GROUP}:{self.size}"


def _size_choice(group: LexiconOptionGroup, size: str, said: Sequence[str]) -> str | None:
    ids = [choice.id for choice in group.choices]
    if not ids:
        return None
    if size == LARGE:
        return next((i for i in ids if i == LARGE), next((i for i in ids if LARGE in i), ids[-1]))
    spoken = " ".join(said)
    if spoken in ids:
        return spoken
    return group.default if group.default in ids else ids[0]


def option_words(text: str) -> tuple[str, ...]:
    """Normalise option text for matching: singular, hyphens split, numbers as digits."""
    words = split_words(text.replace("-", " "))
    return tuple(_normal(word.text) for word in words)


def _normal(word: str) -> str:
    number = CARDINALS.get(word)
    return str(number) if number is not None else singular(word)


class OptionVocabulary:
    """Every way the lexicon's options are said; build once per lexicon."""

    def __init__(self, lexicon: Lexicon | None) -> None:
        phrases: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for item in lexicon.items if lexicon is not None else ():
            for group in item.options:
                if group.group == DRINK_GROUP:
                    continue
                for choice in group.choices:
                    said = (choice.name, *choice.aliases, *everyday_words(choice.name))
                    for words in _variants(group, said):
                        targets = phrases.setdefault(words, [])
                        if (group.group, choice.id) not in targets:
                            targets.append((group.group, choice.id))
        # Common options take the targets of the menu's own words for them; one that names
        # an item ("a shot of MOCHA" where Mocha is sold) is that item, not an option.
        items = {
            option_words(name)
            for item in (lexicon.items if lexicon is not None else ())
            for name in (item.name, *item.aliases)
        }
        for common, core in common_options():
            phrase, core_words = option_words(common), option_words(core)
            if phrase not in phrases and core_words not in items:
                phrases[phrase] = list(phrases.get(core_words, ()))
        self._phrases = {words: tuple(targets) for words, targets in phrases.items()}
        # Choices that are the default wherever they are offered: the usual way ("hot").
        groups = [
            group
            for item in (lexicon.items if lexicon is not None else ())
            for group in item.options
        ]
        self._usual = {(g.group, g.default) for g in groups} - {
            (g.group, c.id) for g in groups for c in g.choices if c.id != g.default
        }
        self._by_joined = {"".join(words): words for words in self._phrases}
        self._sizes = {tuple(_normal(w) for w in phrase): value for phrase, value in SIZE_PHRASES}
        self._longest = max((len(words) for words in (*self._phrases, *self._sizes)), default=0)

    def find(self, texts: Sequence[str], blocked: AbstractSet[int]) -> list[OptionMention]:
        """Non-overlapping option mentions, longest first, in utterance order."""
        normal = [_normal(text) for text in texts]
        candidates: list[OptionMention] = []
        for start in range(len(texts)):
            for end in range(start + 1, min(len(texts), start + self._longest) + 1):
                if any(i in blocked for i in range(start, end)):
                    break
                mention = self._mention(tuple(normal[start:end]), start, end)
                if mention is not None:
                    candidates.append(mention)
            if start not in blocked and texts[start] in HEARD_AS_LARGE:
                candidates.append(
                    OptionMention(start, start + 1, (texts[start],), (), LARGE, needs_item=True)
                )
        candidates.sort(key=lambda m: (-(m.end - m.start), -m.score, m.start))
        chosen: list[OptionMention] = []
        taken: set[int] = set()
        for mention in candidates:
            span = set(range(mention.start, mention.end))
            if not span & taken:
                chosen.append(mention)
                taken |= span
        return sorted(chosen, key=lambda m: m.start)

    def _mention(self, words: tuple[str, ...], start: int, end: int) -> OptionMention | None:
        joined = "".join(words)
        key = words if words in self._phrases else self._by_joined.get(joined)
        size = self._sizes.get(words)
        score = EXACT
        if key is None and size is None:
            key = self._fuzzy(words, joined)
            score = FUZZY_MIN_SCORE
        if key is None and size is None:
            return None
        choices = self._phrases.get(key, ()) if key is not None else ()
        # The usual way ("hot", "regular") or a smaller size ("tall", "a little") is not
        # worth saying back on an item that cannot have it; "large" is.
        smaller = all(g == SIZE_GROUP and LARGE not in c for g, c in choices)
        plain = (
            bool(choices or size)
            and size in (None, REGULAR)
            and all(choice in self._usual or smaller for choice in choices)
        )
        return OptionMention(start, end, words, choices, size, score=score, plain=plain)

    def slip_before_item(self, texts: Sequence[str], start: int, end: int) -> OptionMention | None:
        """Option words at texts[start:end], said between a count and the item, with one
        short word one letter off ("an OAK latte", "two OAK MILK lattes"): that choice,
        when no other is as close. The reply names the option, so it can be changed."""
        words = tuple(_normal(text) for text in texts[start:end])
        close: set[tuple[str, ...]] = set()
        for key, targets in self._phrases.items():
            if len(key) != len(words) or not targets:
                continue
            differing = [(h, k) for h, k in zip(words, key, strict=True) if h != k]
            if len(differing) != 1:
                continue
            heard, said = differing[0]
            if (
                len(heard) == len(said) >= SLIP_MIN_WORD_CHARS
                and heard[0] == said[0]
                and sum(a != b for a, b in zip(heard, said, strict=True)) == 1
            ):
                close.add(key)
        if len({self._phrases[key] for key in close}) != 1:  # none, or two as close: no guess
            return None
        key = min(close)
        return OptionMention(start, end, key, self._phrases[key], score=FUZZY_MIN_SCORE)

    def _fuzzy(self, words: tuple[str, ...], joined: str) -> tuple[str, ...] | None:
        """A phrase with the same words but one misspelt ("almnd milk", "decafe", "meduim"):
        close in spelling or one slip away (a letter wrong, missing, extra, or two swapped).
        The misspelt word must be long enough to judge, so "with" never passes for
        "without"; two choices as close as each other are neither."""
        if len(joined) < FUZZY_MIN_CHARS:
            return None
        best: tuple[float, tuple[str, ...]] | None = None
        tied = False  # two different choices as close: guessing would be worse than asking
        for key, targets in self._phrases.items():
            if len(key) != len(words) or not targets:  # no guessing at what is not sold
                continue
            differing = [
                (heard, said) for heard, said in zip(words, key, strict=True) if heard != said
            ]
            if len(differing) != 1:
                continue
            heard, said = differing[0]
            if min(len(heard), len(said)) < FUZZY_MIN_WORD_CHARS or heard[0] != said[0]:
                continue
            score = fuzz.ratio(heard, said)
            if OSA.distance(heard, said) <= 1:  # one slip: "meduim", "smlal", "vanila"
                score = max(score, FUZZY_MIN_SCORE)
            if score < FUZZY_MIN_SCORE:
                continue
            if best is None or score > best[0]:
                best, tied = (score, key), False
            elif score == best[0] and targets != self._phrases[best[1]]:
                tied = True
        return best[1] if best is not None and not tied else None


def _variants(group: LexiconOptionGroup, texts: Iterable[str]) -> Iterable[tuple[str, ...]]:
    """Each way to say a choice, alone and with its group's words after it."""
    suffixes = {option_words(text) for text in GROUP_WORDS.get(group.group, ())}
    name = option_words(group.name)
    if name:
        suffixes |= {name, name[-1:]}
    for text in texts:
        words = option_words(text)
        if not words:
            continue
        yield words
        for suffix in suffixes:
            if words[-len(suffix) :] == suffix:
                continue
            if words[-1] == suffix[0]:  # "extra shot" + "shot of espresso"
                yield words + suffix[1:]
            else:
                yield words + suffix
