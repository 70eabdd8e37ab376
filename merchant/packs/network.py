"""The generated store network: thousands of plausible stores around real city centres.

`generate_network(network, feed, slot_capacity)` makes the stores a pack's `network:`
section asks for (merchant/packs/schema.py `Network`), beside the feed's hand-written ones.
It is deterministic (`random.Random(seed)`, no global state), so every start and every
machine makes the same stores with the same ids, and orders that name one stay valid.
The stores are made at load rather than checked in: 5,000 rows are about 700 KB, and a
pack folder can stay read-only (a container image).

Only the city centres (cities.csv) and, in Shanghai and Beijing, the district centres
(districts.csv) are real places. A store's address and landmarks are made up from common
real street names and its district's name, and outside those two cities its district is one
of the city's real districts drawn at random, not the one it stands in.
"""

from __future__ import annotations

import csv
import functools
import math
import random
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from merchant.packs.schema import Network, StoreRow

CITIES_FILE = "cities.csv"
DISTRICTS_FILE = "districts.csv"
# Stores spread around a city centre with this standard deviation (a Gaussian in km),
# wider for bigger cities: most fall within the urban districts.
SPREAD_KM = 3.0
SPREAD_KM_PER_WEIGHT = 0.6
KM_PER_DEGREE = 111.32
# Common real street names, for addresses and landmarks.
STREETS = (
    "Zhongshan",
    "Renmin",
    "Jiefang",
    "Jianshe",
    "Heping",
    "Wenhua",
    "Xinhua",
    "Dongfeng",
    "Changjiang",
    "Huanghe",
    "Yan'an",
    "Beijing",
)
LANDMARK_KINDS = ("Metro Station", "Plaza", "Park")


@dataclass(frozen=True)
class City:
    name: str
    lat: float
    lon: float
    weight: int
    districts: tuple[str, ...]


def _rows(file: str) -> list[dict[str, str]]:
    text = resources.files("merchant.packs").joinpath(file).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


@functools.cache
def cities() -> tuple[City, ...]:
    """The city centres of merchant/packs/cities.csv (its comments say where they come from)."""
    return tuple(
        City(
            name=row["city"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            weight=int(row["weight"]),
            districts=tuple(row["districts"].split("|")),
        )
        for row in _rows(CITIES_FILE)
    )


@functools.cache
def district_centres() -> dict[str, tuple[tuple[str, float, float], ...]]:
    """City -> its districts' centres, where merchant/packs/districts.csv has them."""
    centres: dict[str, list[tuple[str, float, float]]] = {}
    for row in _rows(DISTRICTS_FILE):
        centres.setdefault(row["city"], []).append(
            (row["district"], float(row["lat"]), float(row["lon"]))
        )
    return {city: tuple(found) for city, found in centres.items()}


def district_of(city: City, lat: float, lon: float, rng: random.Random) -> str:
    """The district whose centre is nearest, where centres are known; else one at random."""
    centres = district_centres().get(city.name)
    if not centres:
        return rng.choice(city.districts)
    squeeze = math.cos(math.radians(lat)) ** 2  # degrees of longitude are shorter
    return min(centres, key=lambda c: (c[1] - lat) ** 2 + squeeze * (c[2] - lon) ** 2)[0]


def generate_network(network: Network, feed: list[StoreRow], slot_capacity: int) -> list[StoreRow]:
    """`network.stores - len(feed)` generated stores (none if the feed has that many)."""
    from merchant.packs.schema import StoreRow, parse_hours

    chosen = [city for city in cities() if not network.cities or city.name in network.cities]
    unknown = set(network.cities) - {city.name for city in chosen}
    if unknown:
        raise ValueError(f"unknown cities {', '.join(sorted(unknown))}")
    hours = [parse_hours(text) for text in network.hours]
    rng = random.Random(network.seed)
    weights = [city.weight for city in chosen]
    numbers: Counter[tuple[str, str]] = Counter()
    stores = []
    for index in range(max(0, network.stores - len(feed))):
        city = rng.choices(chosen, weights)[0]
        spread = SPREAD_KM + SPREAD_KM_PER_WEIGHT * city.weight
        north_km, east_km = rng.gauss(0, spread), rng.gauss(0, spread)
        lat = city.lat + north_km / KM_PER_DEGREE
        lon = city.lon + east_km / (KM_PER_DEGREE * math.cos(math.radians(city.lat)))
        district = district_of(city, lat, lon, rng)
        street = rng.choice(STREETS)
        numbers[city.name, district] += 1
        opening = rng.choice(hours)
        # construct() skips validation: the values are made valid here, and validating
        # 5,000 rows would cost a noticeable part of every start.
        stores.append(
            StoreRow.construct(
                id=f"{network.id_prefix}-{index + 1:06d}",
                name=f"{city.name} {district} {numbers[city.name, district]}",
                address=f"{rng.randint(1, 1999)} {street} Road, {district} District, {city.name}",
                city=city.name,
                district=district,
                lat=round(lat, 6),
                lon=round(lon, 6),
                opens=opening.start,
                closes=opening.end,
                services=network.services,
                landmarks=(f"{street} Road", f"{district} {rng.choice(LANDMARK_KINDS)}"),
                aliases=(),
                slot_capacity=slot_capacity,
            )
        )
    return stores
