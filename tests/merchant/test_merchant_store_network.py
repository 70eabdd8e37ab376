"""The store network (issue 17 §4): `store_count`, and `GET .../stores?near=&open_at=&limit=`
answering open stores nearest first, with refusals that name the bad parameter."""

from __future__ import annotations

import math
from datetime import time as dt_time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from merchant.store_network import EARTH_RADIUS_M, StoreIndex, chord_to_metres, unit_xyz

PEOPLES_SQUARE = (31.2317, 121.4726)
THE_BUND = (31.2400, 121.4905)
# Beijing's Tiananmen Square: far from every named store, among generated ones.
TIANANMEN = (39.9054, 116.3976)


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance computed independently of the tree's chord arithmetic."""
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def near(
    client: TestClient, merchant: str, point: tuple[float, float], **query: object
) -> list[dict[str, object]]:
    params = {"near": f"{point[0]},{point[1]}", **{k: str(v) for k, v in query.items()}}
    response = client.get(f"/merchants/{merchant}/stores", params=params)
    assert response.status_code == 200, response.json()
    stores: list[dict[str, object]] = response.json()["stores"]
    return stores


@pytest.mark.parametrize(("merchant", "count"), [("golden-crumb", 5000), ("copper-kettle", 300)])
def test_a_merchant_counts_its_whole_network(client: TestClient, merchant: str, count: int) -> None:
    body = client.get(f"/merchants/{merchant}").json()
    assert body["store_count"] == count
    assert body["kind"] == "menu"
    listed = {m["id"]: m["store_count"] for m in client.get("/merchants").json()["merchants"]}
    assert listed[merchant] == count


def test_an_unknown_merchant_is_404(client: TestClient) -> None:
    response = client.get("/merchants/jade-leaf")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_merchant"


@pytest.mark.parametrize(
    ("merchant", "point", "first"),
    [
        ("golden-crumb", PEOPLES_SQUARE, "gc-peoples-square"),
        ("copper-kettle", THE_BUND, "ck-the-bund"),
    ],
)
def test_the_nearest_store_comes_first_with_its_distance(
    client: TestClient, merchant: str, point: tuple[float, float], first: str
) -> None:
    stores = near(client, merchant, point, limit=10)
    assert stores[0]["id"] == first
    assert stores[0]["distance_m"] == 0
    distances = [store["distance_m"] for store in stores]
    assert distances == sorted(distances)
    assert len(stores) == 10
    for store in stores:
        expected = haversine_m(point, (float(store["lat"]), float(store["lon"])))  # type: ignore[arg-type]
        assert abs(float(store["distance_m"]) - expected) <= 1  # type: ignore[arg-type]


@pytest.mark.parametrize("merchant", ["golden-crumb", "copper-kettle"])
def test_nothing_nearer_is_left_out(client: TestClient, merchant: str) -> None:
    """Checked against every store of the network: the answer is the true nearest five."""
    stores = near(client, merchant, TIANANMEN, limit=5, open_at="2026-11-24T12:00:00+08:00")
    index = client.app.state.runtime.store_network  # type: ignore[attr-defined]
    with client.app.state.runtime.database.sessions.begin() as session:  # type: ignore[attr-defined]
        everything = index.index(session, merchant)
    all_open = everything.nearest_open(*TIANANMEN, at=None, limit=len(everything))
    assert [store["id"] for store in stores] == [place.store_id for place in all_open[:5]]


@pytest.mark.parametrize(
    ("merchant", "point", "open_at", "earliest"),
    [
        # 06:15: Golden Crumb's 06:30 and 07:00 stores are still shut.
        ("golden-crumb", PEOPLES_SQUARE, "2026-11-24T06:15:00+08:00", "06:00"),
        ("golden-crumb", TIANANMEN, "2026-11-24T06:45:00+08:00", "06:30"),
        # 07:45 at Copper Kettle: its 08:00 stores are shut, the 07:00 and 07:30 ones open.
        ("copper-kettle", THE_BUND, "2026-11-24T07:45:00+08:00", "07:30"),
    ],
)
def test_open_at_keeps_only_stores_open_then(
    client: TestClient, merchant: str, point: tuple[float, float], open_at: str, earliest: str
) -> None:
    stores = near(client, merchant, point, limit=20, open_at=open_at)
    assert len(stores) == 20
    moment = open_at[11:16]
    assert all(store["opens"] <= moment < store["closes"] for store in stores)  # type: ignore[operator]
    assert max(store["opens"] for store in stores) <= earliest  # type: ignore[type-var]
    every = near(client, merchant, point, limit=20, open_at="2026-11-24T12:00:00+08:00")
    assert [s["id"] for s in stores] != [s["id"] for s in every]  # some nearer ones were shut


def test_open_at_in_utc_or_local_time_is_the_same_moment(client: TestClient) -> None:
    local = near(client, "golden-crumb", PEOPLES_SQUARE, open_at="2026-11-24T06:15:00")
    utc = near(client, "golden-crumb", PEOPLES_SQUARE, open_at="2026-11-23T22:15:00Z")
    assert [s["id"] for s in local] == [s["id"] for s in utc]
    unescaped = client.get(
        "/merchants/golden-crumb/stores?near=31.2317,121.4726&open_at=2026-11-24T06:15:00+08:00"
    )
    assert [s["id"] for s in unescaped.json()["stores"]] == [s["id"] for s in local]


