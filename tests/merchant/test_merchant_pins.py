"""PINs: the per-account lockout, its lifting, and the PIN never leaving the request."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from merchant_harness import Api
from sqlalchemy import create_engine, text

from merchant.app import create_app
from merchant.hashing import secret_matches
from merchant.settings import Settings

# This file's customers' own PINs; no account has a PIN until it sets one.
PIN = "580317"
WRONG_PIN = "902614"
# The PIN every account shared until each customer chose their own.
FORMER_SHARED_PIN = "246810"
START_BALANCE = 50_000
# Above the 10000 voice-pay limit (see test_merchant_payments.py).
BIG_ORDER = [
    {"sku": "latte", "options": {"size": "large"}, "quantity": 4},
    {"sku": "breakfast-combo", "quantity": 3},
]


def test_new_account_has_sandbox_defaults(api: Api) -> None:
    assert api.http.get("/accounts/new-user", headers=api.as_customer("new-user")).json() == {
        "customer_id": "new-user",
        "balance": START_BALANCE,
        "currency": "CNY",
        "voice_pay_limit": 10_000,
        "default_merchant_id": "golden-crumb",
        "default_store_id": "gc-peoples-square",
        "voice_pay_locked_until": None,
        "pin_set": False,
    }


def test_correct_pin_gives_a_verification_with_an_expiry(api: Api) -> None:
    api.set_pin(PIN)
    order = api.order()
    response = api.verify_pin(order, PIN)
    assert response.status_code == 200
    assert response.json() == {
        "verified": True,
        "order_id": order["id"],
        "expires_at": "2026-11-24T08:05:00+08:00",
    }


def test_three_wrong_pins_across_two_orders_lock_the_account(any_api: Api) -> None:
    any_api.set_pin(PIN)
    first, second = any_api.order(), any_api.order()
    one = any_api.verify_pin(first, WRONG_PIN)
    assert (one.status_code, one.json()["error"]["attempts_left"]) == (403, 2)
    assert one.json()["error"]["code"] == "pin_incorrect"
    two = any_api.verify_pin(second, WRONG_PIN)
    assert two.json()["error"]["attempts_left"] == 1
    three = any_api.verify_pin(first, WRONG_PIN)
    assert three.status_code == 423
    error = three.json()["error"]
    assert (error["code"], error["locked_until"]) == ("pin_locked", "2026-11-24T08:15:00+08:00")

    # Locked: even the right PIN is not checked, and no payment that needs it goes through.
    assert any_api.verify_pin(second, PIN).status_code == 423
    big = any_api.order(BIG_ORDER)
    refused = any_api.pay(big)
    assert (refused.status_code, refused.json()["error"]["code"]) == (423, "pin_locked")
    account = any_api.http.get("/accounts/u1").json()
    assert account["voice_pay_locked_until"] == "2026-11-24T08:15:00+08:00"
    assert account["balance"] == START_BALANCE
    # A payment within the no-PIN limits never asks for the PIN, so the lock leaves it alone.
    assert any_api.pay(second).status_code == 201

    any_api.clock.advance(timedelta(minutes=9))
    assert any_api.verify_pin(big, PIN).status_code == 423
    any_api.clock.advance(timedelta(minutes=7))  # past 08:15: the lock has lifted
    assert any_api.http.get("/accounts/u1").json()["voice_pay_locked_until"] is None
    big = any_api.order(BIG_ORDER)  # a fresh confirmation (the first one has expired)
    assert any_api.verify_pin(big, PIN).status_code == 200
    assert any_api.pay(big).status_code == 201
    kinds = [e["kind"] for e in any_api.http.get("/accounts/u1/security-events").json()["events"]]
    assert kinds == ["pin_locked", "pin_incorrect", "pin_incorrect", "pin_set"]


def test_a_correct_pin_resets_the_count(api: Api) -> None:
    api.set_pin(PIN)
    order = api.order()
    api.verify_pin(order, WRONG_PIN)
    api.verify_pin(order, WRONG_PIN)
    assert api.verify_pin(order, PIN).status_code == 200
    assert api.verify_pin(order, WRONG_PIN).json()["error"]["attempts_left"] == 2


def test_lock_is_per_account(api: Api) -> None:
    api.set_pin(PIN)
    api.set_pin(PIN, customer_id="u2")
    mine = api.order()
    theirs = api.order(customer_id="u2")
    for _ in range(3):
        api.verify_pin(mine, WRONG_PIN)
    assert api.verify_pin(theirs, PIN, customer_id="u2").status_code == 200


def test_lockout_settings_are_honoured(settings: Settings) -> None:
    custom = settings.replace(pin_max_attempts=2, pin_lockout_minutes=1)
    with Api(create_app(custom)) as api:
        api.set_pin(PIN)
        order = api.order()
        assert api.verify_pin(order, WRONG_PIN).json()["error"]["attempts_left"] == 1
        locked = api.verify_pin(order, WRONG_PIN).json()["error"]
        assert locked["locked_until"] == "2026-11-24T08:01:00+08:00"


@pytest.mark.parametrize("pin", ["12", "123456789", "12ab56", "", " 580317"])
def test_malformed_pins_are_422_and_not_counted(api: Api, pin: str) -> None:
    api.set_pin(PIN)
    order = api.order()
    response = api.verify_pin(order, pin)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_pin"
    assert api.verify_pin(order, WRONG_PIN).json()["error"]["attempts_left"] == 2


def test_pin_as_a_number_is_refused(api: Api) -> None:
    order = api.order()
    response = api.http.post(
        "/accounts/u1/pin-verifications", json={"order_id": order["id"], "pin": 580317}
    )
    assert response.json()["error"]["code"] == "invalid_pin"
    assert "580317" not in response.text


def test_pin_for_unknown_or_someone_elses_order(api: Api) -> None:
    api.set_pin(PIN)
    theirs = api.order(customer_id="u2")
    for order_id in ("9999", theirs["id"], "not-a-number"):
        response = api.verify_pin({"id": order_id}, PIN)
        assert (response.status_code, response.json()["error"]["code"]) == (404, "unknown_order")


def test_pin_never_appears_in_responses_logs_or_database(
    api: Api, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    api.set_pin(PIN)
    order = api.order(
        [
            {"sku": "latte", "options": {"size": "large"}, "quantity": 4},
            {"sku": "breakfast-combo", "quantity": 3},
        ]
    )
    bodies = [
        api.verify_pin(order, WRONG_PIN),
        api.verify_pin(order, PIN),
        api.verify_pin(order, PIN + "9"),
        api.verify_pin(order, "24681x"),
        api.http.post("/accounts/u1/pin-verifications", content=f'{{"pin": "{PIN}", "order_id": '),
        api.http.post(
            "/accounts/u1/pin-verifications",
            json={"order_id": order["id"], "pin": PIN, "extra": PIN},
        ),
        api.pay(order),
        api.http.get("/accounts/u1"),
    ]
    assert [response.status_code for response in bodies] == [403, 200, 403, 422, 422, 422, 201, 200]
    for response in bodies:
        for pin in (PIN, WRONG_PIN):
            assert pin not in response.text
    assert caplog.records, "the platform should log what it does"
    for record in caplog.records:
        for pin in (PIN, WRONG_PIN):
            assert pin not in record.getMessage()
    engine = create_engine(settings.resolved_database_url())
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT pin_hash FROM accounts")).scalar_one()
    engine.dispose()
    assert stored.startswith("scrypt$") and PIN not in stored


def test_new_accounts_have_no_pin_at_all(api: Api, settings: Settings) -> None:
    api.balance("a")
    api.balance("b")
    engine = create_engine(settings.resolved_database_url())
    with engine.connect() as connection:
        hashes = connection.execute(text("SELECT pin_hash FROM accounts")).scalars().all()
    engine.dispose()
    assert hashes == [None, None]


def test_without_a_pin_of_their_own_no_pin_verifies_and_none_is_counted(api: Api) -> None:
    """The attack: every account once accepted the published PIN."""
    order = api.order()
    for _ in range(4):
        refused = api.verify_pin(order, FORMER_SHARED_PIN)
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "pin_not_set")
    assert "/pin" in refused.json()["error"]["message"]
    assert api.http.get("/accounts/u1").json()["voice_pay_locked_until"] is None


def test_the_once_shared_pin_is_a_wrong_pin_for_a_customer_with_their_own(any_api: Api) -> None:
    any_api.set_pin(PIN)
    order = any_api.order()
    wrong = any_api.verify_pin(order, FORMER_SHARED_PIN)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "pin_incorrect")
    assert any_api.verify_pin(order, PIN).status_code == 200


def test_each_pin_is_salted_on_its_own(api: Api, settings: Settings) -> None:
    api.set_pin(PIN, customer_id="a")
    api.set_pin(PIN, customer_id="b")
    engine = create_engine(settings.resolved_database_url())
    with engine.connect() as connection:
        hashes = connection.execute(text("SELECT pin_hash FROM accounts")).scalars().all()
    engine.dispose()
    assert len(set(hashes)) == 2
    assert all(secret_matches(PIN, stored) and PIN not in stored for stored in hashes)
