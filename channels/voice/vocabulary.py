"""The words recognition should expect: the live menu, or digits when a PIN is due.

Item and store names come from the action server's ``/lexicon``
(built from the merchant platform's catalogue through the merchant adapter), so a
new item is recognised without a restart. The list is refreshed every
``refresh_s`` seconds in the background, so no utterance waits for it; if the
lexicon cannot be reached the last list (or just the generic lead phrase) is used.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

logger = logging.getLogger(__name__)

ORDER_LEAD = "Breakfast order"
SECRET_PHRASES = ("PIN digits", "0 1 2 3 4 5 6 7 8 9")
FETCH_TIMEOUT_S = 3.0


def phrases_from_lexicon(lexicon: dict[str, Any]) -> tuple[str, ...]:
    """Item names, then store names.

    Aliases are left out on purpose: measured on our ordering utterances, a prompt
    of fifty alias variants made Whisper worse (it starts "hearing" them in short
    answers), while the names alone fix the words it gets wrong unprompted.
    """
    items = [i for i in lexicon.get("items", []) if isinstance(i, dict)]
    stores = [s for s in lexicon.get("stores", []) if isinstance(s, dict)]
    names = [str(i["name"]) for i in items if i.get("name")]
    store_names = [str(s["name"]) for s in stores if s.get("name")]
    return tuple(dict.fromkeys([ORDER_LEAD, *names, *store_names]))


class MenuVocabulary:
    def __init__(self, lexicon_url: str | None, refresh_s: float) -> None:
        self._url = lexicon_url
        self._refresh_s = refresh_s
        self._phrases: tuple[str, ...] = (ORDER_LEAD,)
        self._fetched_at = float("-inf")
        self._refreshing: asyncio.Task[None] | None = None

    def phrases(self, expecting_secret: bool = False) -> tuple[str, ...]:
        if expecting_secret:
            return SECRET_PHRASES
        stale = time.monotonic() - self._fetched_at > self._refresh_s
        if self._url and stale and (self._refreshing is None or self._refreshing.done()):
            self._refreshing = asyncio.create_task(self.refresh())
        return self._phrases

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
                self._phrases = phrases_from_lexicon(response.json())
        except (httpx.HTTPError, ValueError, AttributeError) as error:
            logger.warning("menu vocabulary unavailable from %s: %s", url, error)
