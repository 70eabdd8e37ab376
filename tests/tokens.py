"""Customer tokens for tests, minted the way the sandbox's sign-in issues them.

The running stack in tests gets :data:`TEST_JWT_SECRET` (tests/conftest.py), so a
token minted here is one its channels accept; tests that exercise the real sign-in
call ``POST /identity/sign-in`` instead.
"""

from __future__ import annotations

import time
from typing import Any

import jwt

TEST_JWT_SECRET = "orderly-test-secret-0123456789abcdef0123456789abcdef"
ISSUER = "orderly-sandbox"
AUDIENCE = "orderly"


def mint_token(
    customer_id: str,
    *,
    secret: str = TEST_JWT_SECRET,
    lifetime_s: float = 3600,
    **claims: Any,
) -> str:
    """A signed customer token; ``claims`` override or add (``aud=...``, ``exp=None`` drops)."""
    now = int(time.time())
    body: dict[str, Any] = {
        "sub": customer_id,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + int(lifetime_s),
        **claims,
    }
    return jwt.encode({k: v for k, v in body.items() if v is not None}, secret, algorithm="HS256")
