"""Cancelling: unpaid orders are cancelled, paid ones refunded to the fen, never too late."""

from __future__ import annotations

from datetime import timedelta

from merchant_harness import Api

START_BALANCE = 50_000


def test_cancel_unpaid_order(any_api: Api) -> None:
    order = any_api.order()
    response = any_api.http.post(f"/orders/{order['id']}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert any_api.balance() == START_BALANCE
    again = any_api.http.post(f"/orders/{order['id']}/cancel")
    assert (again.status_code, again.json()) == (200, response.json())


def test_cancel_paid_order_refunds_the_balance(any_api: Api) -> None:
    order = any_api.order(
        [{"sku": "breakfast-combo", "options": {"size": "large"}}, {"sku": "youtiao"}]
    )
    assert any_api.pay(order).status_code == 201
    assert any_api.balance() == START_BALANCE - 2800 - 400

    cancelled = any_api.http.post(
        f"/orders/{order['id']}/cancel", headers={"Idempotency-Key": "cancel-1"}
    )
    assert cancelled.json()["status"] == "refunded"
    assert any_api.balance() == START_BALANCE
    payments = any_api.http.get("/payments", params={"order_id": order["id"]}).json()["payments"]
    assert [(p["status"], p["refunded_at"]) for p in payments] == [
        ("refunded", "2026-11-24T08:00:00+08:00")
    ]
    replay = any_api.http.post(
        f"/orders/{order['id']}/cancel", headers={"Idempotency-Key": "cancel-1"}
    )
    assert replay.json() == cancelled.json()
    any_api.http.post(f"/orders/{order['id']}/cancel")
    assert any_api.balance() == START_BALANCE  # refunded exactly once


def test_cancel_key_reused_for_another_order(api: Api) -> None:
    first, second = api.order(), api.order()
    api.http.post(f"/orders/{first['id']}/cancel", headers={"Idempotency-Key": "c"})
    response = api.http.post(f"/orders/{second['id']}/cancel", headers={"Idempotency-Key": "c"})
    assert (response.status_code, response.json()["error"]["code"]) == (
        409,
        "idempotency_key_reused",
    )


def test_too_late_to_cancel_after_pickup_time(api: Api) -> None:
    order = api.order()
    assert api.pay(order).status_code == 201
    api.clock.advance(timedelta(minutes=10))  # the ASAP pickup time has come
    response = api.http.post(f"/orders/{order['id']}/cancel")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "too_late_to_cancel"
    assert "08:10" in error["message"]
    assert api.balance() == START_BALANCE - order["total"]


def test_cancel_unknown_order(api: Api) -> None:
    response = api.http.post("/orders/777777/cancel")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "unknown_order")


def test_handoffs_are_stored_and_listed(api: Api) -> None:
    created = api.http.post(
        "/handoffs",
        json={"customer_id": "u1", "reason": "asked for a person", "transcript": ["hi", "agent"]},
    )
    assert created.status_code == 201
    handoff = created.json()
    assert handoff["id"].startswith("h_")
    assert (handoff["status"], handoff["created_at"]) == ("open", "2026-11-24T08:00:00+08:00")
    listed = api.http.get("/handoffs", params={"customer_id": "u1"}).json()["handoffs"]
    assert listed == [handoff]
    assert api.http.get("/handoffs", headers=api.as_customer("u2")).json() == {"handoffs": []}
    bad = api.http.post("/handoffs", json={"customer_id": "u1", "reason": ""})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "reason")
