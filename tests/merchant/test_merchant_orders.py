"""Placing orders: defaults, timing rules, every kind of bad input, idempotency."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from merchant_harness import Api


def order_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer_id": "u1",
        "merchant_id": "golden-crumb",
        "items": [{"sku": "egg-sausage-muffin"}, {"sku": "latte", "options": {"size": "large"}}],
    }
    body.update(overrides)
    return body


def test_order_uses_defaults_and_prices_every_line(any_api: Api) -> None:
    order = any_api.order(
        [
            {"sku": "breakfast-combo", "quantity": 2},
            {"sku": "breakfast-combo", "options": {"drink": "soy-milk", "size": "large"}},
            {"sku": "fries"},
        ]
    )
    assert order["id"] == "1001"
    assert order["store_id"] == "gc-peoples-square"
    assert order["store_name"] == "People's Square"
    assert order["asap"] is True
    assert order["pickup_time"] == "2026-11-24T08:10:00+08:00"
    assert order["status"] == "placed"
    assert [(chosen(line), line["unit_price"], line["line_total"]) for line in order["items"]] == [
        ({"drink": "americano", "size": "regular"}, 2500, 5000),
        ({"drink": "soy-milk", "size": "large"}, 2800, 2800),
        ({"size": "medium"}, 1100, 1100),
    ]
    assert order["items"][1]["options"] == [
        {
            "group": "drink",
            "group_name": "Drink",
            "choice": "soy-milk",
            "choice_name": "Soy Milk",
            "price": 0,
            "default": False,
        },
        {
            "group": "size",
            "group_name": "Size",
            "choice": "large",
            "choice_name": "Large",
            "price": 300,
            "default": False,
        },
    ]
    assert order["total"] == 8900
    assert len(order["confirmation_token"]) >= 20
    stored = any_api.http.get(f"/orders/{order['id']}").json()
    assert "confirmation_token" not in stored
    assert stored["items"] == order["items"]


def chosen(line: dict[str, Any]) -> dict[str, str]:
    return {option["group"]: option["choice"] for option in line["options"]}


def test_order_ids_are_short_sequential_numbers(any_api: Api) -> None:
    ids = [any_api.order()["id"] for _ in range(3)]
    assert ids == ["1001", "1002", "1003"]


def test_orders_are_listed_newest_first(api: Api) -> None:
    first = api.order()
    api.clock.advance(timedelta(minutes=1))
    second = api.order()
    api.order(customer_id="someone-else")
    listed = api.http.get("/orders", params={"customer_id": "u1"}).json()["orders"]
    assert [order["id"] for order in listed] == [second["id"], first["id"]]


def test_scheduled_pickup_at_another_store(api: Api) -> None:
    order = api.order(store_id="gc-lujiazui", pickup_time="2026-11-24T09:30:00+08:00")
    assert (order["store_id"], order["asap"]) == ("gc-lujiazui", False)
    assert order["pickup_time"] == "2026-11-24T09:30:00+08:00"


def test_pickup_time_in_utc_is_shown_in_shanghai_time(api: Api) -> None:
    order = api.order(pickup_time="2026-11-24T01:30:00Z")
    assert order["pickup_time"] == "2026-11-24T09:30:00+08:00"


def test_breakfast_items_refused_after_breakfast(api: Api) -> None:
    api.clock.advance(timedelta(hours=3))  # 11:00
    response = api.http.post("/orders", json=order_body(items=[{"sku": "hash-brown"}]))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "item_unavailable"
    assert error["message"] == "Hash Brown is only served at breakfast (06:00-10:30)."
    assert api.order([{"sku": "americano"}])["total"] == 1200


def test_asap_order_just_before_breakfast_ends_is_judged_at_pickup(api: Api) -> None:
    api.clock.set(datetime.fromisoformat("2026-11-24T10:25:00+08:00"))
    response = api.http.post("/orders", json=order_body(items=[{"sku": "youtiao"}]))
    assert response.json()["error"]["code"] == "item_unavailable"
    scheduled = api.order([{"sku": "youtiao"}], pickup_time="2026-11-24T10:29:00+08:00")
    assert scheduled["total"] == 400


def test_store_closed_at_pickup_time(api: Api) -> None:
    api.clock.set(datetime.fromisoformat("2026-11-24T20:55:00+08:00"))
    body = order_body(store_id="gc-jingan-temple", items=[{"sku": "cola"}])
    response = api.http.post("/orders", json=body)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "store_closed"
    assert "21:00" in error["message"]
    assert api.order([{"sku": "cola"}], store_id="gc-xujiahui")["store_name"] == "Xujiahui"


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"merchant_id": "nope"}, 404, "unknown_merchant", "merchant_id"),
        ({"store_id": "gc-mars"}, 404, "unknown_store", "store_id"),
        ({"items": [{"sku": "caviar"}]}, 404, "unknown_item", "items.0.sku"),
        (
            {"items": [{"sku": "latte", "options": {"size": "tiny"}}]},
            422,
            "invalid_option",
            "items.0.options.size",
        ),
        (
            {"items": [{"sku": "cola", "options": {"size": "large"}}]},
            422,
            "invalid_option",
            "items.0.options.size",
        ),
        ({"items": [{"sku": "latte", "quantity": 0}]}, 422, "invalid_quantity", "items.0.quantity"),
        ({"items": [{"sku": "cola", "quantity": 99}]}, 422, "invalid_quantity", "items.0.quantity"),
        (
            {"items": [{"sku": "breakfast-combo", "options": {"drink": "latte"}}]},
            422,
            "invalid_option",
            "items.0.options.drink",
        ),
        (
            {"items": [{"sku": "latte", "options": {"drink": "cola"}}]},
            422,
            "invalid_option",
            "items.0.options.drink",
        ),
        (
            {"items": [{"sku": "breakfast-combo", "options": {"size": "huge"}}]},
            422,
            "invalid_option",
            "items.0.options.size",
        ),
        (
            {"items": [{"sku": "latte", "size": "large"}]},
            422,
            "invalid_request",
            "items.0.size",
        ),
        ({"items": []}, 422, "empty_order", "items"),
        ({"items": [{"sku": "cola", "quantity": 1.5}]}, 422, "invalid_request", "items.0.quantity"),
        ({"items": [{"sku": "cola", "qty": 2}]}, 422, "invalid_request", "items.0.qty"),
        ({"customer_id": ""}, 422, "invalid_request", "customer_id"),
        ({"pickup_time": "tomorrowish"}, 422, "invalid_request", "pickup_time"),
        ({"pickup_time": "2026-11-24T07:00:00+08:00"}, 422, "invalid_pickup_time", "pickup_time"),
        ({"pickup_time": "2026-11-25T09:00:00+08:00"}, 422, "invalid_pickup_time", "pickup_time"),
    ],
)
def test_bad_orders_are_refused_clearly(
    client: TestClient, overrides: dict[str, Any], status: int, code: str, field: str
) -> None:
    response = client.post("/orders", json=order_body(**overrides))
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"][0].isupper() and error["message"].endswith(".")
    assert client.get("/orders", params={"customer_id": "u1"}).json()["orders"] == []


def test_missing_items_field_is_named(client: TestClient) -> None:
    response = client.post("/orders", json={"customer_id": "u1", "merchant_id": "golden-crumb"})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "invalid_request",
        "message": "Missing field items.",
        "field": "items",
        "problems": [{"field": "items", "message": "Missing field items."}],
    }


@pytest.mark.parametrize(
    "raw", [b"{not json", b"[1, 2]", b"", b'"just a string"', b'{"items": [1]}']
)
def test_malformed_bodies_are_422_not_500(client: TestClient, raw: bytes) -> None:
    response = client.post("/orders", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_unknown_order_and_unknown_route(client: TestClient) -> None:
    for order_id in ("9999", "abc", "1" * 30):
        response = client.get(f"/orders/{order_id}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "unknown_order"
    assert client.get("/nowhere").json()["error"]["code"] == "not_found"


def test_same_key_same_body_places_one_order(any_api: Api) -> None:
    first = any_api.order(key="order-key-1")
    again = any_api.order(key="order-key-1")
    assert again["id"] == first["id"]
    assert again["created_at"] == first["created_at"]
    listed = any_api.http.get("/orders", params={"customer_id": "u1"}).json()["orders"]
    assert len(listed) == 1
    # Only the token's hash is stored, so the replay carries a fresh token that works
    # (and the first one no longer does).
    assert again["confirmation_token"] != first["confirmation_token"]
    assert any_api.pay(first).json()["error"]["code"] == "confirmation_invalid"
    assert any_api.pay(again).status_code == 201


def test_replay_of_a_paid_order_carries_no_token(api: Api) -> None:
    first = api.order(key="order-key-2")
    assert api.pay(first).status_code == 201
    again = api.order(key="order-key-2")
    assert (again["id"], again["confirmation_token"]) == (first["id"], None)


def test_same_key_other_body_is_refused(any_api: Api) -> None:
    any_api.order(key="order-key-3")
    response = any_api.http.post(
        "/orders",
        json=order_body(items=[{"sku": "cola"}]),
        headers={"Idempotency-Key": "order-key-3"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_refused_order_does_not_burn_its_key(api: Api) -> None:
    bad = api.http.post(
        "/orders", json=order_body(items=[{"sku": "caviar"}]), headers={"Idempotency-Key": "k"}
    )
    assert bad.status_code == 404
    good = api.http.post(
        "/orders", json=order_body(items=[{"sku": "cola"}]), headers={"Idempotency-Key": "k"}
    )
    assert good.status_code == 201
