"""The catalogue as a client sees it: merchants, menu by time of day, stores, quotes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from merchant_harness import Api

from merchant.app import create_app
from merchant.settings import Settings

EXPECTED_PRICES = {
    ("egg-sausage-muffin", "regular"): 1250,
    ("hash-brown", "regular"): 700,
    ("chicken-congee", "regular"): 900,
    ("youtiao", "regular"): 400,
    ("soy-milk", "regular"): 500,
    ("soy-milk", "large"): 700,
    ("americano", "medium"): 1200,
    ("americano", "large"): 1500,
    ("latte", "medium"): 1600,
    ("latte", "large"): 1900,
    ("breakfast-combo", "regular"): 2500,
    ("chicken-burger", "regular"): 1900,
    ("fries", "medium"): 1100,
    ("fries", "large"): 1300,
    ("cola", "regular"): 800,
}
BREAKFAST_ONLY = {
    "egg-sausage-muffin",
    "hash-brown",
    "chicken-congee",
    "youtiao",
    "soy-milk",
    "breakfast-combo",
}


def test_health_reports_the_fixed_time(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "now": "2026-11-24T08:00:00+08:00"}


def test_merchants_lists_every_sandbox_merchant(client: TestClient) -> None:
    merchants = client.get("/merchants").json()["merchants"]
    assert merchants == [
        {
            "id": "copper-kettle",
            "name": "Copper Kettle Coffee",
            "currency": "CNY",
            "timezone": "Asia/Shanghai",
            "breakfast": None,
            "names": [
                "Copper Kettle Coffee",
                "Copper Kettle",
                "the coffee place",
                "the coffee shop",
            ],
            "kind": "menu",
            "store_count": 300,
        },
        {
            "id": "golden-crumb",
            "name": "Golden Crumb",
            "currency": "CNY",
            "timezone": "Asia/Shanghai",
            "breakfast": {"start": "06:00", "end": "10:30"},
            "names": ["Golden Crumb", "the bakery", "golden crumb bakery", "the breakfast place"],
            "kind": "menu",
            "store_count": 5000,
        },
        {
            "id": "harbour-inn",
            "name": "Harbour Inn",
            "currency": "CNY",
            "timezone": "Asia/Shanghai",
            "breakfast": None,
            "names": ["Harbour Inn", "the hotel", "the inn", "Harbour Inn hotels"],
            "kind": "booking",
            "store_count": 40,
        },
    ]


def size_prices(item: dict[str, Any]) -> dict[tuple[str, str], int]:
    """(sku, size) -> price: the base price plus each size choice's price, or the base
    price as "regular" for an item that comes in one size."""
    size = next((group for group in item["options"] if group["id"] == "size"), None)
    if size is None or item["category"] == "combo":
        return {(item["sku"], "regular"): item["price"]}
    return {(item["sku"], c["id"]): item["price"] + c["price"] for c in size["choices"]}


def test_full_menu_has_the_seed_prices_and_dayparts(client: TestClient) -> None:
    items = client.get("/merchants/golden-crumb/menu", params={"all": "true"}).json()["items"]
    prices = {key: price for item in items for key, price in size_prices(item).items()}
    assert prices == EXPECTED_PRICES
    dayparts = {item["sku"]: item["daypart"] for item in items}
    assert {sku for sku, part in dayparts.items() if part == "breakfast"} == BREAKFAST_ONLY
    assert dayparts["americano"] == dayparts["latte"] == "all_day"


def test_aliases_cover_what_people_say(client: TestClient) -> None:
    items = client.get("/merchants/golden-crumb/menu?all=true").json()["items"]
    aliases = {item["sku"]: set(item["aliases"]) for item in items}
    assert {"sausage muffin", "egg muffin", "muffin"} <= aliases["egg-sausage-muffin"]
    assert {"hashbrown", "hash browns", "potato"} <= aliases["hash-brown"]
    assert {"congee", "rice porridge", "jook"} <= aliases["chicken-congee"]
    assert {"you tiao", "fried dough stick", "chinese donut"} <= aliases["youtiao"]
    assert {"coffee", "black coffee"} <= aliases["americano"]
    assert {"combo", "breakfast set", "meal deal"} <= aliases["breakfast-combo"]
    assert {"coke"} <= aliases["cola"]


def test_combo_offers_two_drinks_and_an_upsize(client: TestClient) -> None:
    items = client.get("/merchants/golden-crumb/menu").json()["items"]
    combo = next(item for item in items if item["sku"] == "breakfast-combo")
    assert combo["combo"] == {"includes": ["egg-sausage-muffin", "hash-brown"]}
    drink, size = combo["options"]
    assert (drink["id"], drink["default"], size["id"], size["default"]) == (
        "drink",
        "americano",
        "size",
        "regular",
    )
    assert [(c["id"], c["name"], c["price"]) for c in drink["choices"]] == [
        ("americano", "Americano", 0),
        ("soy-milk", "Soy Milk", 0),
    ]
    assert [(c["id"], c["price"]) for c in size["choices"]] == [("regular", 0), ("large", 300)]
    skus = {item["sku"] for item in items}
    assert {c["id"] for c in drink["choices"]} <= skus


def test_menu_at_breakfast_offers_everything(client: TestClient) -> None:
    menu = client.get("/merchants/golden-crumb/menu").json()
    assert menu["breakfast_served"] is True
    assert len(menu["items"]) == len({sku for sku, _ in EXPECTED_PRICES})


def test_menu_after_breakfast_hides_breakfast_items(api: Api) -> None:
    api.clock.advance(timedelta(hours=4))  # 12:00
    menu = api.http.get("/merchants/golden-crumb/menu").json()
    assert menu["breakfast_served"] is False
    assert {item["sku"] for item in menu["items"]} == {
        "americano",
        "latte",
        "chicken-burger",
        "fries",
        "cola",
    }
    everything = api.http.get("/merchants/golden-crumb/menu?all=true").json()["items"]
    unavailable = {item["sku"] for item in everything if not item["available"]}
    assert unavailable == BREAKFAST_ONLY


def test_menu_judges_breakfast_at_the_asap_pickup_time(api: Api) -> None:
    api.clock.set(datetime.fromisoformat("2026-11-24T10:25:00+08:00"))
    menu = api.http.get("/merchants/golden-crumb/menu").json()
    assert menu["asap_pickup_time"] == "2026-11-24T10:35:00+08:00"
    assert menu["breakfast_served"] is False


def test_stores_have_hours_aliases_and_open_now(api: Api) -> None:
    api.clock.set(datetime.fromisoformat("2026-11-24T06:15:00+08:00"))
    stores = {s["id"]: s for s in api.http.get("/merchants/golden-crumb/stores").json()["stores"]}
    assert {"gc-peoples-square", "gc-jingan-temple", "gc-lujiazui", "gc-xujiahui"} <= set(stores)
    assert stores["gc-peoples-square"]["name"] == "People's Square"
    assert (stores["gc-jingan-temple"]["opens"], stores["gc-jingan-temple"]["closes"]) == (
        "06:30",
        "21:00",
    )
    assert stores["gc-peoples-square"]["open_now"] is True
    assert stores["gc-jingan-temple"]["open_now"] is False
    assert "lu jia zui" in stores["gc-lujiazui"]["aliases"]
    assert all("Shanghai" in store["address"] for store in stores.values())


def test_unknown_merchant_is_404(client: TestClient) -> None:
    for path in ("/merchants/nope/menu", "/merchants/nope/stores"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "unknown_merchant"


def test_quote_prices_without_side_effects(client: TestClient) -> None:
    body = {
        "items": [
            {"sku": "breakfast-combo", "options": {"drink": "soy-milk", "size": "large"}},
            {"sku": "latte", "options": {"size": "large"}, "quantity": 2},
        ]
    }
    quote = client.post("/merchants/golden-crumb/quotes", json=body).json()
    assert [(line["unit_price"], line["line_total"]) for line in quote["items"]] == [
        (2800, 2800),
        (1900, 3800),
    ]
    assert quote["total"] == 6600
    assert client.get("/orders", params={"customer_id": "u1"}).json() == {"orders": []}


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ({"sku": "caviar"}, "unknown_item"),
        ({"sku": "latte", "options": {"size": "small"}}, "invalid_option"),
        ({"sku": "latte", "quantity": 0}, "invalid_quantity"),
        ({"sku": "breakfast-combo", "options": {"drink": "cola"}}, "invalid_option"),
    ],
)
def test_quote_refuses_bad_lines(client: TestClient, line: dict[str, object], code: str) -> None:
    response = client.post("/merchants/golden-crumb/quotes", json={"items": [line]})
    assert response.json()["error"]["code"] == code


def test_seeding_twice_keeps_one_catalogue(settings: Settings) -> None:
    create_app(settings)
    with TestClient(create_app(settings)) as client:
        items = client.get("/merchants/golden-crumb/menu?all=true").json()["items"]
        assert len(items) == len({sku for sku, _ in EXPECTED_PRICES})
        assert len(client.get("/merchants/golden-crumb/stores").json()["stores"]) == 4
