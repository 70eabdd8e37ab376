"""The vocabulary the NLU matches against, built from the merchant's live catalogue.

The Rasa server's ``MenuEntityExtractor`` fetches it from the action server
(``GET /lexicon``), so a newly plugged-in merchant backend is understood without
retraining and without the NLU knowing the backend's API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Protocol

from actions.merchants.backend import MerchantBackend
from contracts.lexicon import (
    Lexicon,
    LexiconChoice,
    LexiconItem,
    LexiconOptionGroup,
    LexiconStore,
)

# What the lexicon needs of a catalogue, as read-only attributes: the adapters' models
# (actions/merchants/backend.py) and the sandbox catalogue's (merchant/catalogue.py) both
# have them, so the benchmarks build the same lexicon offline as the action server serves.


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


async def build_lexicon(backend: MerchantBackend, merchant_id: str) -> Lexicon:
    """The merchant's lexicon, every item included, available now or not."""
    menu, stores = await asyncio.gather(
        backend.menu(merchant_id, include_unavailable=True), backend.stores(merchant_id)
    )
    return lexicon_of(merchant_id, menu.items, stores)


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
