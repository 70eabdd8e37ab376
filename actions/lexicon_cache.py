"""The action server's copy of the platform lexicon (`GET /lexicon`), built once a period.

With 1,100 merchants the lexicon is about 44,000 items (tens of MB of JSON): building it
on every request, and the NLU parsing it again every refresh, would cost seconds of CPU
a minute in both processes. So the body is built at most once per `ttl_seconds` (one
build at a time; concurrent requests wait for it) and carries an ETag, the digest of its
bytes: a client that sends `If-None-Match` with the current one gets `304 Not Modified`
and keeps its copy (bot/nlu/lexicon.py), so an unchanged lexicon is never parsed twice.

A build asks the platform for every merchant's menu: with 1,100 merchants that is 2,200
requests, minutes of the platform's CPU on a busy machine. So a body is also kept for
`BUILD_SHARE_INVERSE` times as long as it took to build: building never takes more than a
tenth of the time, however many merchants there are. (The sandbox's menus change only
when it restarts with edited packs; a merchant backend's new items are heard that much
later, its prices and availability are checked at every quote as before.)
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from contracts.lexicon import Lexicon

# A body is kept at least this many times as long as its build took.
BUILD_SHARE_INVERSE = 10


@dataclass(frozen=True)
class LexiconBody:
    """The lexicon as served: its JSON bytes and their ETag (a quoted digest)."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, lexicon: Lexicon) -> LexiconBody:
        body = json.dumps(lexicon.dict(), separators=(",", ":")).encode()
        return cls(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')


class LexiconCache:
    """The last body built, rebuilt when older than `ttl_seconds` (0: every request)."""

    def __init__(
        self,
        build: Callable[[], Awaitable[Lexicon]],
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._build = build
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = asyncio.Lock()
        # (when it was built, how long it is kept, the body)
        self._current: tuple[float, float, LexiconBody] | None = None

    async def body(self) -> LexiconBody:
        """The current body; failures of the build are raised, never cached."""
        async with self._lock:
            now = self._clock()
            if self._current is None or now - self._current[0] >= self._current[1]:
                lexicon = await self._build()
                # Serialising tens of MB holds the CPU: off the event loop, actions keep
                # being answered meanwhile.
                body = await asyncio.to_thread(LexiconBody.of, lexicon)
                took = self._clock() - now
                gc.freeze()  # long-lived: out of the collector's reach (bot/nlu/lexicon.py)
                self._current = (now, max(self._ttl, BUILD_SHARE_INVERSE * took), body)
            return self._current[2]
