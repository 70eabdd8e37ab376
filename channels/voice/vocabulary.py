"""The words recognition should expect next, from what the assistant just asked.

Whisper hears short answers best when it is told what kind of answer is coming
(state-aware recognition). The dialogue marks every question with
``custom.expect`` (contract C3); :func:`recognition_bias` turns that kind and the
live menu into the phrases the recogniser is primed with:

- while ordering (``more_or_done``, ``option``, or no question): item names, then
  option choice names ("Oat", "Large", "Decaf"), then store names;
- at a yes/no question (``pay``, ``cancel``, ``check_item``): yes/no words;
- at the PIN (``pin``): digits;
- at ``store_time``: store names and time words.

Item, choice and store names come from the action server's ``/lexicon`` (built
from the merchant platform's catalogue), so a new item is recognised without a
restart. The list is refreshed every ``refresh_s`` seconds in the background, so
no utterance waits for it; if the lexicon cannot be reached the last list (or
just the generic lead phrase) is used.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

logger = logging.getLogger(__name__)

ORDER_LEAD = "Breakfast order"
DIGIT_PHRASES = ("PIN digits", "0 1 2 3 4 5 6 7 8 9")
YES_NO_PHRASES = (
    "Yes.", "No.", "Yes please.", "No thanks.", "Yeah, sure.", "Go ahead.", "Yep.",
    "Nope.", "Not yet.", "Wait.", "Correct.",
)  # fmt: skip
TIME_PHRASES = ("As soon as possible", "at 8:30", "in 15 minutes")
# Question kinds (contract C3) and the answers they expect.
YES_NO_QUESTIONS = frozenset({"pay", "cancel", "check_item"})
PIN_QUESTION = "pin"
STORE_TIME_QUESTION = "store_time"
FETCH_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class MenuWords:
    """The names a customer says while ordering, as the catalogue spells them."""

    items: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()


def menu_words(lexicon: Mapping[str, Any]) -> MenuWords:
    """Item names, option choice names and store names from a ``/lexicon`` body (C1).

    Aliases are left out on purpose: measured on our ordering utterances, a prompt
    of fifty alias variants made Whisper worse (it starts "hearing" them in short
    answers), while the names alone fix the words it gets wrong unprompted.
    """
    items = [i for i in lexicon.get("items", []) if isinstance(i, dict)]
    stores = [s for s in lexicon.get("stores", []) if isinstance(s, dict)]
    choices = [
        choice.get("name")
        for item in items
        for group in item.get("options") or []
        if isinstance(group, dict)
        for choice in group.get("choices") or []
        if isinstance(choice, dict)
    ]
    return MenuWords(
        items=_names(i.get("name") for i in items),
        choices=_names(choices),
        stores=_names(s.get("name") for s in stores),
    )


def recognition_bias(expect: str | None, words: MenuWords) -> tuple[str, ...]:
    """The phrases to prime recognition with when the last question was ``expect``.

    An unknown kind counts as ordering: the menu is what customers say most.
    """
    if expect == PIN_QUESTION:
        return DIGIT_PHRASES
    if expect in YES_NO_QUESTIONS:
        return YES_NO_PHRASES
    if expect == STORE_TIME_QUESTION:
        return _names([*words.stores, *TIME_PHRASES])
    return _names([ORDER_LEAD, *words.items, *words.choices, *words.stores])


def expected_answer(messages: Iterable[Mapping[str, Any]]) -> str | None:
    """The ``custom.expect`` of a reply (its last question), or None if it asks nothing."""
    expect = None
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, Mapping) and isinstance(custom.get("expect"), str):
            expect = custom["expect"]
    return expect


def _names(names: Iterable[object]) -> tuple[str, ...]:
    cleaned = (str(name).strip() for name in names if name)
    return tuple(dict.fromkeys(name for name in cleaned if name))


class MenuVocabulary:
    def __init__(self, lexicon_url: str | None, refresh_s: float) -> None:
        self._url = lexicon_url
        self._refresh_s = refresh_s
        self._words = MenuWords()
        self._fetched_at = float("-inf")
        self._refreshing: asyncio.Task[None] | None = None

    def phrases(self, expect: str | None = None) -> tuple[str, ...]:
        """What to prime recognition with after a question of kind ``expect``."""
        stale = time.monotonic() - self._fetched_at > self._refresh_s
        if self._url and stale and (self._refreshing is None or self._refreshing.done()):
            self._refreshing = asyncio.create_task(self.refresh())
        return recognition_bias(expect, self._words)

    async def refresh(self) -> None:
        """Fetch the lexicon now (at start-up); later refreshes run in the background."""
        if not self._url:
            return
        url = self._url
        # Wait refresh_s before retrying even after a failure: a lexicon that is down
        # must not cost a request per utterance.
        self._fetched_at = time.monotonic()
        try:
            async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_S) as client:
                response = await client.get(url)
                response.raise_for_status()
                self._words = menu_words(response.json())
        except (httpx.HTTPError, ValueError, AttributeError) as error:
            logger.warning("menu vocabulary unavailable from %s: %s", url, error)
