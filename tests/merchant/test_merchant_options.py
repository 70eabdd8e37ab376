"""Item options (option groups) and the second sandbox merchant, Copper Kettle Coffee."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient
from merchant_harness import Api

from merchant.app import create_app
from merchant.catalogue import Item
from merchant.packs import MerchantPack, load_packs
from merchant.settings import Settings

CK_NAMES = [
    "Latte",
    "Mocha",
    "Cortado",
    "Macchiato",
    "Cappuccino",
    "Chai Latte",
    "Americano",
    "Matcha Latte",
    "Espresso",
    "Cold Brew",
    "Steamer",
    "Hot Chocolate",
    "English Breakfast",
    "Earl Grey",
    "Lavender Earl Grey",
    "Wild Strawberry",
    "Peppermint Rose",
    "Jin Xuan",
    "Cloud and Mist",
    "Tangerine Rooibos",
]
MILK_DRINKS = {"Latte", "Mocha", "Cortado", "Macchiato", "Cappuccino", "Chai Latte"} | {
    "Matcha Latte",
    "Steamer",
    "Hot Chocolate",
}
ESPRESSO_DRINKS = {"Latte", "Mocha", "Cortado", "Macchiato", "Cappuccino", "Americano", "Espresso"}
MILK_CHOICES = ["Whole", "2%", "Non-fat", "Oat", "Almond", "2% Lactose-Free"]


def ck_menu(client: TestClient) -> dict[str, dict[str, Any]]:
    items = client.get("/merchants/copper-kettle/menu").json()["items"]
    return {item["name"]: item for item in items}


def group(item: dict[str, Any], group_id: str) -> dict[str, Any] | None:
    return next((g for g in item["options"] if g["id"] == group_id), None)


def choice_by_alias(item: dict[str, Any], said: str) -> tuple[str, str]:
    """The (group, choice) a phrase names on this item, by choice name or alias."""
    found = {
        (g["id"], c["id"])
        for g in item["options"]
        for c in g["choices"]
        if said.lower() in [c["name"].lower(), *(a.lower() for a in c["aliases"])]
    }
    assert len(found) == 1, f"{said!r} names {found or 'nothing'} on {item['name']}"
    return found.pop()


def quote(client: TestClient, merchant: str, *lines: dict[str, Any]) -> Any:
    return client.post(f"/merchants/{merchant}/quotes", json={"items": list(lines)})


def test_copper_kettle_sells_exactly_the_listed_drinks_all_day(client: TestClient) -> None:
    items = client.get("/merchants/copper-kettle/menu").json()["items"]
    assert [item["name"] for item in items] == CK_NAMES
    assert all(item["daypart"] == "all_day" and item["available"] for item in items)
    assert all(isinstance(item["price"], int) and item["price"] > 0 for item in items)


def test_copper_kettle_serves_at_any_hour_without_a_breakfast_menu(api: Api) -> None:
    for hour in ("06:40", "12:00", "20:00"):
        api.clock.set(api.clock.now().replace(hour=int(hour[:2]), minute=int(hour[3:])))
        menu = api.http.get("/merchants/copper-kettle/menu").json()
        assert (menu["breakfast"], menu["breakfast_served"]) == (None, False)
        assert len(menu["items"]) == len(CK_NAMES)


def test_milk_drinks_default_to_whole_and_the_others_to_no_milk(client: TestClient) -> None:
    for name, item in ck_menu(client).items():
        milk = group(item, "milk")
        assert milk is not None, name
        names = [c["name"] for c in milk["choices"]]
        assert names[: len(MILK_CHOICES)] == MILK_CHOICES
        if name in MILK_DRINKS:
            assert milk["default"] == "whole", name
        else:
            assert (milk["default"], names[-1]) == ("none", "No Milk"), name


def test_shots_only_on_espresso_drinks_with_each_drinks_standard(client: TestClient) -> None:
    menu = ck_menu(client)
    for name, item in menu.items():
        shots = group(item, "shots")
        assert (shots is not None) == (name in ESPRESSO_DRINKS), name
        if shots is not None:
            assert [c["name"] for c in shots["choices"]] == [
                "Single",
                "Double",
                "Triple",
                "Quadruple",
            ]
    assert group(menu["Espresso"], "shots")["default"] == "single"  # type: ignore[index]
    assert group(menu["Latte"], "shots")["default"] == "double"  # type: ignore[index]


def test_caffeine_temperature_and_syrup_groups(client: TestClient) -> None:
    menu = ck_menu(client)
    for name in ESPRESSO_DRINKS | {"Cold Brew"}:
        caffeine = group(menu[name], "caffeine")
        assert caffeine is not None and caffeine["default"] == "regular"
        assert [c["name"] for c in caffeine["choices"]] == ["Regular", "Decaf"]
    assert group(menu["Earl Grey"], "caffeine") is None
    temperature = group(menu["Latte"], "temperature")
    assert temperature is not None and temperature["default"] == "hot"
    assert [c["name"] for c in temperature["choices"]] == ["Hot", "Iced"]
    syrup = group(menu["Latte"], "syrup")
    assert syrup is not None and syrup["default"] == "none"
    assert {"Vanilla", "Caramel", "Hazelnut", "Peppermint"} <= {c["name"] for c in syrup["choices"]}


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("two percent", ("milk", "2-percent")),
        ("2 percent milk", ("milk", "2-percent")),
        ("skim", ("milk", "non-fat")),
        ("nonfat", ("milk", "non-fat")),
        ("non fat", ("milk", "non-fat")),
        ("fat free", ("milk", "non-fat")),
        ("oat milk", ("milk", "oat")),
        ("oatmilk", ("milk", "oat")),
        ("almond milk", ("milk", "almond")),
        ("lactose free", ("milk", "2-percent-lactose-free")),
        ("double shot", ("shots", "double")),
        ("two shots", ("shots", "double")),
        ("extra shot", ("shots", "triple")),
        ("quad", ("shots", "quadruple")),
        ("decaf", ("caffeine", "decaf")),
        ("decaffeinated", ("caffeine", "decaf")),
        ("no caffeine", ("caffeine", "decaf")),
        ("without caffeine", ("caffeine", "decaf")),
        ("iced", ("temperature", "iced")),
        ("cold", ("temperature", "iced")),
        ("on ice", ("temperature", "iced")),
        ("hot", ("temperature", "hot")),
        ("warm", ("temperature", "hot")),
        ("vanilla", ("syrup", "vanilla")),
        ("a pump of vanilla", ("syrup", "vanilla")),
        ("large", ("size", "large")),
    ],
)
def test_spoken_choices_name_one_choice_of_a_latte(
    client: TestClient, said: str, expected: tuple[str, str]
) -> None:
    assert choice_by_alias(ck_menu(client)["Latte"], said) == expected


def test_black_and_no_milk_mean_no_milk_on_an_americano(client: TestClient) -> None:
    americano = ck_menu(client)["Americano"]
    assert choice_by_alias(americano, "black") == ("milk", "none")
    assert choice_by_alias(americano, "no milk") == ("milk", "none")
    espresso = ck_menu(client)["Espresso"]
    assert choice_by_alias(espresso, "extra shot") == ("shots", "double")


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Chai Latte", "chai"),
        ("Matcha Latte", "matcha"),
        ("Hot Chocolate", "hot cocoa"),
        ("Cold Brew", "cold brew coffee"),
        ("Earl Grey", "earl gray"),
        ("Cappuccino", "capuccino"),
        ("Espresso", "expresso"),
        ("Jin Xuan", "oolong"),
        ("Tangerine Rooibos", "rooibos"),
    ],
)
def test_item_aliases_cover_variants_and_mishearings(
    client: TestClient, name: str, said: str
) -> None:
    assert said in ck_menu(client)[name]["aliases"]


def test_copper_kettle_has_its_own_shanghai_stores(client: TestClient) -> None:
    stores = client.get("/merchants/copper-kettle/stores").json()["stores"]
    assert 3 <= len(stores) <= 4
    for store in stores:
        assert store["id"].startswith("ck-")
        assert store["merchant_id"] == "copper-kettle"
        assert "Shanghai" in store["address"]
        assert store["opens"] < store["closes"]
        assert len(store["aliases"]) >= 4


def test_options_price_the_line_and_come_back_in_catalogue_order(client: TestClient) -> None:
    latte = ck_menu(client)["Latte"]
    line = {"sku": "latte", "quantity": 2, "options": {"syrup": "vanilla", "milk": "oat"}}
    body = quote(client, "copper-kettle", line, {"sku": "latte", "options": {"size": "small"}})
    first, second = body.json()["items"]
    assert first["unit_price"] == latte["price"] + 300 + 200
    assert first["line_total"] == 2 * first["unit_price"]
    assert [o["group"] for o in first["options"]] == [g["id"] for g in latte["options"]]
    assert {o["group"]: (o["choice"], o["default"]) for o in first["options"]} == {
        "size": ("medium", True),
        "milk": ("oat", False),
        "shots": ("double", True),
        "caffeine": ("regular", True),
        "temperature": ("hot", True),
        "syrup": ("vanilla", False),
    }
    milk = next(o for o in first["options"] if o["group"] == "milk")
    assert milk == {
        "group": "milk",
        "group_name": "Milk",
        "choice": "oat",
        "choice_name": "Oat",
        "price": 300,
        "default": False,
    }
    assert second["unit_price"] == latte["price"] - 300  # a small costs less
    assert body.json()["total"] == first["line_total"] + second["line_total"]


def test_an_item_without_options_has_an_empty_options_list(client: TestClient) -> None:
    line = quote(client, "golden-crumb", {"sku": "hash-brown"}).json()["items"][0]
    assert (line["options"], line["unit_price"]) == ([], 700)


def test_group_and_choice_ids_match_case_insensitively(client: TestClient) -> None:
    line = {"sku": "latte", "options": {"Milk": " OAT ", "SIZE": "Large"}}
    priced = quote(client, "copper-kettle", line).json()["items"][0]
    chosen = {o["group"]: o["choice"] for o in priced["options"]}
    assert (chosen["milk"], chosen["size"]) == ("oat", "large")


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ({"sku": "latte", "options": {"milk": "goat"}}, "items.0.options.milk", "Oat"),
        ({"sku": "espresso", "options": {"size": "large"}}, "items.0.options.size", "shots"),
        ({"sku": "earl-grey", "options": {"caffeine": "decaf"}}, "items.0.options.caffeine", ""),
        ({"sku": "latte", "options": {"milk": "oat", "MILK": "whole"}}, "items.0.options.", ""),
    ],
)
def test_unknown_groups_and_choices_are_invalid_option(
    client: TestClient, line: dict[str, Any], field: str, words: str
) -> None:
    response = quote(client, "copper-kettle", line)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_option"
    assert error["field"].startswith(field)
    assert words in error["message"]


def test_an_order_stores_and_returns_the_chosen_options(api: Api) -> None:
    order = api.order(
        [{"sku": "cortado", "options": {"caffeine": "decaf", "temperature": "iced"}}],
        merchant_id="copper-kettle",
    )
    stored = api.http.get(f"/orders/{order['id']}").json()
    assert stored["items"] == order["items"]
    chosen = {o["group"]: o["choice_name"] for o in stored["items"][0]["options"]}
    assert chosen == {
        "milk": "Whole",
        "shots": "Double",
        "caffeine": "Decaf",
        "temperature": "Iced",
        "syrup": "No Syrup",
    }


def test_an_idempotent_replay_ignores_the_order_options_were_written_in(api: Api) -> None:
    first = api.order(
        [{"sku": "latte", "options": {"milk": "oat", "size": "large"}}],
        merchant_id="copper-kettle",
        key="k-options",
    )
    again = api.order(
        [{"sku": "latte", "options": {"size": "large", "milk": "oat"}}],
        merchant_id="copper-kettle",
        key="k-options",
    )
    assert again["id"] == first["id"]
    other = api.http.post(
        "/orders",
        json={
            "customer_id": "u1",
            "merchant_id": "copper-kettle",
            "items": [{"sku": "latte", "options": {"milk": "almond", "size": "large"}}],
        },
        headers={"Idempotency-Key": "k-options"},
    )
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_each_merchant_sees_a_default_store_of_its_own(api: Api) -> None:
    plain = api.http.get("/accounts/u1").json()
    assert plain["default_store_id"] == "gc-peoples-square"
    for merchant, store in (
        ("copper-kettle", "ck-xintiandi"),
        ("golden-crumb", "gc-peoples-square"),
    ):
        account = api.http.get("/accounts/u1", params={"merchant_id": merchant}).json()
        assert (account["default_merchant_id"], account["default_store_id"]) == (merchant, store)
    order = api.order([{"sku": "mocha"}], merchant_id="copper-kettle")
    assert order["store_id"] == "ck-xintiandi"
    unknown = api.http.get("/accounts/u1", params={"merchant_id": "nope"})
    assert unknown.json()["error"]["code"] == "unknown_merchant"


def test_a_database_from_before_options_is_recreated(settings: Settings) -> None:
    path = settings.data_dir / "merchant.sqlite3"
    settings.data_dir.mkdir(parents=True)
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE menu_items (merchant_id VARCHAR(64) NOT NULL, sku VARCHAR(64) NOT NULL,"
            " position INTEGER NOT NULL, name VARCHAR(200) NOT NULL, category VARCHAR(64) NOT NULL,"
            " daypart VARCHAR(64) NOT NULL, description TEXT NOT NULL, aliases JSON NOT NULL,"
            " sizes JSON NOT NULL, combo JSON, PRIMARY KEY (merchant_id, sku))"
        )
    with TestClient(create_app(settings)) as client:
        items = client.get("/merchants/copper-kettle/menu").json()["items"]
        assert [item["name"] for item in items] == CK_NAMES


def size_group(default: str, *prices: tuple[str, int]) -> dict[str, Any]:
    choices = [{"id": choice, "name": choice.title(), "price": price} for choice, price in prices]
    return {"id": "size", "name": "Size", "default": default, "choices": choices}


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        ([size_group("medium", ("small", -600), ("medium", 0))], "less than nothing"),
        ([size_group("large", ("medium", 0), ("large", 300))], "default choice must add nothing"),
        ([size_group("huge", ("medium", 0))], "default is not one of its choices"),
        ([size_group("medium", ("medium", 0), ("medium", 100))], "repeats a choice"),
        ([size_group("medium", ("medium", 0))] * 2, "repeats an option group"),
        ([{**size_group("medium", ("medium", 0)), "id": "Size"}], "id"),
    ],
)
def test_the_catalogue_refuses_inconsistent_options(
    options: list[dict[str, Any]], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        Item.parse_obj(
            {"sku": "x", "name": "X", "category": "drink", "daypart": "all_day", "price": 500}
            | {"options": options}
        )


def test_a_combo_may_only_offer_drinks_the_merchant_sells() -> None:
    combo = {
        "sku": "combo",
        "name": "Combo",
        "category": "combo",
        "daypart": "all_day",
        "price": 2000,
        "options": [
            {
                "id": "drink",
                "name": "Drink",
                "default": "tea",
                "choices": [{"id": "tea", "name": "Tea"}],
            }
        ],
        "combo": {"includes": []},
    }
    merchant = {"id": "m", "name": "M", "currency": "CNY", "stores": [], "items": [combo]}
    with pytest.raises(ValueError, match="unknown drink tea"):
        MerchantPack.parse_obj(merchant)
    breakfast_only = {**combo, "options": [], "daypart": "breakfast"}
    with pytest.raises(ValueError, match="no breakfast hours"):
        MerchantPack.parse_obj({**merchant, "items": [breakfast_only]})


@pytest.mark.parametrize("merchant", load_packs(), ids=lambda m: m.id)
def test_every_phrase_names_one_thing(merchant: MerchantPack) -> None:
    """What the assistant matches must be unambiguous: an item name or alias names one item,
    and on each item a choice name or alias names one choice and no item (a combo's drink
    choices are items by design)."""
    items: dict[str, set[str]] = {}
    for item in merchant.items:
        for phrase in (item.name, *item.aliases):
            items.setdefault(phrase.lower(), set()).add(item.sku)
    assert {phrase: skus for phrase, skus in items.items() if len(skus) > 1} == {}
    for item in merchant.items:
        choices: dict[str, set[tuple[str, str]]] = {}
        for group in item.options:
            for choice in group.choices:
                for phrase in (choice.name, *choice.aliases):
                    choices.setdefault(phrase.lower(), set()).add((group.id, choice.id))
        assert {p: named for p, named in choices.items() if len(named) > 1} == {}, item.sku
        if item.group("drink") is None:
            assert set(choices) & set(items) == set(), item.sku
