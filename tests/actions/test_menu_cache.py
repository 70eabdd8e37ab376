"""The per-process menu cache: served from memory within its TTL, never caches failures."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from actions.merchants.backend import Menu, MerchantBackend, MerchantUnavailable
from actions.merchants.cache import CachedMenuBackend


class CountingBackend:
    """Counts calls; the real adapter is exercised by the end-to-end tests."""

    def __init__(self) -> None:
        self.menu_calls = 0
        self.fail = False

    async def menu(self, merchant_id: str, include_unavailable: bool = False) -> Menu:
        self.menu_calls += 1
        await asyncio.sleep(0.01)
        if self.fail:
            raise MerchantUnavailable("down")
        return cast(Menu, ("menu", merchant_id, include_unavailable, self.menu_calls))

    async def orders(self, customer_id: str) -> list[Any]:
        return [customer_id]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def cached(backend: CountingBackend, clock: Clock) -> CachedMenuBackend:
    return CachedMenuBackend(cast(MerchantBackend, backend), ttl_seconds=10, clock=clock)


async def test_the_menu_is_fetched_once_per_ttl() -> None:
    backend, clock = CountingBackend(), Clock()
    cache = cached(backend, clock)
    first = await cache.menu("m")
    assert await cache.menu("m") == first
    assert backend.menu_calls == 1
    await cache.menu("m", include_unavailable=True)  # another key
    assert backend.menu_calls == 2
    clock.now += 10.5
    assert await cache.menu("m") != first
    assert backend.menu_calls == 3


async def test_concurrent_misses_make_one_request() -> None:
    backend = CountingBackend()
    cache = cached(backend, Clock())
    menus = await asyncio.gather(*(cache.menu("m") for _ in range(5)))
    assert len(set(menus)) == 1 and backend.menu_calls == 1


async def test_a_failure_is_not_cached() -> None:
    backend = CountingBackend()
    cache = cached(backend, Clock())
    backend.fail = True
    with pytest.raises(MerchantUnavailable):
        await cache.menu("m")
    backend.fail = False
    await cache.menu("m")
    assert backend.menu_calls == 2


async def test_other_calls_go_to_the_merchant() -> None:
    cache = cached(CountingBackend(), Clock())
    assert await cache.orders("alice") == ["alice"]
