"""A short-lived, per-process cache of the platform's merchants and each one's menu and stores.

Several actions of one turn each read the menu (the cart, the readback, the size
question), and so does every turn. The menu changes rarely and the merchant platform
re-checks every price and availability when an order is quoted or placed, so serving
it from memory for a few seconds is safe: the worst case is an item that sold out in
the last `ttl_seconds` being offered and then refused at checkout with the merchant's
own message. Setting: `ORDERLY_MENU_CACHE_SECONDS` (0 turns the cache off).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from actions.merchants.backend import Menu, Merchant, MerchantBackend, Store

T = TypeVar("T")


class CachedMenuBackend:
    """Wraps any `MerchantBackend`; caches `merchants`, `menu` and `stores`, passes
    everything else on.

    Failures are not cached. Concurrent misses for one key make one request.
    """

    def __init__(
        self,
        backend: MerchantBackend,
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._backend = backend
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._locks: dict[Hashable, asyncio.Lock] = {}

    async def menu(self, merchant_id: str, include_unavailable: bool = False) -> Menu:
        key = ("menu", merchant_id, include_unavailable)
        return await self._cached(
            key, lambda: self._backend.menu(merchant_id, include_unavailable=include_unavailable)
        )

    async def merchants(self) -> list[Merchant]:
        return list(await self._cached(("merchants",), self._backend.merchants))

    async def stores(self, merchant_id: str) -> list[Store]:
        stores = await self._cached(
            ("stores", merchant_id), lambda: self._backend.stores(merchant_id)
        )
        return list(stores)

    def __getattr__(self, name: str) -> Any:
        # Every other call (accounts, orders, payments...) goes to the merchant each time.
        return getattr(self._backend, name)

    async def _cached(self, key: Hashable, fetch: Callable[[], Awaitable[T]]) -> T:
        entry = self._entries.get(key)
        if entry is not None and entry[0] > self._clock():
            return entry[1]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > self._clock():
                return entry[1]
            value = await fetch()
            self._entries[key] = (self._clock() + self._ttl, value)
            return value
