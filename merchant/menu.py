"""Reads merchants, stores and menus from the database, refusing unknown ids with a 404."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from merchant import models
from merchant.catalogue import Hours, Item, item_from_row
from merchant.errors import not_found


def find_merchant(session: Session, merchant_id: str) -> models.Merchant:
    merchant = session.get(models.Merchant, merchant_id)
    if merchant is None:
        raise not_found(
            "unknown_merchant",
            f"There is no merchant {merchant_id!r}.",
            field="merchant_id",
        )
    return merchant


def all_merchants(session: Session) -> list[models.Merchant]:
    return list(session.scalars(select(models.Merchant).order_by(models.Merchant.id)))


def breakfast_hours(merchant: models.Merchant) -> Hours | None:
    """The merchant's breakfast window; None when it serves everything all day."""
    if merchant.breakfast_start is None or merchant.breakfast_end is None:
        return None
    return Hours(start=merchant.breakfast_start, end=merchant.breakfast_end)


def store_hours(store: models.Store) -> Hours:
    return Hours(start=store.opens, end=store.closes)


def merchant_stores(session: Session, merchant_id: str) -> list[models.Store]:
    """The stores the merchant's pack names by hand (`listed`), in the pack's order: the
    short list the assistant knows by aliases. The generated network is found by location
    (merchant/store_network.py), never listed whole."""
    query = (
        select(models.Store)
        .where(models.Store.merchant_id == merchant_id)
        .where(models.Store.listed.is_(True))
        .order_by(models.Store.position)
    )
    return list(session.scalars(query))


def stores_by_id(session: Session, store_ids: list[str]) -> dict[str, models.Store]:
    query = select(models.Store).where(models.Store.id.in_(store_ids))
    return {store.id: store for store in session.scalars(query)}


def store_counts(session: Session) -> dict[str, int]:
    """How many stores each merchant has, the generated network included."""
    query = select(models.Store.merchant_id, func.count()).group_by(models.Store.merchant_id)
    return {merchant_id: count for merchant_id, count in session.execute(query).all()}


def find_store(
    session: Session,
    merchant: models.Merchant,
    store_id: str | None,
    fallback_id: str,
) -> models.Store:
    """The requested store, or `fallback_id` (the account's store) if it is this merchant's,
    or else the merchant's first store."""
    if store_id is not None:
        store = session.get(models.Store, store_id)
        if store is None or store.merchant_id != merchant.id:
            raise not_found(
                "unknown_store",
                f"{merchant.name} has no store {store_id!r}.",
                field="store_id",
            )
        return store
    store = session.get(models.Store, fallback_id)
    if store is not None and store.merchant_id == merchant.id:
        return store
    stores = merchant_stores(session, merchant.id)
    if not stores:
        raise not_found("unknown_store", f"{merchant.name} has no stores.", field="store_id")
    return stores[0]


def load_menu(session: Session, merchant_id: str) -> dict[str, Item]:
    """The merchant's items by sku, in menu order."""
    query = (
        select(models.MenuItem)
        .where(models.MenuItem.merchant_id == merchant_id)
        .order_by(models.MenuItem.position)
    )
    return {row.sku: item_from_row(row) for row in session.scalars(query)}
