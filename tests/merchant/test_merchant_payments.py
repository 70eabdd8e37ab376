"""Paying for orders: the token, the key, the limit, the balance, and no double charge."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

from merchant_harness import Api

# Four large lattes and three combos: 7600 + 7500 = 15100 fen, above the 10000 voice limit.
# This file's customer sets its own PIN; no account has one until then.
PIN = "731950"
BIG_ORDER = [
    {"sku": "latte", "options": {"size": "large"}, "quantity": 4},
    {"sku": "breakfast-combo", "quantity": 3},
]
BIG_TOTAL = 15_100
START_BALANCE = 50_000


def payments_of(api: Api, order: dict[str, Any]) -> list[dict[str, Any]]:
    return list(api.http.get("/payments", params={"order_id": order["id"]}).json()["payments"])


def test_payment_captures_and_debits_once(any_api: Api) -> None:
    order = any_api.order([{"sku": "egg-sausage-muffin"}, {"sku": "americano"}])
    response = any_api.pay(order, key="pay-1")
    assert response.status_code == 201
    payment = response.json()
    assert payment["id"].startswith("pay_")
    assert (payment["order_id"], payment["amount"], payment["status"]) == (
        order["id"],
        2450,
        "captured",
    )
    assert any_api.http.get(f"/orders/{order['id']}").json()["status"] == "paid"
    assert any_api.balance() == START_BALANCE - 2450

    replay = any_api.pay(order, key="pay-1")
    assert (replay.status_code, replay.json()) == (201, payment)
    assert any_api.balance() == START_BALANCE - 2450
    assert len(payments_of(any_api, order)) == 1


def test_payment_needs_an_idempotency_key(api: Api) -> None:
    order = api.order()
    response = api.http.post(
        "/payments",
        json={
            "order_id": order["id"],
            "confirmation_token": order["confirmation_token"],
            "amount": order["total"],
        },
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert api.balance() == START_BALANCE


def test_payment_needs_the_confirmation_token(api: Api) -> None:
    order = api.order()
    paying = {"order_id": order["id"], "amount": order["total"]}
    for body in (paying, {**paying, "confirmation_token": ""}):
        response = api.http.post("/payments", json=body, headers={"Idempotency-Key": "k"})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "confirmation_required"


def test_wrong_or_used_token_is_refused(any_api: Api) -> None:
    order = any_api.order()
    wrong = any_api.pay({**order, "confirmation_token": "guess"})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (409, "confirmation_invalid")
    other = any_api.order()
    crossed = any_api.pay({**order, "confirmation_token": other["confirmation_token"]})
    assert crossed.json()["error"]["code"] == "confirmation_invalid"

    assert any_api.pay(order).status_code == 201
    reused = any_api.pay(order)  # a new key: a second, separate attempt
    assert (reused.status_code, reused.json()["error"]["code"]) == (409, "order_already_paid")
    assert any_api.balance() == START_BALANCE - order["total"]


def test_cancelled_order_is_not_payable(api: Api) -> None:
    order = api.order()
    api.http.post(f"/orders/{order['id']}/cancel")
    response = api.pay(order)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "order_not_payable")


def test_unknown_order_and_same_key_other_order(api: Api) -> None:
    response = api.pay({"id": "4242", "confirmation_token": "x", "total": 700})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "unknown_order")
    first, second = api.order(), api.order()
    assert api.pay(first, key="shared").status_code == 201
    reused = api.pay(second, key="shared")
    assert (reused.status_code, reused.json()["error"]["code"]) == (409, "idempotency_key_reused")


def test_insufficient_balance_changes_nothing(any_api: Api) -> None:
    any_api.set_pin(PIN)
    for _ in range(2):  # 2 x 240 burgers = 45600 of the 50000
        paid = any_api.order([{"sku": "chicken-burger", "quantity": 12}])
        any_api.verify_pin(paid, PIN)
        assert any_api.pay(paid).status_code == 201
    order = any_api.order([{"sku": "latte", "options": {"size": "large"}, "quantity": 3}])  # 5700
    response = any_api.pay(order)
    assert response.status_code == 402
    error = response.json()["error"]
    assert (error["code"], error["balance"], error["amount"]) == (
        "insufficient_balance",
        4400,
        5700,
    )
    assert any_api.http.get(f"/orders/{order['id']}").json()["status"] == "placed"
    assert any_api.balance() == 4400


def test_over_limit_payment_needs_a_pin_for_that_order(any_api: Api) -> None:
    any_api.set_pin(PIN)
    order = any_api.order(BIG_ORDER)
    assert order["total"] == BIG_TOTAL
    refused = any_api.pay(order, key="big")
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert (error["code"], error["voice_pay_limit"], error["amount"], error["pin_digits"]) == (
        "pin_required",
        10_000,
        BIG_TOTAL,
        len(PIN),
    )
    other = any_api.order(BIG_ORDER)
    assert any_api.verify_pin(other, PIN).status_code == 200
    assert any_api.pay(order, key="big").status_code == 403  # verified the other order only

    verified = any_api.verify_pin(order, PIN)
    assert verified.status_code == 200 and verified.json()["verified"] is True
    paid = any_api.pay(order, key="big")  # the refused key was not burnt
    assert paid.status_code == 201
    assert any_api.balance() == START_BALANCE - BIG_TOTAL


def test_pin_verification_expires_and_is_used_once(api: Api) -> None:
    api.set_pin(PIN)
    order = api.order(BIG_ORDER)
    api.verify_pin(order, PIN)
    api.clock.advance(timedelta(seconds=301))
    assert api.pay(order).json()["error"]["code"] == "pin_required"

    api.verify_pin(order, PIN)
    assert api.pay(order).status_code == 201
    api.http.post(f"/orders/{order['id']}/cancel")  # refunded; the verification stays spent
    again = api.order(BIG_ORDER)
    assert api.pay(again).json()["error"]["code"] == "pin_required"


def run_together(count: int, task: Any) -> list[Any]:
    """Run `task(i)` in `count` threads released at the same instant."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        barrier.wait()
        results[index] = task(index)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_duplicate_payments_charge_once(any_api: Api) -> None:
    order = any_api.order([{"sku": "latte"}])
    responses = run_together(6, lambda _: any_api.pay(order, key="same-key"))
    assert {response.status_code for response in responses} == {201}
    assert len({response.json()["id"] for response in responses}) == 1
    assert any_api.balance() == START_BALANCE - 1600
    assert len(payments_of(any_api, order)) == 1


