"""The vocabulary the NLU matches against, built from every merchant's live catalogue.

The Rasa server's ``MenuEntityExtractor`` fetches it from the action server
(``GET /lexicon``), so a newly plugged-in merchant backend is understood without
retraining and without the NLU knowing the backend's API. It covers every merchant of the
platform (one conversation may order from several): each item once, with the merchants
that sell it, and the names people call each merchant by. Only `menu` merchants have
items; a `booking` merchant is listed by its names alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Protocol

from actions.merchants.backend import Menu, MerchantBackend, Store
from contracts.lexicon import (
    Lexicon,
    LexiconChoice,
    LexiconItem,
    LexiconMerchant,
    LexiconOptionGroup,
    LexiconStore,
)

MENU_KIND = "menu"
# How many merchants' menus the lexicon build asks for at once: more only queue at a
# busy platform and time out.
CONCURRENT_REQUESTS = 4

# What the lexicon needs of a catalogue, as read-only attributes: the adapters' models
# (actions/merchants/backend.py) and the sandbox catalogue's (merchant/catalogue.py) both
# have them, so the benchmarks build the same lexicon offline as the action server serves.


class MerchantFacts(Protocol):
    """A merchant as the lexicon lists it: the backend's `Merchant`, or a pack."""

    @property
    def id(self) -> str: ...
    @property
    def names(self) -> Sequence[str]: ...
    @property
    def kind(self) -> str: ...


class Named(Protocol):
    """An option's choice, or a store: what the lexicon matches is its name and aliases."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> Sequence[str]: ...


class ChoiceGroup(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def default(self) -> str: ...
    @property
    def choices(self) -> Sequence[Named]: ...


class CatalogueItem(Protocol):
    @property
    def sku(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> Sequence[str]: ...
    @property
    def options(self) -> Sequence[ChoiceGroup]: ...
    @property
    def category(self) -> str: ...


async def build_lexicon(backend: MerchantBackend, starting_merchant: str) -> Lexicon:
    """The platform's lexicon: every merchant's items (available now or not) and stores,
    and every merchant's names. `starting_merchant` is the one conversations start with."""
    merchants = await backend.merchants()
    menus = [m for m in merchants if m.kind == MENU_KIND]
    # A few requests at a time: 1,100 merchants' 2,200 at once overran the client's
    # connection pool (PoolTimeout) and the whole build failed.
    limit = asyncio.Semaphore(CONCURRENT_REQUESTS)

    async def menu_and_stores(merchant_id: str) -> tuple[Menu, list[Store]]:
        async with limit:
            return (
                await backend.menu(merchant_id, include_unavailable=True),
                await backend.stores(merchant_id),
            )

    fetched = await asyncio.gather(*(menu_and_stores(m.id) for m in menus))
    found_menus = [menu for menu, _ in fetched]
    found_stores = [stores for _, stores in fetched]

    def assemble() -> Lexicon:
        lexicons = [
            lexicon_of(m.id, menu.items, stores)
            for m, menu, stores in zip(menus, found_menus, found_stores, strict=True)
        ]
        return platform_lexicon(starting_merchant, merchants, lexicons)

    # Seconds of CPU with 1,100 merchants: off the event loop, so actions are answered.
    return await asyncio.to_thread(assemble)


def platform_lexicon(
    starting_merchant: str, merchants: Iterable[MerchantFacts], lexicons: Sequence[Lexicon]
) -> Lexicon:
    """Every merchant (`merchants`, in order) with its own items (`lexicons`, one per menu
    merchant), and the items merged across merchants."""
    merged = merge_lexicons(starting_merchant, lexicons)
    own = {lexicon.merchant_id: lexicon.items for lexicon in lexicons}
    # Built once, from models already checked: rebuilding from `.dict()` validated every
    # item again (seconds with 1,100 merchants).
    return Lexicon(
        merchant_id=merged.merchant_id,
        items=merged.items,
        stores=merged.stores,
        merchants=[
            LexiconMerchant(
                id=m.id, names=list(m.names) or [m.id], kind=m.kind, items=own.get(m.id, [])
            )
            for m in merchants
        ],
    )


def merge_lexicons(starting_merchant: str, lexicons: Iterable[Lexicon]) -> Lexicon:
    """One lexicon of several merchants': an item several sell (one sku) is one entry,
    with every merchant's aliases and option choices, and `merchants` naming them all;
    the first merchant's name and category win. Stores keep their merchant."""
    items: dict[str, LexiconItem] = {}
    stores: list[LexiconStore] = []
    for lexicon in lexicons:
        for item in lexicon.items:
            known = items.get(item.sku)
            # Shallow: nothing here changes a model in place, each merge makes new ones.
            mine = item.copy(update={"merchants": [lexicon.merchant_id]})
            items[item.sku] = mine if known is None else _merged_item(known, mine)
        stores += [
            store.copy(update={"merchant_id": store.merchant_id or lexicon.merchant_id})
            for store in lexicon.stores
        ]
    return Lexicon(merchant_id=starting_merchant, items=list(items.values()), stores=stores)


def _merged_item(known: LexiconItem, other: LexiconItem) -> LexiconItem:
    groups = {group.group: group for group in known.options}
    for group in other.options:
        mine = groups.get(group.group)
        if mine is None:
            groups[group.group] = group
            continue
        choices = {choice.id: choice for choice in mine.choices}
        for choice in group.choices:
            had = choices.get(choice.id)
            choices[choice.id] = (
                choice
                if had is None
                else had.copy(update={"aliases": _union(had.aliases, choice.aliases)})
            )
        groups[group.group] = mine.copy(update={"choices": list(choices.values())})
    return known.copy(
        update={
            "aliases": _union(known.aliases, other.aliases),
            "options": list(groups.values()),
            "merchants": _union(known.merchants, other.merchants),
        }
    )


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def lexicon_of(
    merchant_id: str, items: Iterable[CatalogueItem], stores: Iterable[Named]
) -> Lexicon:
    """Items with their aliases, option groups (a combo's drink is its `drink` group,
    whose choice ids are skus) and category, and stores with theirs."""
    return Lexicon(
        merchant_id=merchant_id,
        items=[
            LexiconItem(
                sku=item.sku,
                name=item.name,
                aliases=list(item.aliases),
                options=[
                    LexiconOptionGroup(
                        group=group.id,
                        name=group.name,
                        default=group.default,
                        choices=[
                            LexiconChoice(
                                id=choice.id, name=choice.name, aliases=list(choice.aliases)
                            )
                            for choice in group.choices
                        ],
                    )
                    for group in item.options
                ],
                category=item.category,
            )
            for item in items
        ],
        stores=[
            LexiconStore(id=store.id, name=store.name, aliases=list(store.aliases))
            for store in stores
        ],
    )
