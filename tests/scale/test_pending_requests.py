"""The pending PIN request shared by replicas through Redis, with its TTL.

Two PinGates stand for two Rasa replicas behind the load balancer; they share one
RedisPendingPins (channels/pin_store.py), as ``ORDERLY_REDIS_URL`` makes them share it.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from channels.pin_policy import PinGate, ScreenKind
from channels.pin_store import PinRequest, RedisPendingPins

REDIS_URL = "redis://127.0.0.1:6379/0"
MERCHANT = "http://127.0.0.1:9"


@pytest_asyncio.fixture
async def redis_store() -> AsyncIterator[RedisPendingPins]:
    store = RedisPendingPins(REDIS_URL, key_prefix=f"orderly-test:{secrets.token_hex(4)}:")
    try:
        await store.get("probe")
    except Exception as error:  # no server: say so instead of failing
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {type(error).__name__}")
    yield store
    await store.close()


def replica(store: RedisPendingPins, ttl_s: float = 300) -> PinGate:
    verified = httpx.MockTransport(lambda _request: httpx.Response(200, json={}))
    return PinGate(
        store,
        allowed_submit_urls=[MERCHANT],
        client=httpx.AsyncClient(transport=verified),
        ttl_s=ttl_s,
    )


def pin_request() -> dict[str, Any]:
    return {
        "recipient_id": "u1",
        "text": "Please say your payment PIN.",
        "custom": {
            "secure_input": {
                "purpose": "payment_pin",
                "digits": 6,
                "reply_intent": "pin_submitted",
                "submit": {"url": f"{MERCHANT}/pin", "fields": {"order_id": "1001"}},
            }
        },
    }


async def test_a_pin_asked_for_on_one_replica_is_expected_on_the_other(
    redis_store: RedisPendingPins,
) -> None:
    asking, answering = replica(redis_store), replica(redis_store)
    await asking.outgoing("u1", [pin_request()])
    assert await answering.expecting("u1") is not None
    assert await answering.expecting("u2") is None
    screened = await answering.incoming("u1", "530917", "u1-token")
    assert screened.kind is ScreenKind.SUBMIT


async def test_only_one_replica_can_take_the_request(redis_store: RedisPendingPins) -> None:
    request = PinRequest("payment_pin", 6, f"{MERCHANT}/pin", {}, "pin_submitted")
    await redis_store.put("u1", request, ttl_s=60)
    assert await redis_store.take("u1") == request
    assert await redis_store.take("u1") is None


async def test_the_request_expires_in_redis_by_itself(redis_store: RedisPendingPins) -> None:
    gate = replica(redis_store, ttl_s=0.3)
    await gate.outgoing("u1", [pin_request()])
    assert await gate.expecting("u1") is not None
    await asyncio.sleep(0.5)
    assert await gate.expecting("u1") is None
    assert await redis_store.take("u1") is None
