"""The action server builds the platform lexicon once a period, not once a request."""

from __future__ import annotations

import asyncio
import json

import pytest

from actions.lexicon_cache import LexiconBody, LexiconCache
from actions.merchants.backend import MerchantError
from contracts.lexicon import Lexicon, LexiconItem


class Builds:
    def __init__(self) -> None:
        self.count = 0
        self.fail = False

    async def __call__(self) -> Lexicon:
        self.count += 1
        if self.fail:
            raise MerchantError("the platform is down")
        return Lexicon(merchant_id="m", items=[LexiconItem(sku="latte", name="Latte")])


def test_the_body_is_built_once_a_period_and_tagged_by_its_bytes() -> None:
    builds, now = Builds(), [0.0]
    cache = LexiconCache(builds, ttl_seconds=60, clock=lambda: now[0])

    async def run() -> tuple[LexiconBody, LexiconBody, LexiconBody]:
        first = await cache.body()
        now[0] = 59
        again = await cache.body()
        now[0] = 60
        rebuilt = await cache.body()
        return first, again, rebuilt

    first, again, rebuilt = asyncio.run(run())
    assert builds.count == 2
    assert again is first
    assert rebuilt is not first and rebuilt.etag == first.etag  # the same bytes, the same tag
    assert Lexicon.from_json(json.loads(first.body)).item("latte") is not None


def test_concurrent_requests_share_one_build_and_failures_are_not_kept() -> None:
    builds = Builds()
    cache = LexiconCache(builds, ttl_seconds=60)

    async def run() -> None:
        builds.fail = True
        with pytest.raises(MerchantError):
            await cache.body()
        builds.fail = False
        bodies = await asyncio.gather(*(cache.body() for _ in range(5)))
        assert len({id(body) for body in bodies}) == 1

    asyncio.run(run())
    assert builds.count == 2


def test_a_slow_build_is_kept_ten_times_as_long_as_it_took() -> None:
    """2,200 menu requests for 1,100 merchants: never rebuilding more than a tenth of the time."""
    now = [0.0]

    class Slow(Builds):
        async def __call__(self) -> Lexicon:
            now[0] += 30  # the build takes 30 s
            return await super().__call__()

    builds = Slow()
    cache = LexiconCache(builds, ttl_seconds=60, clock=lambda: now[0])

    async def run() -> None:
        await cache.body()
        now[0] = 299
        await cache.body()
        assert builds.count == 1
        now[0] = 300
        await cache.body()

    asyncio.run(run())
    assert builds.count == 2
