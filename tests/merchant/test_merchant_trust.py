"""Attacks from issue 10 on the merchant platform, each refused.

Every test here succeeded as an attack before callers had to authenticate: it is written
as the attacker (or the confused caller) would try it, then checks that nothing moved.
Alice and Bob sign in with their own passwords; Bob is the attacker.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from merchant_harness import Api, bearer
from sqlalchemy import update

from merchant import models

START_BALANCE = 50_000
ALICE_PIN = "26051"
WRONG_PIN = "99172"
HUNDRED_YUAN = [{"sku": "breakfast-combo", "quantity": 4}]  # 4 x 2500 = 10000 fen


@pytest.fixture
def api(any_api: Api) -> Api:
    """Every attack runs on SQLite and, when a server is reachable, on PostgreSQL."""
    return any_api


@pytest.fixture
def alice(api: Api) -> dict[str, str]:
    """Alice signed up and chose her PIN, as a customer does."""
    headers = bearer(api.sign_up("alice", "alice-password"))
    chosen = api.anonymous().put(
        "/identity/pin", json={"password": "alice-password", "pin": ALICE_PIN}, headers=headers
    )
    assert chosen.status_code == 200, chosen.text
    return headers


@pytest.fixture
def bob(api: Api) -> dict[str, str]:
    return bearer(api.sign_up("bob", "bob-password"))


def place(
    api: Api, who: dict[str, str], items: list[dict[str, Any]] | None = None, **fields: Any
) -> dict[str, Any]:
    response = api.anonymous().post(
        "/orders",
        json={"merchant_id": "golden-crumb", "items": items or [{"sku": "cola"}], **fields},
        headers=who,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def pay(api: Api, who: dict[str, str], order: dict[str, Any], **overrides: Any) -> Any:
    body = {
        "order_id": order["id"],
        "confirmation_token": order["confirmation_token"],
        "amount": order["total"],
        **overrides,
    }
    return api.anonymous().post(
        "/payments", json=body, headers={**who, "Idempotency-Key": f"pay-{order['id']}"}
    )


def balance(api: Api, who: dict[str, str], customer_id: str) -> int:
    return int(api.anonymous().get(f"/accounts/{customer_id}", headers=who).json()["balance"])


def test_cancel_without_credentials_is_refused_and_refunds_nothing(
    api: Api, alice: dict[str, str]
) -> None:
    order = place(api, alice)
    assert pay(api, alice, order).status_code == 201
    stranger = api.anonymous()
    response = stranger.post(f"/orders/{order['id']}/cancel")
    assert response.status_code == 401
    error = response.json()["error"]
    assert (error["code"], error["reason"]) == ("unauthorized", "missing_credentials")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    forged = stranger.post(
        f"/orders/{order['id']}/cancel",
        headers={"Authorization": "Bearer not-a-token", "X-Orderly-Customer": "alice"},
    )
    assert forged.status_code == 401
    mine = api.anonymous().get(f"/orders/{order['id']}", headers=alice).json()
    assert mine["status"] == "paid"
    assert balance(api, alice, "alice") == START_BALANCE - order["total"]


def test_another_customer_cannot_cancel_a_paid_order(
    api: Api, alice: dict[str, str], bob: dict[str, str]
) -> None:
    order = place(api, alice)
    assert pay(api, alice, order).status_code == 201
    response = api.anonymous().post(f"/orders/{order['id']}/cancel", headers=bob)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "unknown_order")
    assert balance(api, alice, "alice") == START_BALANCE - order["total"]


def test_nobody_reads_another_customers_orders_payments_or_handoffs(
    api: Api, alice: dict[str, str], bob: dict[str, str]
) -> None:
    order = place(api, alice)
    pay(api, alice, order)
    handoff = (
        api.anonymous()
        .post(
            "/handoffs", json={"reason": "my card", "transcript": ["call me on 555"]}, headers=alice
        )
        .json()
    )
    attacker = api.anonymous()

    # Sequential order numbers reveal nothing: someone else's order is simply unknown.
    read = attacker.get(f"/orders/{order['id']}", headers=bob)
    unknown = attacker.get("/orders/99999", headers=bob)
    assert read.status_code == unknown.status_code == 404
    assert read.json()["error"]["code"] == unknown.json()["error"]["code"] == "unknown_order"
    payments = attacker.get("/payments", params={"order_id": order["id"]}, headers=bob)
    assert payments.status_code == 404
    assert attacker.get(f"/handoffs/{handoff['id']}", headers=bob).status_code == 404

    for path in ("/orders", "/handoffs"):
        listed = attacker.get(path, params={"customer_id": "alice"}, headers=bob)
        assert (listed.status_code, listed.json()["error"]["code"]) == (403, "forbidden")
        assert attacker.get(path, params={"customer_id": "alice"}).status_code == 401
        assert attacker.get(path, headers=bob).json() in ({"orders": []}, {"handoffs": []})
    assert attacker.get("/accounts/alice", headers=bob).status_code == 403

    # Alice still sees everything of hers.
    assert [o["id"] for o in attacker.get("/orders", headers=alice).json()["orders"]] == [
        order["id"]
    ]
    assert attacker.get(f"/handoffs/{handoff['id']}", headers=alice).json() == handoff


def test_a_stranger_cannot_lock_someone_elses_pin(
    api: Api, alice: dict[str, str], bob: dict[str, str]
) -> None:
    order = place(api, alice, [{"sku": "latte", "options": {"size": "large"}, "quantity": 6}])
    attacker = api.anonymous()
    as_service_for_bob = api.as_customer("bob")
    for _ in range(5):
        for headers in ({}, bob, as_service_for_bob):
            response = attacker.post(
                "/accounts/alice/pin-verifications",
                json={"order_id": order["id"], "pin": WRONG_PIN},
                headers=headers,
            )
            assert response.status_code in (401, 403), response.text
    assert attacker.get("/accounts/alice", headers=alice).json()["voice_pay_locked_until"] is None
    events = attacker.get("/accounts/alice/security-events", headers=alice).json()["events"]
    assert [event["kind"] for event in events] == ["pin_set"]
    verified = attacker.post(
        "/accounts/alice/pin-verifications",
        json={"order_id": order["id"], "pin": ALICE_PIN},
        headers=alice,
    )
    assert verified.status_code == 200
    assert pay(api, alice, order).status_code == 201


def test_five_hundred_yuan_payments_without_pin_stop_at_the_daily_total(
    api: Api, alice: dict[str, str]
) -> None:
    """Issue 10: five ¥100 orders, each under the ¥100 voice limit, emptied ¥500."""
    outcomes = []
    for _ in range(5):
        order = place(api, alice, HUNDRED_YUAN)
        assert order["total"] == 10_000
        response = pay(api, alice, order)
        outcomes.append(response.status_code)
        last = response
    assert outcomes == [201, 201, 403, 403, 403]
    error = last.json()["error"]
    assert (error["code"], error["reason"]) == ("pin_required", "over_daily_limit")
    assert (error["daily_no_pin_limit"], error["no_pin_spent_today"]) == (20_000, 20_000)
    assert balance(api, alice, "alice") == START_BALANCE - 20_000

    # With the PIN the customer can still pay, and that does not use up the no-PIN total.
    assert (
        api.anonymous()
        .post(
            "/accounts/alice/pin-verifications",
            json={"order_id": order["id"], "pin": ALICE_PIN},
            headers=alice,
        )
        .status_code
        == 200
    )
    assert pay(api, alice, order).status_code == 201

    # A new day in Shanghai starts a new allowance.
    api.clock.set(datetime.fromisoformat("2026-11-25T07:00:00+08:00"))
    assert pay(api, alice, place(api, alice, HUNDRED_YUAN)).status_code == 201


def test_a_stale_confirmation_does_not_pay(api: Api, alice: dict[str, str]) -> None:
    order = place(api, alice, pickup_time="2026-11-24T09:00:00+08:00")
    api.clock.advance(timedelta(seconds=601))
    response = pay(api, alice, order)
    assert (response.status_code, response.json()["error"]["code"]) == (
        409,
        "confirmation_expired",
    )
    assert balance(api, alice, "alice") == START_BALANCE


def test_a_confirmation_pays_only_the_amount_read_back(api: Api, alice: dict[str, str]) -> None:
    order = place(api, alice)
    for amount in (order["total"] - 1, order["total"] + 100, 0):
        response = pay(api, alice, order, amount=amount)
        assert (response.status_code, response.json()["error"]["code"]) == (
            409,
            "amount_mismatch",
        )
    missing = api.anonymous().post(
        "/payments",
        json={"order_id": order["id"], "confirmation_token": order["confirmation_token"]},
        headers={**alice, "Idempotency-Key": "no-amount"},
    )
    assert (missing.status_code, missing.json()["error"]["field"]) == (422, "amount")
    assert balance(api, alice, "alice") == START_BALANCE
    assert pay(api, alice, order).status_code == 201


def test_capture_after_the_pickup_time_is_refused(api: Api, alice: dict[str, str]) -> None:
    order = place(api, alice, pickup_time="2026-11-24T08:05:00+08:00")
    api.clock.advance(timedelta(minutes=6))  # the token is still fresh; the pickup is not
    response = pay(api, alice, order)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "pickup_time_passed" and "08:05" in error["message"]
    assert balance(api, alice, "alice") == START_BALANCE


def test_capture_is_refused_when_the_store_closed_meanwhile(
    api: Api, alice: dict[str, str]
) -> None:
    order = place(api, alice, store_id="gc-jingan-temple")
    # The store changes its hours after the readback: it now closes at 08:05.
    with api.app.state.runtime.database.sessions.begin() as session:
        session.execute(
            update(models.Store)
            .where(models.Store.id == "gc-jingan-temple")
            .values(closes=datetime.fromisoformat("2026-11-24T08:05:00").time())
        )
    response = pay(api, alice, order)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "store_closed")
    assert balance(api, alice, "alice") == START_BALANCE


@pytest.mark.parametrize("order_id", ["²", "١٠٠١", "１００１", "1001²", "⑦"])
def test_non_ascii_digits_are_unknown_orders_not_errors(
    api: Api, alice: dict[str, str], order_id: str
) -> None:
    place(api, alice)  # order 1001 exists
    client = api.anonymous()
    responses = [
        client.get(f"/orders/{order_id}", headers=alice),
        client.post(f"/orders/{order_id}/cancel", headers=alice),
        client.get("/payments", params={"order_id": order_id}, headers=alice),
        client.post(
            "/payments",
            json={"order_id": order_id, "confirmation_token": "t", "amount": 800},
            headers={**alice, "Idempotency-Key": "k"},
        ),
        client.post(
            "/accounts/alice/pin-verifications",
            json={"order_id": order_id, "pin": ALICE_PIN},
            headers=alice,
        ),
    ]
    for response in responses:
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "unknown_order"


def test_a_retried_handoff_opens_one_handoff(api: Api, alice: dict[str, str]) -> None:
    body = {"reason": "asked for a person", "transcript": ["a cola", "talk to a person"]}
    headers = {**alice, "Idempotency-Key": "handoff-abc"}
    first = api.anonymous().post("/handoffs", json=body, headers=headers)
    again = api.anonymous().post("/handoffs", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert len(api.anonymous().get("/handoffs", headers=alice).json()["handoffs"]) == 1


def test_idempotency_keys_are_per_customer(
    api: Api, alice: dict[str, str], bob: dict[str, str]
) -> None:
    """Bob replaying Alice's key must neither see her response nor block her."""
    body = {"reason": "asked for a person", "transcript": ["my address is ..."]}
    mine = api.anonymous().post("/handoffs", json=body, headers={**alice, "Idempotency-Key": "k1"})
    theirs = api.anonymous().post("/handoffs", json=body, headers={**bob, "Idempotency-Key": "k1"})
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]
    assert theirs.json()["customer_id"] == "bob"


def test_absurd_transcripts_and_bodies_are_refused(api: Api, alice: dict[str, str]) -> None:
    client = api.anonymous()
    too_many = client.post(
        "/handoffs", json={"reason": "r", "transcript": ["x"] * 201}, headers=alice
    )
    too_long = client.post(
        "/handoffs", json={"reason": "r", "transcript": ["y" * 2000] * 11}, headers=alice
    )
    for response in (too_many, too_long):
        assert (response.status_code, response.json()["error"]["field"]) == (422, "transcript")
    huge = client.post(
        "/handoffs",
        content=b"{" + b" " * 300_000 + b"}",
        headers={**alice, "Content-Type": "application/json"},
    )
    assert (huge.status_code, huge.json()["error"]["code"]) == (413, "request_too_large")
    # Streamed in chunks with no Content-Length: the same limit.
    chunked = client.post(
        "/handoffs",
        content=iter([b'{"reason": "r", "transcript": ["', b"z" * 300_000, b'"]}']),
        headers={**alice, "Content-Type": "application/json"},
    )
    assert "content-length" not in chunked.request.headers
    assert (chunked.status_code, chunked.json()["error"]["code"]) == (413, "request_too_large")
    assert client.get("/handoffs", headers=alice).json() == {"handoffs": []}
