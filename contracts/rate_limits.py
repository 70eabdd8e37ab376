"""How often one caller may do something: named limits such as ``5/minute``, counted with the
`limits` library in a moving window.

Every service that limits a caller (the merchant's sign-in, the widget's demo session, the
REST channel's messages) declares its limits as settings in this notation and counts them
with :class:`RateLimit`, so a limit reads the same everywhere and is documented once.

Counts live in this process's memory: one merchant process, and one count per Rasa replica
(a customer spread over two replicas gets each replica's allowance).

``limits`` is pinned at 1.6, its last release without the ``packaging>=21`` requirement that
Rasa 3.6's ``packaging<21`` forbids; the moving window and memory storage are the same API.
"""

from __future__ import annotations

import math
import time
from typing import Any

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

__all__ = ["RateLimit", "rate_rule"]


def rate_rule(rule: str, longest_window_s: int | None = None) -> str:
    """``rule`` if it is a limit such as ``5/minute`` or ``20 per 10 minutes``; a settings
    validator. ``longest_window_s`` caps the window (a lock must end within it)."""
    try:
        item = parse(rule)
    except ValueError:
        raise ValueError("must be a rate such as 5/minute or 20 per 10 minutes") from None
    if longest_window_s is not None and item.get_expiry() > longest_window_s:
        raise ValueError(f"must count over at most {longest_window_s} seconds")
    return rule


class RateLimit:
    """One limit (``5/minute``), counted separately for each key (a client, a customer)."""

    def __init__(self, rule: str) -> None:
        self.rule = rule
        self._item: Any = parse(rule)
        # The limiter holds its storage by a weak reference: keep the storage alive here.
        self._storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self._storage)

    def hit(self, *key: str) -> bool:
        """Count one use by ``key``; False (and not counted) when it is over the limit."""
        return bool(self._limiter.hit(self._item, *key))

    def allows(self, *key: str) -> bool:
        """Whether one more use by ``key`` is within the limit, without counting it."""
        return bool(self._limiter.test(self._item, *key))

    def retry_after_s(self, *key: str) -> int:
        """Whole seconds until ``key`` may use it again (at least 1, at most the window)."""
        reset, _ = self._limiter.get_window_stats(self._item, *key)
        window = int(self._item.get_expiry())
        return min(window, max(1, math.ceil(reset - time.time())))