def test_concurrent_payments_with_different_keys_charge_once(any_api: Api) -> None:
    order = any_api.order([{"sku": "latte"}])
    responses = run_together(6, lambda i: any_api.pay(order, key=f"key-{i}"))
    outcomes = Counter(
        response.status_code if response.status_code == 201 else response.json()["error"]["code"]
        for response in responses
    )
    assert outcomes[201] == 1
    assert outcomes[201] + outcomes["order_already_paid"] + outcomes["confirmation_invalid"] == 6
    assert any_api.balance() == START_BALANCE - 1600
    assert len(payments_of(any_api, order)) == 1


def test_concurrent_duplicate_orders_place_one(any_api: Api) -> None:
    orders = run_together(5, lambda _: any_api.order(key="order-once"))
    assert len({order["id"] for order in orders}) == 1
    assert len(any_api.http.get("/orders", params={"customer_id": "u1"}).json()["orders"]) == 1


def test_over_limit_payment_without_a_pin_of_ones_own_says_how_to_set_one(any_api: Api) -> None:
    order = any_api.order(BIG_ORDER)
    refused = any_api.pay(order)
    error = refused.json()["error"]
    assert (refused.status_code, error["code"]) == (409, "pin_not_set")
    assert "/pin" in error["message"] and "Settings" in error["message"]
    assert any_api.balance() == START_BALANCE
    small = any_api.order([{"sku": "hash-brown"}])
    assert any_api.pay(small).status_code == 201  # within the no-PIN limits: no PIN needed
