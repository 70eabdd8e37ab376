"""Nearest open stores, with scipy's cKDTree over unit-sphere xyz.

Stores are points on the unit sphere, so a tree's Euclidean (chord) distance orders them
exactly as great-circle distance does, with no trouble at the poles or the date line; a
chord turns into metres as 2·R·asin(chord/2). A merchant's `StoreIndex` keeps one tree per
opening schedule, so "nearest open" asks only the trees of schedules open at that moment:
O(log n) per query whatever the hour (details on `StoreIndex`). PostGIS would tie the
sandbox to PostgreSQL; cKDTree ships with Rasa and works on SQLite
(docs/design/merchant-model.md §3).

`StoreNetwork` holds one `StoreIndex` per merchant, built lazily on the first lookup and
kept for the process: stores change only when packs are loaded, at start.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import numpy as np
from scipy.spatial import cKDTree
from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from merchant import models
from merchant.errors import invalid

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)
SECONDS_PER_DAY = 86_400
# Schedules (opening hours) that get a k-d tree of their own; rarer ones share one.
SCHEDULE_TREES = 16
Built = TypeVar("Built")


def unit_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Degrees to points on the unit sphere, one row each."""
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def chord_to_metres(chord: np.ndarray) -> np.ndarray:
    return 2 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2, 0, 1))


def seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


@dataclass(frozen=True)
class Nearby:
    store_id: str
    distance_m: float


