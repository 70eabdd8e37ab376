"""Which merchant the conversation orders from: one slot, one accessor, one switch.

The merchant in use is conversation state (the `merchant_id` slot), so one conversation
can order from several merchants, one cart at a time. A conversation starts with
`ORDERLY_MERCHANT_ID` (the setting `merchant_id`); set it empty and a conversation starts
with no merchant in use, until the customer names one ("order from Copper Kettle") or
orders an item that only one merchant sells. Every action reads the merchant through
:func:`merchant_id_of`, never the setting.

Choosing by item (:func:`merchant_for_items`): an item the merchant in use sells is taken
from it; an item that only one merchant sells chooses that merchant; one that several sell,
with no merchant in use, is asked about (at most three named, nearest first when the
client sent a location).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.merchants.backend import Merchant, MerchantBackend, Store
from actions.settings import Settings
from contracts.location import location_of

SLOT = "merchant_id"
MENU_KIND = "menu"
# A question naming merchants names this many at most: three can be said and remembered.
MAX_NAMED = 3


class Point(Protocol):
    """Where to look from: the client's location, a saved place, a place said in words."""

    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


def merchant_in_use(tracker: Tracker, settings: Settings) -> str | None:
    """The merchant this conversation orders from; None when none is chosen yet."""
    chosen = tracker.get_slot(SLOT)
    if isinstance(chosen, str) and chosen:
        return chosen
    return settings.merchant_id or None


def merchant_id_of(tracker: Tracker, settings: Settings) -> str:
    """The merchant in use, for calls that need one ("" when none is chosen: the platform
    answers that no such merchant exists, and the dialogue asks which one first)."""
    return merchant_in_use(tracker, settings) or ""


def use_merchant(tracker: Tracker, merchant_id: str) -> list[EventType]:
    """Make `merchant_id` the merchant in use. The pickup store and time were the old
    merchant's, so they go. The rest of the running action reads the new merchant too
    (the tracker is this action's own copy)."""
    tracker.slots[SLOT] = merchant_id
    tracker.slots["store_id"] = None
    tracker.slots["pickup_time"] = None
    return [SlotSet(SLOT, merchant_id), SlotSet("store_id", None), SlotSet("pickup_time", None)]


async def menu_merchants(backend: MerchantBackend) -> list[Merchant]:
    """The merchants with a menu to order from (a booking merchant has none)."""
    return [m for m in await backend.merchants() if m.kind == MENU_KIND]


async def find_merchant(backend: MerchantBackend, merchant_id: str) -> Merchant | None:
    return next((m for m in await backend.merchants() if m.id == merchant_id), None)


@dataclass(frozen=True)
class ItemsChoice:
    """Where items said are taken from: `merchant_id` (None: ask), `candidates` (the
    merchants to ask about, nearest first), `elsewhere` (skus the chosen merchant does not
    sell, with a merchant that does)."""

    merchant_id: str | None
    candidates: tuple[Merchant, ...] = ()
    elsewhere: tuple[tuple[str, Merchant], ...] = ()


async def merchant_for_items(
    backend: MerchantBackend,
    settings: Settings,
    tracker: Tracker,
    skus: Iterable[str],
    named: str | None = None,
) -> ItemsChoice:
    """The merchant to take these items from (see the module docstring); `named`: the
    merchant the customer named with them, which takes them whoever sells them. The
    merchants' menus come from the backend's short-lived cache (actions/merchants/cache.py)."""
    wanted = list(dict.fromkeys(skus))
    in_use = named or merchant_in_use(tracker, settings)
    if in_use is not None:
        menu = await backend.menu(in_use, include_unavailable=True)
        if all(menu.find(sku) for sku in wanted):
            return ItemsChoice(in_use)
    merchants, sold = await _sold(backend)
    sellers = [m for m in merchants if all(sku in sold[m.id] for sku in wanted)]
    if len(sellers) == 1 and named is None:
        return ItemsChoice(sellers[0].id)
    if len(sellers) > 1 and in_use is None:
        return ItemsChoice(None, tuple(await nearest_first(backend, tracker, sellers)))
    # No one merchant sells them all: the merchant in use (or the one selling the most)
    # takes what it sells, and the rest is said back with who sells it.
    ranked = sorted(merchants, key=lambda m: -sum(sku in sold[m.id] for sku in wanted))
    chosen = in_use or (ranked[0].id if ranked else None)
    elsewhere = tuple(
        (sku, seller)
        for sku in wanted
        if sku not in sold.get(chosen or "", set())
        and (seller := next((m for m in merchants if sku in sold[m.id]), None)) is not None
    )
    return ItemsChoice(chosen, (), elsewhere)


async def _sold(backend: MerchantBackend) -> tuple[list[Merchant], dict[str, set[str]]]:
    """The menu merchants, and the skus each sells (menus from the backend's cache)."""
    merchants = await menu_merchants(backend)
    menus = await asyncio.gather(*(backend.menu(m.id, include_unavailable=True) for m in merchants))
    sold = {
        m.id: {item.sku for item in menu.items} for m, menu in zip(merchants, menus, strict=True)
    }
    return merchants, sold


async def sellers_of(backend: MerchantBackend, sku: str) -> list[Merchant]:
    """The merchants that sell `sku`, in the platform's order."""
    merchants, sold = await _sold(backend)
    return [m for m in merchants if sku in sold[m.id]]


async def nearest_first(
    backend: MerchantBackend, tracker: Tracker, merchants: list[Merchant]
) -> list[Merchant]:
    """At most three merchants, the one with the nearest open store first when the client
    sent a location; the platform's order otherwise."""
    here = location_of(tracker.latest_message.get("metadata"))
    if here is None or len(merchants) < 2:
        return merchants[:MAX_NAMED]
    return [merchant for merchant, _ in await with_nearest_store(backend, here, merchants)]


async def with_nearest_store(
    backend: MerchantBackend, here: Point, merchants: list[Merchant]
) -> list[tuple[Merchant, Store | None]]:
    """At most three merchants, each with its open store nearest `here` (None: none is open
    now), nearest first; the merchants with no open store last, in the platform's order."""
    nearest = await asyncio.gather(
        *(backend.nearby_stores(m.id, here.lat, here.lon, None, 1) for m in merchants)
    )
    found = [
        (m, stores[0] if stores else None) for m, stores in zip(merchants, nearest, strict=True)
    ]
    far = float("inf")

    def distance(pair: tuple[Merchant, Store | None]) -> float:
        store = pair[1]
        return far if store is None or store.distance_m is None else float(store.distance_m)

    return sorted(found, key=distance)[:MAX_NAMED]


def merchant_named(tracker: Tracker) -> str | None:
    """The merchant the latest message names (the NLU's `merchant` entity), if any."""
    value = next(tracker.get_latest_entity_values("merchant"), None)
    return str(value) if value else None
