"""The words recognition should expect next, from what the assistant just asked.

Whisper hears short answers best when it is told what kind of answer is coming
(state-aware recognition). The dialogue marks every question with
``custom.expect`` (contract C3); :func:`recognition_bias` turns that kind and the
live menu into the phrases the recogniser is primed with:

- while ordering (``more_or_done``, ``option``, or no question): item names, then
  option choice names ("Oat", "Large", "Decaf"), then store names;
- at a yes/no question (``pay``, ``cancel``, ``check_item``): yes/no words;
- at the PIN (``pin``): digits;
- at ``store_time``: store names and time words;
- at ``store_choice`` (stores offered near the customer): the offered stores' names, which
  the lexicon's short list of stores does not hold, and the ways to point at one.

Item, choice and store names come from the action server's ``/lexicon`` (built
from the merchant platform's catalogue), so a new item is recognised without a
restart; only the merchant in use's own names (the replies say which merchant that is,
``custom.merchant``), so recognition follows a switch made in the dialogue. The copy is
the NLU's own (``bot.nlu.lexicon.shared_source``: one poller per process), refreshed in
the background, so no utterance waits for it; if the lexicon cannot be reached the last
list (or just the generic lead phrase) is used.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.nlu.lexicon import shared_source
from contracts.bot_messages import QuestionKind
from contracts.lexicon import Lexicon

ORDER_LEAD = "Breakfast order"
DIGIT_PHRASES = ("PIN digits", "0 1 2 3 4 5 6 7 8 9")
YES_NO_PHRASES = (
    "Yes.", "No.", "Yes please.", "No thanks.", "Yeah, sure.", "Go ahead.", "Yep.",
    "Nope.", "Not yet.", "Wait.", "Correct.",
)  # fmt: skip
TIME_PHRASES = ("As soon as possible", "at 8:30", "in 15 minutes")
CHOICE_PHRASES = ("The first one", "The second one", "The nearest one")
# The answers to "Start a new cart at X, or finish this one first?".
NEW_CART_PHRASES = ("Start a new cart", "Finish this one first", "Yes", "No")
# Question kinds (contracts.bot_messages.QuestionKind) answered with a yes or a no.
YES_NO_QUESTIONS = frozenset({QuestionKind.PAY, QuestionKind.CANCEL, QuestionKind.CHECK_ITEM})
# Senders whose last question is remembered; the oldest are forgotten first.
MAX_REMEMBERED_SENDERS = 10_000


@dataclass(frozen=True)
class MenuWords:
    """The names a customer says while ordering, as the catalogue spells them."""

    items: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()
    merchants: tuple[str, ...] = ()  # display names, asked for by "which merchant?"


def menu_words(lexicon: Lexicon) -> MenuWords:
    """Item names, option choice names and store names from the ``/lexicon``.

    Aliases are left out on purpose: measured on our ordering utterances, a prompt
    of fifty alias variants made Whisper worse (it starts "hearing" them in short
    answers), while the names alone fix the words it gets wrong unprompted.
    """
    return MenuWords(
        items=_names(item.name for item in lexicon.items),
        choices=_names(
            choice.name
            for item in lexicon.items
            for group in item.options
            for choice in group.choices
        ),
        stores=_names(store.name for store in lexicon.stores),
        merchants=_names(merchant.name for merchant in lexicon.merchants),
    )


def merchants_own(platform: Lexicon, merchant_id: str | None = None) -> Lexicon:
    """The platform's lexicon as `merchant_id` (None: the merchant conversations start with)
    sells: its items, options and stores, and every merchant's names. A merchant with no
    items (a booking merchant) has its stores and the names only; the whole lexicon is
    used when it has no per-merchant part, as a merchant's own backend serves it."""
    wanted = merchant_id or platform.merchant_id
    own = platform.of_merchant(wanted)
    if own is not None:
        return own
    if any(m.id == wanted for m in platform.merchants):
        return Lexicon(
            merchant_id=wanted,
            items=[],
            stores=[s for s in platform.stores if s.merchant_id == wanted],
            merchants=[m.copy(update={"items": []}) for m in platform.merchants],
        )
    if merchant_id is not None:  # a merchant the lexicon does not know (yet)
        return merchants_own(platform)
    return platform


def recognition_bias(
    expect: str | None, words: MenuWords, offered: Iterable[str] = ()
) -> tuple[str, ...]:
    """The phrases to prime recognition with when the last question was ``expect``
    (``offered``: the stores the question offered).

    An unknown kind counts as ordering: the menu is what customers say most.
    """
    if expect == QuestionKind.STORE_CHOICE:
        return _names([*offered, *CHOICE_PHRASES])
    if expect == QuestionKind.PIN:
        return DIGIT_PHRASES
    if expect == QuestionKind.MERCHANT_CHOICE:
        return _names([*words.merchants, *CHOICE_PHRASES])
    if expect == QuestionKind.NEW_CART:
        return NEW_CART_PHRASES
    if expect in YES_NO_QUESTIONS:
        return YES_NO_PHRASES
    if expect == QuestionKind.STORE_TIME:
        return _names([*words.stores, *TIME_PHRASES])
    if expect == QuestionKind.SLOT_OFFER:  # "yes, that one", or another time
        return _names([*YES_NO_PHRASES, *TIME_PHRASES])
    return _names([ORDER_LEAD, *words.items, *words.choices, *words.stores])