class _Group:
    """Stores in one k-d tree; `window` is their shared hours when they all share them."""

    def __init__(self, rows: np.ndarray, xyz: np.ndarray, opens: np.ndarray, closes: np.ndarray):
        self.rows = rows  # positions in the index's `ids`
        self.tree = cKDTree(xyz[rows])
        self.opens, self.closes = opens[rows], closes[rows]
        shared = len(rows) and (opens[rows] == opens[rows][0]).all()
        shared = shared and (closes[rows] == closes[rows][0]).all()
        self.window = (int(self.opens[0]), int(self.closes[0])) if shared else None

    def nearest_open(
        self, point: np.ndarray, moment: int | None, limit: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(chords, rows) of up to `limit` nearest stores open at `moment`, nearest first."""
        size = len(self.rows)
        if self.window is not None:
            if moment is not None and not self.window[0] <= moment < self.window[1]:
                return np.empty(0), np.empty(0, dtype=np.int64)
            moment = None  # all open: nothing to filter
        k = min(size, limit if moment is None else max(limit * 2, 8))
        while True:
            chords, found = self.tree.query(point, k=k)
            chords, found = np.atleast_1d(chords), np.atleast_1d(found)
            if moment is not None:
                is_open = (self.opens[found] <= moment) & (moment < self.closes[found])
                chords, found = chords[is_open], found[is_open]
            if len(found) >= limit or k >= size:
                return chords[:limit], self.rows[found[:limit]]
            k = min(size, k * 2)


class StoreIndex:
    """The stores of one merchant, for nearest-open lookups. Hours are [opens, closes)
    local seconds of the day, as `merchant.catalogue.Hours` reads them.

    Chains open most of their stores on a few shared schedules, so stores are grouped by
    their hours, one tree per schedule (up to `SCHEDULE_TREES`): a lookup asks only the
    trees of schedules open at that moment for their `limit` nearest, then merges, with no
    filtering and so no bad case when few stores are open (at 06:05, only the 06:00
    stores; at 03:00, none). Stores on rarer schedules share one more tree, filtered by
    hours with a k that doubles until enough are open."""

    def __init__(
        self,
        ids: Sequence[str],
        lat: np.ndarray,
        lon: np.ndarray,
        opens: np.ndarray,
        closes: np.ndarray,
    ) -> None:
        self.ids = list(ids)
        opens = np.asarray(opens, dtype=np.int32)
        closes = np.asarray(closes, dtype=np.int32)
        xyz = unit_xyz(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float))
        schedules = opens.astype(np.int64) * SECONDS_PER_DAY + closes
        kinds, which, counts = np.unique(schedules, return_inverse=True, return_counts=True)
        common = set(np.argsort(-counts, kind="stable")[:SCHEDULE_TREES].tolist())
        self.groups = [
            _Group(np.flatnonzero(which == kind), xyz, opens, closes) for kind in sorted(common)
        ]
        rare = np.flatnonzero(~np.isin(which, sorted(common)))
        if len(rare):
            self.groups.append(_Group(rare, xyz, opens, closes))

    def __len__(self) -> int:
        return len(self.ids)

    def nearest_open(self, lat: float, lon: float, at: time | None, limit: int) -> list[Nearby]:
        """Up to `limit` stores nearest to (lat, lon) first, open at local time `at`
        (None: whether open or not)."""
        if limit < 1 or not self.ids:
            return []
        point = unit_xyz(np.array([lat]), np.array([lon]))[0]
        moment = None if at is None else seconds(at)
        found = [group.nearest_open(point, moment, limit) for group in self.groups]
        chords = np.concatenate([chord for chord, _ in found])
        rows = np.concatenate([row for _, row in found])
        nearest = np.argsort(chords, kind="stable")[:limit]
        metres = chord_to_metres(chords[nearest])
        return [
            Nearby(self.ids[row], float(distance))
            for row, distance in zip(rows[nearest], metres, strict=True)
        ]


def located_stores(session: Session, merchant_id: str, *columns: str) -> Sequence[Row[Any]]:
    """``columns`` of a merchant's stores that have coordinates, in the merchant's order."""
    table = models.Store.__table__
    query = (
        select(*(table.c[name] for name in columns))
        .where(table.c.merchant_id == merchant_id)
        .where(table.c.lat.is_not(None))
        .where(table.c.lon.is_not(None))
        .order_by(table.c.position)
    )
    return session.execute(query).all()


def index_of(session: Session, merchant_id: str) -> StoreIndex:
    """Build a merchant's index from its located stores (one query of five columns)."""
    rows = located_stores(session, merchant_id, "id", "lat", "lon", "opens", "closes")
    return StoreIndex(
        [row.id for row in rows],
        np.array([row.lat for row in rows], dtype=float),
        np.array([row.lon for row in rows], dtype=float),
        np.array([seconds(row.opens) for row in rows], dtype=np.int32),
        np.array([seconds(row.closes) for row in rows], dtype=np.int32),
    )


class StoreNetwork:
    """What each merchant's lookups are built from, built on first use and kept: its
    `StoreIndex`, and what other lookups ask `built` for (the place names of
    merchant/place_names.py). Thread-safe: FastAPI runs sync routes on a thread pool."""

    def __init__(self) -> None:
        self._built: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def index(self, session: Session, merchant_id: str) -> StoreIndex:
        return self.built("stores", merchant_id, lambda: index_of(session, merchant_id))

    def built(self, kind: str, merchant_id: str, build: Callable[[], Built]) -> Built:
        """The merchant's `kind` of lookup, made by `build` the first time."""
        key = (kind, merchant_id)
        found = self._built.get(key)
        if found is None:
            with self._lock:
                found = self._built.get(key)
                if found is None:
                    found = self._built[key] = build()
        return cast(Built, found)


def parse_near(text: str) -> tuple[float, float]:
    """`near=LAT,LON` (WGS84 degrees), or a 422 naming what is wrong."""
    parts = text.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise invalid(
            "invalid_request",
            "near is LAT,LON in degrees, e.g. near=31.2317,121.4726.",
            field="near",
        ) from None
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        raise invalid("invalid_request", "near: the latitude is between -90 and 90.", field="near")
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        raise invalid(
            "invalid_request", "near: the longitude is between -180 and 180.", field="near"
        )
    return lat, lon


def parse_open_at(text: str, zone: ZoneInfo) -> datetime:
    """`open_at=` an ISO 8601 date and time; without an offset it is the merchant's local
    time. A `+` left unescaped in a query string arrives as a space, so a space before the
    offset is read as `+`."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    if " " in cleaned and "T" in cleaned:
        cleaned = cleaned.replace(" ", "+")
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise invalid(
            "invalid_request",
            "open_at is an ISO 8601 date and time, e.g. open_at=2026-11-24T06:30:00+08:00.",
            field="open_at",
        ) from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