def test_at_night_no_store_is_open(client: TestClient) -> None:
    assert near(client, "copper-kettle", THE_BUND, open_at="2026-11-24T03:00:00+08:00") == []


def test_limit_defaults_to_five_and_is_capped(client: TestClient) -> None:
    assert len(near(client, "golden-crumb", PEOPLES_SQUARE)) == 5
    assert len(near(client, "golden-crumb", PEOPLES_SQUARE, limit=1000)) == 50


def test_without_near_the_named_stores_are_listed_as_before(client: TestClient) -> None:
    stores = client.get("/merchants/golden-crumb/stores").json()["stores"]
    assert [store["id"] for store in stores] == [
        "gc-peoples-square",
        "gc-jingan-temple",
        "gc-lujiazui",
        "gc-xujiahui",
    ]
    assert all(store["distance_m"] is None and store["lat"] for store in stores)
    early = client.get("/merchants/golden-crumb/stores?open_at=2026-11-24T06:15:00%2B08:00")
    assert [s["id"] for s in early.json()["stores"]] == ["gc-peoples-square", "gc-xujiahui"]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("near=91,121", "near", "latitude"),
        ("near=-90.5,121", "near", "latitude"),
        ("near=31,181", "near", "longitude"),
        ("near=31,-180.01", "near", "longitude"),
        ("near=31.2", "near", "LAT,LON"),
        ("near=north,east", "near", "LAT,LON"),
        ("near=31,121,7", "near", "LAT,LON"),
        ("near=nan,121", "near", "latitude"),
        ("near=31,121&limit=0", "limit", "greater than or equal to 1"),
        ("near=31,121&limit=-3", "limit", "greater than or equal to 1"),
        ("near=31,121&limit=many", "limit", "integer"),
        ("near=31,121&open_at=tomorrow", "open_at", "ISO 8601"),
        ("near=31,121&open_at=2026-13-01T08:00", "open_at", "ISO 8601"),
    ],
)
def test_bad_input_is_refused_naming_the_parameter(
    client: TestClient, query: str, field: str, words: str
) -> None:
    response = client.get(f"/merchants/golden-crumb/stores?{query}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_request", field)
    assert words in error["message"]


def test_the_index_measures_along_the_ground() -> None:
    """Across the date line and near a pole, chords give great-circle metres."""
    index = StoreIndex(
        ["east", "west", "pole"],
        np.array([0.0, 0.0, 89.9]),
        np.array([179.99, -179.99, 0.0]),
        np.array([0, 0, 0]),
        np.array([86_399, 86_399, 86_399]),
    )
    places = index.nearest_open(0.0, 179.995, at=None, limit=3)
    assert [place.store_id for place in places] == ["east", "west", "pole"]
    assert abs(places[1].distance_m - haversine_m((0.0, 179.995), (0.0, -179.99))) < 0.5
    point = unit_xyz(np.array([0.0]), np.array([0.0]))[0]
    antipode = unit_xyz(np.array([0.0]), np.array([180.0]))[0]
    half = chord_to_metres(np.array([np.linalg.norm(point - antipode)]))[0]
    assert abs(half - math.pi * EARTH_RADIUS_M) < 1


@pytest.mark.parametrize("schedules", [1, 4, 40])
def test_the_index_agrees_with_a_full_scan(schedules: int) -> None:
    """On common schedules (a tree each) and rare ones (one shared, filtered tree), at
    hours when all, some or none are open, the answer is what scanning every store gives."""
    rng = np.random.default_rng(schedules)
    size = 3000
    lat = 31.2 + rng.normal(0, 0.2, size)
    lon = 121.4 + rng.normal(0, 0.2, size)
    windows = [(int(rng.integers(5, 10)) * 3600, int(rng.integers(18, 24)) * 3600 - 1)]
    windows += [
        (int(rng.integers(5, 10)) * 3600 + 60 * s, int(rng.integers(18, 24)) * 3600 - 60 * s)
        for s in range(1, schedules)
    ]
    chosen = rng.integers(0, schedules, size)
    opens = np.array([windows[c][0] for c in chosen])
    closes = np.array([windows[c][1] for c in chosen])
    index = StoreIndex([f"s{i}" for i in range(size)], lat, lon, opens, closes)
    for hour, minute in ((3, 0), (5, 30), (7, 15), (12, 0), (22, 45)):
        moment = hour * 3600 + minute * 60
        for point in ((31.2, 121.4), (31.5, 121.0)):
            found = index.nearest_open(*point, at=time_of(hour, minute), limit=7)
            is_open = (opens <= moment) & (moment < closes)
            metres = np.array([haversine_m(point, (a, b)) for a, b in zip(lat, lon, strict=True)])
            expected = [f"s{i}" for i in np.flatnonzero(is_open)[np.argsort(metres[is_open])][:7]]
            assert [place.store_id for place in found] == expected, (schedules, hour, point)


def time_of(hour: int, minute: int) -> dt_time:
    return dt_time(hour, minute)