def expected_answer(messages: Iterable[Mapping[str, Any]]) -> str | None:
    """The ``custom.expect`` of a reply (its last question), or None if it asks nothing."""
    expect = None
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, Mapping) and isinstance(custom.get("expect"), str):
            expect = custom["expect"]
    return expect


def offered_stores(messages: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The names of the stores a reply offered (``custom.stores``), nearest first."""
    names: list[str] = []
    for message in messages:
        custom = message.get("custom")
        stores = custom.get("stores") if isinstance(custom, Mapping) else None
        if isinstance(stores, list):
            names += [str(s["name"]) for s in stores if isinstance(s, Mapping) and s.get("name")]
    return _names(names)


def _names(names: Iterable[object]) -> tuple[str, ...]:
    cleaned = (str(name).strip() for name in names if name)
    return tuple(dict.fromkeys(name for name in cleaned if name))


class OpenQuestions:
    """The kind of question each conversation's last reply asked (or None).

    Kept per sender in this process, like the PIN guard's pending request, so a
    client that reconnects keeps its bias. It only steers recognition: a kind that
    is stale or lost costs accuracy, never correctness (the dialogue reads the
    answer against its own ``pending_question`` slot).
    """

    def __init__(self, capacity: int = MAX_REMEMBERED_SENDERS) -> None:
        self._capacity = capacity
        self._kinds: OrderedDict[str, str | None] = OrderedDict()

    def asked(self, sender_id: str, reply: Iterable[Mapping[str, Any]]) -> None:
        """Record the assistant's reply to ``sender_id``; a reply without a question clears."""
        self._kinds[sender_id] = expected_answer(reply)
        self._kinds.move_to_end(sender_id)
        while len(self._kinds) > self._capacity:
            self._kinds.popitem(last=False)

    def expected(self, sender_id: str) -> str | None:
        return self._kinds.get(sender_id)


class MenuVocabulary:
    """The recognition bias of the live menu at ``lexicon_url`` (None: the lead phrase only),
    as each merchant sells it."""

    def __init__(self, lexicon_url: str | None) -> None:
        self._url = lexicon_url
        self._platform: Lexicon | None = None  # the platform's lexicon last read
        # Each merchant's own lexicon and words, from that platform lexicon: one cache, by
        # merchant id (None: the merchant conversations start with), emptied when the
        # platform's lexicon changes. At most one entry per merchant of the platform.
        self._merchants: dict[str | None, tuple[Lexicon, MenuWords]] = {}

    def phrases(
        self, expect: str | None = None, offered: Iterable[str] = (), merchant: str | None = None
    ) -> tuple[str, ...]:
        """What to prime recognition with after a question of kind ``expect`` (that
        offered these stores), ordering from ``merchant``."""
        return recognition_bias(expect, self.words(merchant), offered)

    def words(self, merchant: str | None = None) -> MenuWords:
        """The names ``merchant`` sells (empty until the lexicon is first read)."""
        own = self._own(merchant)
        return own[1] if own is not None else MenuWords()

    def lexicon(self, merchant: str | None = None) -> Lexicon | None:
        """The whole lexicon of ``merchant`` (None: the one conversations start with; None
        until first read), whose names and aliases menu words are recovered from
        (``channels.voice.menu_words.read_order``).

        Never another merchant's words: the platform's lexicon holds every merchant's, and
        priming Whisper with Copper Kettle's "2%" made "two hash browns" at Golden Crumb
        "2%, Round". The merchant follows a switch made in the dialogue: the channel reads
        it from the replies (``custom.merchant``)."""
        own = self._own(merchant)
        return own[0] if own is not None else None

    def _own(self, merchant: str | None) -> tuple[Lexicon, MenuWords] | None:
        platform = shared_source(self._url).latest() if self._url else None
        if platform is None:
            platform = self._platform  # unreachable now: the last one read
        elif platform is not self._platform:
            self._platform, self._merchants = platform, {}
        if platform is None:
            return None
        own = self._merchants.get(merchant)
        if own is None:
            lexicon = merchants_own(platform, merchant)
            own = self._merchants[merchant] = (lexicon, menu_words(lexicon))
        return own

    async def refresh(self) -> None:
        """Fetch the lexicon now (at start-up), off the event loop."""
        if self._url:
            await asyncio.to_thread(shared_source(self._url).refresh)
