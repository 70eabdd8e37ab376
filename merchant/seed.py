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
from merchant.catalogue import BREAKFAST, Hours, Item, OptionGroup, item_to_row
from merchant.db import Database
from merchant.settings import PLATFORM_TIMEZONE

CATALOGUE_FILE = "sandbox_catalogue.yml"
# A combo's drink is the option group whose choice ids are the skus of drinks.
DRINK_GROUP = "drink"


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
    breakfast: Hours | None = None  # None: everything is served all day
    stores: tuple[StoreSeed, ...]
    items: tuple[Item, ...]

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Skus are unique; a combo includes, and offers as its `drink` choices, only items
        this merchant sells; breakfast items need a breakfast window."""
        items = {item.sku: item for item in values["items"]}
        if len(items) != len(values["items"]):
            raise ValueError(f"merchant {values['id']} repeats a sku")
        for item in values["items"]:
            if item.daypart == BREAKFAST and values["breakfast"] is None:
                raise ValueError(
                    f"{item.sku} is a breakfast item, but there are no breakfast hours"
                )
            for sku in item.combo.includes if item.combo else ():
                if sku not in items:
                    raise ValueError(f"{item.sku} includes unknown item {sku}")
            drinks = item.group(DRINK_GROUP) if item.combo else None
            for choice in drinks.choices if drinks else ():
                if choice.id not in items:
                    raise ValueError(f"{item.sku} offers unknown drink {choice.id}")
        return values


class CatalogueFile(BaseModel):
    # Groups that items share through YAML aliases; checked here, used through the aliases.
    option_groups: dict[str, OptionGroup] = {}
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
                    breakfast_start=merchant.breakfast.start if merchant.breakfast else None,
                    breakfast_end=merchant.breakfast.end if merchant.breakfast else None,
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
