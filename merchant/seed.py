"""Writes the sandbox catalogue (merchant/sandbox_catalogue.yml) into the database on start.

Seeding merges (insert what is missing, update what changed), so it is idempotent and
an edited price or alias in the file reaches existing databases on the next start.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, root_validator
from sqlalchemy.exc import IntegrityError

from merchant import models
from merchant.catalogue import Hours, Item, item_to_row
from merchant.db import Database
from merchant.settings import PLATFORM_TIMEZONE

CATALOGUE_FILE = "sandbox_catalogue.yml"


class StoreSeed(BaseModel):
    id: str
    name: str
    address: str
    hours: Hours
    aliases: tuple[str, ...] = ()


class MerchantSeed(BaseModel):
    id: str
    name: str
    currency: str
    breakfast: Hours
    stores: tuple[StoreSeed, ...]
    items: tuple[Item, ...]

    @root_validator(skip_on_failure=True)
    def _combos_name_real_drinks(cls, values: dict[str, Any]) -> dict[str, Any]:
        """A combo may only include items and drink sizes this merchant sells."""
        items = {item.sku: item for item in values["items"]}
        for item in values["items"]:
            if item.combo is None:
                continue
            for sku in item.combo.includes:
                if sku not in items:
                    raise ValueError(f"{item.sku} includes unknown item {sku}")
            for choice in item.combo.drink_choices:
                drink = items.get(choice.sku)
                if drink is None or drink.size(choice.size) is None:
                    raise ValueError(f"{item.sku} offers unknown drink {choice.sku} {choice.size}")
        return values


class CatalogueFile(BaseModel):
    merchants: list[MerchantSeed]


def load_catalogue() -> CatalogueFile:
    """Parse and check the packaged catalogue file."""
    text = resources.files("merchant").joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
    return CatalogueFile.parse_obj(yaml.safe_load(text))


def seed_catalogue(database: Database) -> None:
    """Write the sandbox catalogue, inserting what is missing and updating what changed."""
    catalogue = load_catalogue()
    try:
        _merge(database, catalogue)
    except IntegrityError:
        # Another process seeding the same database at the same moment inserted first:
        # a second pass finds its rows and updates them instead.
        _merge(database, catalogue)


def _merge(database: Database, catalogue: CatalogueFile) -> None:
    with database.sessions.begin() as session:
        for merchant in catalogue.merchants:
            session.merge(
                models.Merchant(
                    id=merchant.id,
                    name=merchant.name,
                    currency=merchant.currency,
                    timezone=PLATFORM_TIMEZONE.key,
                    breakfast_start=merchant.breakfast.start,
                    breakfast_end=merchant.breakfast.end,
                )
            )
            session.flush()
            for position, store in enumerate(merchant.stores):
                session.merge(
                    models.Store(
                        id=store.id,
                        merchant_id=merchant.id,
                        position=position,
                        name=store.name,
                        address=store.address,
                        opens=store.hours.start,
                        closes=store.hours.end,
                        aliases=list(store.aliases),
                    )
                )
            for position, item in enumerate(merchant.items):
                session.merge(item_to_row(merchant.id, position, item))
