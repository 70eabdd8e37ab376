"""Request headers shared by several routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

MAX_IDEMPOTENCY_KEY_LENGTH = 200

# Clients send a fresh random key (a UUID is fine) per intended write, and the same key
# again when retrying that write.
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=MAX_IDEMPOTENCY_KEY_LENGTH),
]
