"""Writes every merchant pack (packs/<id>/, merchant/packs) into the database on start.

Seeding merges (insert what is missing, update what changed), so it is idempotent and an
edited price, alias or store in a pack reaches existing databases on the next start. A
store or item a pack no longer has stays in the database: orders may refer to it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from merchant import models
from merchant.catalogue import Item, item_to_row
from merchant.db import Database
from merchant.packs import MerchantPack, StoreRow, load_packs


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
                    kind=pack.kind,
                    names=list(pack.names),
                    pickup=pack.pickup.dict(),
                    cancel=pack.cancel.dict(),
                    booking=_booking(pack),
                )
            )
            session.flush()
            _merge_stores(session, pack)
            _merge_items(session, pack)


def _merge_items(session: Session, pack: MerchantPack) -> None:
    """Insert and update the pack's items in bulk: one SELECT per merchant, not one per
    item (1,100 packs hold about 44,000 items: `session.merge` took minutes)."""
    table = models.MenuItem.__table__
    columns = [column.name for column in table.columns]
    wanted = [_item_row(pack.id, position, item) for position, item in enumerate(pack.items)]
    query = select(table).where(table.c.merchant_id == pack.id)
    existing = {row.sku: tuple(row) for row in session.execute(query)}
    new = [row for row in wanted if row["sku"] not in existing]
    changed = [
        {f"new_{key}": value for key, value in row.items()}
        for row in wanted
        if row["sku"] in existing and tuple(row[name] for name in columns) != existing[row["sku"]]
    ]
    if new:
        session.execute(insert(table), new)
    if changed:
        values = {name: bindparam(f"new_{name}") for name in columns if name not in KEYS}
        keys = [table.c[name] == bindparam(f"new_{name}") for name in KEYS]
        session.execute(update(table).where(*keys).values(values), changed)


# The primary key of a menu item.
KEYS = ("merchant_id", "sku")


def _item_row(merchant_id: str, position: int, item: Item) -> dict[str, Any]:
    row = item_to_row(merchant_id, position, item)
    return {column.name: getattr(row, column.name) for column in models.MenuItem.__table__.columns}


def _merge_stores(session: Session, pack: MerchantPack) -> None:
    """Insert and update the pack's stores in bulk: `session.merge` row by row costs a
    SELECT per store, seconds for 5,000 stores on every start of every test platform."""
    # The digest covers the pack's files and the generator; this module's row shape too.
    digest = hashlib.sha256(f"{pack.stores_digest}:{ROW_SHAPE}".encode()).hexdigest()
    merchant = session.get(models.Merchant, pack.id)
    if merchant is not None and pack.stores_digest and merchant.stores_digest == digest:
        return  # the stores are as the pack says: comparing 5,000 rows would cost more
    table = models.Store.__table__
    columns = [column.name for column in table.columns]
    listed = len(pack.listed)
    wanted = [
        _store_row(pack.id, position, store, listed=position < listed)
        for position, store in enumerate(pack.stores)
    ]
    query = select(table).where(table.c.merchant_id == pack.id)
    existing = {row.id: tuple(row) for row in session.execute(query)}
    new = [row for row in wanted if row["id"] not in existing]
    changed = [
        {f"new_{key}": value for key, value in row.items()}
        for row in wanted
        if row["id"] in existing and tuple(row[name] for name in columns) != existing[row["id"]]
    ]
    if new:
        session.execute(insert(table), new)
    if changed:
        values = {name: bindparam(f"new_{name}") for name in columns if name != "id"}
        session.execute(
            update(table).where(table.c.id == bindparam("new_id")).values(values), changed
        )
    if merchant is not None:
        merchant.stores_digest = digest


def _booking(pack: MerchantPack) -> dict[str, Any] | None:
    """What the stay rules need of a booking pack (merchant/stays.py); None for a menu."""
    if pack.stay_times is None:
        return None
    return {
        "check_in": f"{pack.stay_times.check_in:%H:%M}",
        "check_out": f"{pack.stay_times.check_out:%H:%M}",
        "rooms": {
            room.id: {"guests": room.guests, "rooms": room.rooms} for room in pack.room_types
        },
    }


# Bump when `_store_row` changes what it writes, so existing databases are rewritten.
ROW_SHAPE = 1


def _store_row(merchant_id: str, position: int, store: StoreRow, listed: bool) -> dict[str, Any]:
    return {
        "id": store.id,
        "merchant_id": merchant_id,
        "position": position,
        "name": store.name,
        "address": store.address,
        "opens": store.opens,
        "closes": store.closes,
        "aliases": list(store.aliases),
        "lat": store.lat,
        "lon": store.lon,
        "city": store.city,
        "district": store.district,
        "landmarks": list(store.landmarks),
        "services": list(store.services),
        "slot_capacity": store.slot_capacity,
        "listed": listed,
    }
