"""Payment PINs: salted scrypt hashes, constant-time checks, and the per-account lockout.

A PIN is only ever held in memory long enough to hash it; the stored form is
`scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`, so the cost can be raised later without
breaking stored hashes. Nothing here logs or formats a PIN.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

# scrypt cost: 16 MiB of memory and tens of milliseconds per check, which makes guessing
# a 6-digit PIN from a stolen hash slow while keeping a sandbox request quick.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
SCHEME = "scrypt"


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Whether `pin` hashes to `stored`, compared in constant time."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = bytes.fromhex(digest_hex)
        actual = _scrypt(pin, bytes.fromhex(salt_hex), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=HASH_BYTES)


@dataclass(frozen=True)
class Lockout:
    """The lockout rule: `max_attempts` wrong PINs in a row lock voice payment for `duration`."""

    max_attempts: int
    duration: timedelta

    @staticmethod
    def locked_until(locked_until: datetime | None, now: datetime) -> datetime | None:
        """The end of a lock still in force at `now`, else None (a past lock has lifted)."""
        if locked_until is not None and now < locked_until:
            return locked_until
        return None

    def after_wrong_pin(self, failed_attempts: int, now: datetime) -> WrongPin:
        """The account's state after one more wrong PIN on top of `failed_attempts`."""
        attempts = failed_attempts + 1
        if attempts >= self.max_attempts:
            # The counter restarts, so the customer gets full attempts once the lock lifts.
            return WrongPin(failed_attempts=0, attempts_left=0, locked_until=now + self.duration)
        return WrongPin(
            failed_attempts=attempts,
            attempts_left=self.max_attempts - attempts,
            locked_until=None,
        )


@dataclass(frozen=True)
class WrongPin:
    failed_attempts: int
    attempts_left: int
    locked_until: datetime | None
