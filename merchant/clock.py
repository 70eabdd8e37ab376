"""The platform's notion of "now", which tests and demos can fix and move.

Breakfast hours, opening hours, PIN lockouts and verification lifetimes all depend on
the time. Reading it from one `Clock` owned by the app lets `ORDERLY_NOW` pin a demo to
breakfast time and lets tests jump past a lockout without sleeping.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


class Clock:
    """Real time, or a fixed instant when `fixed_now` is given; both can be advanced.

    Times are whole seconds in `zone`: sub-second precision only makes spoken and
    stored times noisier.
    """

    def __init__(self, zone: ZoneInfo, fixed_now: datetime | None = None) -> None:
        self._zone = zone
        self._lock = threading.Lock()
        self._fixed = fixed_now
        self._offset = timedelta(0)

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def now(self) -> datetime:
        """The current instant, in the clock's zone."""
        with self._lock:
            base = self._fixed if self._fixed is not None else datetime.now(self._zone)
            instant = base + self._offset
        return instant.astimezone(self._zone).replace(microsecond=0)

    def advance(self, delta: timedelta) -> None:
        """Move time forward (or back, with a negative delta) for everyone using this clock."""
        with self._lock:
            self._offset += delta

    def set(self, instant: datetime) -> None:
        """Fix the clock at `instant` (which must carry a UTC offset)."""
        if instant.tzinfo is None:
            raise ValueError("Clock.set needs a time with a UTC offset.")
        with self._lock:
            self._fixed = instant
            self._offset = timedelta(0)
