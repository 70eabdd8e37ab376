"""Writes every merchant pack (packs/<id>/, merchant/packs) into the database on start.

Seeding merges (insert what is missing, update what changed), so it is idempotent and an
edited price, alias or store in a pack reaches existing databases on the next start. A
store or item a pack no longer has stays in the database: orders may refer to it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import IntegrityError

from merchant import models
from merchant.catalogue import item_to_row
from merchant.db import Database
from merchant.packs import MerchantPack, load_packs


def seed_packs(database: Database, packs_dir: Path | None = None) -> list[MerchantPack]:
    """Write every pack under `packs_dir` (default `packs/`); answers the packs written."""
    packs = load_packs(packs_dir)
    try:
        _merge(database, packs)
    except IntegrityError:
        # Another process seeding the same database at the same moment inserted first:
        # a second pass finds its rows and updates them instead.
        _merge(database, packs)
    return packs


def _merge(database: Database, packs: list[MerchantPack]) -> None:
    with database.sessions.begin() as session:
        for pack in packs:
            session.merge(
                models.Merchant(
                    id=pack.id,
                    name=pack.name,
                    currency=pack.currency,
                    timezone=pack.timezone,
                    breakfast_start=pack.breakfast.start if pack.breakfast else None,
                    breakfast_end=pack.breakfast.end if pack.breakfast else None,
                )
            )
            session.flush()
            for position, store in enumerate(pack.listed):
                session.merge(
                    models.Store(
                        id=store.id,
                        merchant_id=pack.id,
                        position=position,
                        name=store.name,
                        address=store.address,
                        opens=store.opens,
                        closes=store.closes,
                        aliases=list(store.aliases),
                    )
                )
            for position, item in enumerate(pack.items):
                session.merge(item_to_row(pack.id, position, item))
