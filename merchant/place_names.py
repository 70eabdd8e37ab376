"""Places said in words ("near People's Square", "Xujiahui", "the one on Nanjing Road"),
found by the names the stores carry: their landmarks, districts and cities.

`PlaceIndex` maps every folded name (contracts.location.fold_place) to the stores that
bear it, in a dict: reading an utterance looks up its word n-grams, longest first, so the
cost grows with the utterance, not with the 5,000 stores. Chinese street names come in
parts ("Nanjing West Road", "Zhongshan East 1st Road") that people shorten to the street
("Nanjing Road"), so a landmark is also filed without its direction word.

A name borne by many stores (a district, a long street) stands for the one of them
nearest the customer when their location is known; otherwise the merchant's first (the
stores its pack names by hand come first, so "People's Square" is that store's square).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from contracts.location import fold_place
from merchant.store_network import located_stores, unit_xyz

# Words a street name carries that people leave out: "Nanjing (West) Road".
DIRECTION_WORDS = frozenset({"east", "west", "north", "south", "middle", "central"})
# Kinds in the order a tie between names of the same length is settled: the most precise.
KINDS = ("landmark", "district", "city")


@dataclass(frozen=True)
class Place:
    name: str  # as the stores spell it
    kind: str
    lat: float
    lon: float


@dataclass(frozen=True)
class _Named:
    name: str
    kind: str
    rows: np.ndarray  # the stores bearing it, in the merchant's order


def _keys(name: str, kind: str) -> set[str]:
    folded = fold_place(name)
    keys = {folded} if folded else set()
    if kind == "landmark":
        short = " ".join(word for word in folded.split() if word not in DIRECTION_WORDS)
        if short and len(short.split()) > 1:  # never file "Road" alone
            keys.add(short)
    return keys


class PlaceIndex:
    """One merchant's place names, for `find`."""

    def __init__(
        self,
        lat: np.ndarray,
        lon: np.ndarray,
        names: Sequence[Sequence[tuple[str, str]]],
    ) -> None:
        """`names[i]` are store i's (name, kind) pairs; stores in the merchant's order."""
        self.xyz = unit_xyz(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float))
        self.lat, self.lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        bearers: dict[str, tuple[str, str, list[int]]] = {}
        for row, pairs in enumerate(names):
            for name, kind in pairs:
                for key in _keys(name, kind):
                    found = bearers.get(key)
                    if found is None:
                        bearers[key] = (name, kind, [row])
                    elif KINDS.index(kind) < KINDS.index(found[1]):
                        bearers[key] = (name, kind, [row])  # a landmark beats a district
                    elif kind == found[1] and found[2][-1] != row:
                        found[2].append(row)
        self.names = {
            key: _Named(name, kind, np.array(rows, dtype=np.int64))
            for key, (name, kind, rows) in bearers.items()
        }
        self.longest = max((len(key.split()) for key in self.names), default=0)

    def find(self, text: str, near: tuple[float, float] | None, limit: int) -> list[Place]:
        """Up to `limit` places the text names, longest name first, none overlapping."""
        words = fold_place(text).split()
        taken = [False] * len(words)
        found: list[Place] = []
        for size in range(min(self.longest, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                if any(taken[start : start + size]):
                    continue
                named = self.names.get(" ".join(words[start : start + size]))
                if named is None:
                    continue
                taken[start : start + size] = [True] * size
                found.append(self._place(named, near))
                if len(found) >= limit:
                    return found
        return found

    def _place(self, named: _Named, near: tuple[float, float] | None) -> Place:
        row = int(named.rows[0])
        if near is not None and len(named.rows) > 1:
            point = unit_xyz(np.array([near[0]]), np.array([near[1]]))[0]
            chords = np.linalg.norm(self.xyz[named.rows] - point, axis=1)
            row = int(named.rows[int(np.argmin(chords))])
        return Place(named.name, named.kind, float(self.lat[row]), float(self.lon[row]))


def places_of(session: Session, merchant_id: str) -> PlaceIndex:
    """Build a merchant's place index from its located stores (one query)."""
    rows = located_stores(session, merchant_id, "lat", "lon", "landmarks", "district", "city")
    return PlaceIndex(
        np.array([row.lat for row in rows], dtype=float),
        np.array([row.lon for row in rows], dtype=float),
        [
            [
                *((name, "landmark") for name in row.landmarks or ()),
                *(((row.district, "district"),) if row.district else ()),
                *(((row.city, "city"),) if row.city else ()),
            ]
            for row in rows
        ],
    )
