"""The lockout rule of payment PINs (sign-in passwords are throttled instead: see
merchant/sign_in_throttle.py).

The attempt counter and the lock live on the ACCOUNT, not on a conversation or a
connection, so starting a new chat does not give a guesser fresh attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Lockout:
    """`max_attempts` wrong secrets in a row lock the use of that secret for `duration`."""

    max_attempts: int
    duration: timedelta

    @staticmethod
    def locked_until(locked_until: datetime | None, now: datetime) -> datetime | None:
        """The end of a lock still in force at `now`, else None (a past lock has lifted)."""
        if locked_until is not None and now < locked_until:
            return locked_until
        return None

    def after_failure(self, failed_attempts: int, now: datetime) -> FailedAttempt:
        """The state after one more wrong secret on top of `failed_attempts`."""
        attempts = failed_attempts + 1
        if attempts >= self.max_attempts:
            # The counter restarts, so the customer gets full attempts once the lock lifts.
            return FailedAttempt(
                failed_attempts=0, attempts_left=0, locked_until=now + self.duration
            )
        return FailedAttempt(
            failed_attempts=attempts,
            attempts_left=self.max_attempts - attempts,
            locked_until=None,
        )


@dataclass(frozen=True)
class FailedAttempt:
    failed_attempts: int
    attempts_left: int
    locked_until: datetime | None
