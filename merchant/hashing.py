"""Salted scrypt hashes of short secrets (payment PINs, sign-in passwords), checked in
constant time.

A secret is only ever held in memory long enough to hash it; the stored form is
`scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`, so the cost can be raised later without
breaking stored hashes. Nothing here logs or formats a secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# scrypt cost: 16 MiB of memory and tens of milliseconds per check, which makes guessing
# a 6-digit PIN or a password from a stolen hash slow while keeping a request quick.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
SCHEME = "scrypt"


def hash_secret(secret: str) -> str:
    """A new salted hash of `secret`: two hashes of one secret differ."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def secret_matches(secret: str, stored: str) -> bool:
    """Whether `secret` hashes to `stored`, compared in constant time."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = bytes.fromhex(digest_hex)
        actual = _scrypt(secret, bytes.fromhex(salt_hex), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=HASH_BYTES)
