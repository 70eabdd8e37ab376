"""The pending PIN request shared by replicas through Redis, with its TTL."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest

from channels.pending_requests import RedisPendingStore, SecureRequest
from channels.secure_input import SecureInputGuard

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_store() -> Iterator[RedisPendingStore]:
    store = RedisPendingStore(REDIS_URL, key_prefix=f"orderly-test:{secrets.token_hex(4)}:")
    try:
        store.get("probe")
    except Exception as error:  # no server: say so instead of failing
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {type(error).__name__}")
    yield store


def pin_request() -> dict[str, Any]:
    return {
        "recipient_id": "u1",
        "text": "Please say your payment PIN.",
        "custom": {
            "secure_input": {
                "purpose": "payment_pin",
                "digits": 6,
                "reply_intent": "pin_submitted",
                "submit": {"url": "http://127.0.0.1:9/pin", "fields": {"order_id": "1001"}},
            }
        },
    }


def test_a_pin_asked_for_on_one_replica_is_expected_on_the_other(
    redis_store: RedisPendingStore,
) -> None:
    asking, answering = SecureInputGuard(store=redis_store), SecureInputGuard(store=redis_store)
    asking.screen_outgoing("u1", [pin_request()])
    assert answering.is_expecting_secret("u1")
    assert not answering.is_expecting_secret("u2")


def test_only_one_replica_can_take_the_request(redis_store: RedisPendingStore) -> None:
    request = SecureRequest("payment_pin", "http://127.0.0.1:9/pin", {}, "pin_submitted", 0.0)
    redis_store.put("u1", SecureRequest(**{**request.__dict__, "expires_at": time.time() + 60}))
    assert redis_store.take("u1") is not None
    assert redis_store.take("u1") is None


def test_the_request_expires_in_redis_by_itself(redis_store: RedisPendingStore) -> None:
    guard = SecureInputGuard(store=redis_store, pending_ttl_seconds=0.3)
    guard.screen_outgoing("u1", [pin_request()])
    assert guard.is_expecting_secret("u1")
    time.sleep(0.5)
    assert not guard.is_expecting_secret("u1")
    assert redis_store.take("u1") is None
