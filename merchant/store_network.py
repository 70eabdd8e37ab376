"""Nearest open stores: one k-d tree per merchant (scipy's cKDTree) over unit-sphere xyz.

Stores are points on the unit sphere, so the tree's Euclidean (chord) distance orders them
exactly as great-circle distance does, with no trouble at the poles or the date line; a
chord turns into metres as 2·R·asin(chord/2). "Nearest open" asks the tree for the k
nearest, keeps the open ones, and doubles k until it has enough (or has seen every store):
at a normal hour most stores are open, so one or two queries of O(log n) answer it.
PostGIS would tie the sandbox to PostgreSQL; cKDTree ships with Rasa and works on SQLite
(docs/design/merchant-model.md §3).

`StoreNetwork` holds one `StoreIndex` per merchant, built lazily on the first lookup and
kept for the process: stores change only when packs are loaded, at start.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import numpy as np
from scipy.spatial import cKDTree
from sqlalchemy import select
from sqlalchemy.orm import Session

from merchant import models
from merchant.errors import invalid

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)
SECONDS_PER_DAY = 86_400


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


class StoreIndex:
    """The stores of one merchant, for nearest-open lookups. Hours are [opens, closes)
    local seconds of the day, as `merchant.catalogue.Hours` reads them."""

    def __init__(
        self,
        ids: Sequence[str],
        lat: np.ndarray,
        lon: np.ndarray,
        opens: np.ndarray,
        closes: np.ndarray,
    ) -> None:
        self.ids = list(ids)
        self.opens = np.asarray(opens, dtype=np.int32)
        self.closes = np.asarray(closes, dtype=np.int32)
        self.tree = cKDTree(unit_xyz(np.asarray(lat), np.asarray(lon))) if self.ids else None

    def __len__(self) -> int:
        return len(self.ids)

    def nearest_open(self, lat: float, lon: float, at: time | None, limit: int) -> list[Nearby]:
        """Up to `limit` stores nearest to (lat, lon) first, open at local time `at`
        (None: whether open or not)."""
        if self.tree is None or limit < 1:
            return []
        point = unit_xyz(np.array([lat]), np.array([lon]))[0]
        moment = None if at is None else seconds(at)
        k = min(len(self.ids), max(limit * 2, 8))
        while True:
            chords, found = self.tree.query(point, k=k)
            chords, found = np.atleast_1d(chords), np.atleast_1d(found)
            if moment is not None:
                is_open = (self.opens[found] <= moment) & (moment < self.closes[found])
                chords, found = chords[is_open], found[is_open]
            if len(found) >= limit or k >= len(self.ids):
                break
            k = min(len(self.ids), k * 2)
        metres = chord_to_metres(chords[:limit])
        return [
            Nearby(self.ids[index], float(distance))
            for index, distance in zip(found[:limit], metres, strict=True)
        ]


def index_of(session: Session, merchant_id: str) -> StoreIndex:
    """Build a merchant's index from its located stores (one query of five columns)."""
    table = models.Store.__table__
    query = (
        select(table.c.id, table.c.lat, table.c.lon, table.c.opens, table.c.closes)
        .where(table.c.merchant_id == merchant_id)
        .where(table.c.lat.is_not(None))
        .where(table.c.lon.is_not(None))
        .order_by(table.c.position)
    )
    rows = session.execute(query).all()
    return StoreIndex(
        [row.id for row in rows],
        np.array([row.lat for row in rows], dtype=float),
        np.array([row.lon for row in rows], dtype=float),
        np.array([seconds(row.opens) for row in rows], dtype=np.int32),
        np.array([seconds(row.closes) for row in rows], dtype=np.int32),
    )


class StoreNetwork:
    """Every merchant's `StoreIndex`, each built on first use (thread-safe: FastAPI runs
    sync routes on a thread pool)."""

    def __init__(self) -> None:
        self._indexes: dict[str, StoreIndex] = {}
        self._lock = threading.Lock()

    def index(self, session: Session, merchant_id: str) -> StoreIndex:
        index = self._indexes.get(merchant_id)
        if index is None:
            with self._lock:
                index = self._indexes.get(merchant_id)
                if index is None:
                    index = self._indexes[merchant_id] = index_of(session, merchant_id)
        return index


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
