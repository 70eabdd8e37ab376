"""A cached source of the merchant's vocabulary (``contracts.lexicon.Lexicon``).

The extractor must match the LIVE catalogue, so the vocabulary is fetched from the action
server (`GET /lexicon`) instead of being trained in. Rasa calls the extractor on its event
loop: after the first load, refreshes run in a daemon thread so no message waits on HTTP,
and a failed refresh keeps the last good copy.

The server sends an ETag; each fetch sends it back (`If-None-Match`), and a `304 Not
Modified` keeps the copy without downloading or parsing it again: with 1,100 merchants
the lexicon is tens of MB, and parsing it every refresh would cost seconds of CPU a
minute. Only the first, blocking load is held to `timeout_seconds`; a background fetch
may take `BACKGROUND_TIMEOUT_SECONDS` (a big lexicon's first build takes longer than a
reply may wait, and must still arrive).

One process polls one URL once: the extractor registers its source (`adopt`) and the voice
channel's recognition bias reads the same copy (`shared_source`).
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable

import httpx

from contracts.lexicon import Lexicon

logger = logging.getLogger(__name__)

LEXICON_URL_ENV = "ORDERLY_LEXICON_URL"
DEFAULT_REFRESH_SECONDS = 60.0
# The first load blocks the first message; keep it short so a dead action server
# costs one slow reply, not a hung one.
DEFAULT_TIMEOUT_SECONDS = 2.0
# Until a first copy arrives, try again this often rather than once per refresh period.
DEFAULT_RETRY_SECONDS = 5.0
# A background fetch blocks nobody: it may wait for a big platform's first build.
BACKGROUND_TIMEOUT_SECONDS = 300.0


class LexiconSource:
    """Fetches the lexicon from a URL and keeps it fresh without blocking callers.

    `current()` blocks only on its first call (at most `timeout_seconds`); later calls
    return the cached copy at once and start a background refresh when it is older than
    `refresh_seconds`. Thread-safe.
    """

    def __init__(
        self,
        url: str,
        refresh_seconds: float = DEFAULT_REFRESH_SECONDS,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        retry_seconds: float = DEFAULT_RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.refresh_seconds = refresh_seconds
        self.timeout_seconds = timeout_seconds
        self.retry_seconds = min(retry_seconds, refresh_seconds)
        self._clock = clock
        self._lock = threading.Lock()
        self._lexicon: Lexicon | None = None
        self._last_attempt: float | None = None
        self._refreshing = False
        self._failing = False
        self._etag: str | None = None

    def current(self) -> Lexicon | None:
        """The freshest lexicon known, or None if none has ever loaded."""
        with self._lock:
            first = self._last_attempt is None
            if first:
                self._last_attempt = self._clock()
            else:
                self._start_refresh_if_due()
        if first:
            self.refresh()
        with self._lock:
            return self._lexicon

    def latest(self) -> Lexicon | None:
        """Like `current`, but never waits: the first fetch runs in the background too (for
        callers on an event loop that must not block, such as the voice channel)."""
        with self._lock:
            self._start_refresh_if_due()
            return self._lexicon

    def _start_refresh_if_due(self) -> None:
        """With the lock held: start a background refresh if one is due and none runs."""
        due = self._last_attempt is None or self._is_due()
        if due and not self._refreshing:
            self._refreshing = True
            self._last_attempt = self._clock()
            threading.Thread(
                target=self._refresh_in_background,
                name="lexicon-refresh",
                daemon=True,
            ).start()

    def refresh(self, timeout_seconds: float | None = None) -> Lexicon | None:
        """Fetch now (blocking); keep the last good copy if the fetch fails or the server
        says it is unchanged."""
        try:
            lexicon = self._fetch(timeout_seconds or self.timeout_seconds)
        except (httpx.HTTPError, ValueError) as error:
            self._record_failure(error)
        else:
            with self._lock:
                # unchanged: keep the object, callers cache on it
                changed = lexicon is not None and lexicon != self._lexicon
                if changed:
                    self._lexicon = lexicon
            if changed:
                # A platform's lexicon is millions of long-lived objects (1,100 merchants:
                # a full collection took seconds): out of the collector's reach, turns
                # do not pay for walking them. Freed as usual when a newer copy replaces it.
                gc.freeze()
            with self._lock:
                recovered, self._failing = self._failing, False
            if recovered:
                logger.info("Menu lexicon from %s is back.", self.url)
        with self._lock:
            return self._lexicon

    def _is_due(self) -> bool:
        assert self._last_attempt is not None
        period = self.refresh_seconds if self._lexicon is not None else self.retry_seconds
        return self._clock() - self._last_attempt >= period

    def _refresh_in_background(self) -> None:
        try:
            self.refresh(max(self.timeout_seconds, BACKGROUND_TIMEOUT_SECONDS))
        finally:
            with self._lock:
                self._refreshing = False

    def _fetch(self, timeout_seconds: float) -> Lexicon | None:
        """The lexicon, or None when the server says our copy is current (304)."""
        with self._lock:
            etag = self._etag if self._lexicon is not None else None
        headers = {"If-None-Match": etag} if etag else {}
        response = httpx.get(self.url, timeout=timeout_seconds, headers=headers)
        if response.status_code == httpx.codes.NOT_MODIFIED and etag:
            return None
        response.raise_for_status()
        lexicon = Lexicon.from_json(response.json())
        logger.debug("Loaded %d items from %s.", len(lexicon.items), self.url)
        with self._lock:
            self._etag = response.headers.get("etag")
        return lexicon

    def _record_failure(self, error: Exception) -> None:
        with self._lock:
            have_copy = self._lexicon is not None
            first_failure, self._failing = not self._failing, True
        log = logger.warning if first_failure else logger.debug
        if have_copy:
            log(
                "Could not refresh the menu lexicon from %s (%s); keeping the last copy.",
                self.url,
                error,
            )
        else:
            log(
                "No menu lexicon could be loaded from %s (%s): items and stores will not "
                "be recognised until it answers (quantities, sizes and times still are). "
                "Is the action server running? Set %s to change the URL.",
                self.url,
                error,
                LEXICON_URL_ENV,
            )


_process_sources: dict[str, LexiconSource] = {}
_process_lock = threading.Lock()


def adopt(source: LexiconSource) -> LexiconSource:
    """Make ``source`` this process's source of its URL (the latest extractor's wins)."""
    with _process_lock:
        _process_sources[source.url] = source
    return source


def shared_source(url: str) -> LexiconSource:
    """This process's source of ``url``: the extractor's if there is one, else a new one."""
    with _process_lock:
        source = _process_sources.get(url)
        if source is None:
            source = _process_sources[url] = LexiconSource(url)
        return source
