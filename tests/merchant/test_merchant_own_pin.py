"""`PUT /identity/pin`: a customer sets or changes their own payment PIN, with their own token
and their password again."""

from __future__ import annotations

import logging

import pytest
from httpx import Response
from merchant_harness import Api, bearer
from sqlalchemy import create_engine, text

from merchant.app import create_app
from merchant.identity import issue_token
from merchant.settings import Settings

PASSWORD = "carol's password"
PIN = "602718"
NEW_PIN = "3391"
BIG_ORDER = [{"sku": "breakfast-combo", "quantity": 5}]  # 12500 fen, over the voice limit


@pytest.fixture
def carol(api: Api) -> dict[str, str]:
    return bearer(api.sign_up("carol", PASSWORD))


def choose(api: Api, headers: dict[str, str], pin: str, password: str = PASSWORD) -> Response:
    return api.anonymous().put(
        "/identity/pin", json={"password": password, "pin": pin}, headers=headers
    )


def verify(api: Api, headers: dict[str, str], order: dict[str, str], pin: str) -> int:
    response = api.anonymous().post(
        "/accounts/carol/pin-verifications",
        json={"order_id": order["id"], "pin": pin},
        headers=headers,
    )
    return response.status_code


def test_a_customer_sets_a_pin_and_pays_with_it(api: Api, carol: dict[str, str]) -> None:
    response = choose(api, carol, PIN)
    assert (response.status_code, response.json()) == (200, {"pin_set": True})
    assert api.anonymous().get("/accounts/carol", headers=carol).json()["pin_set"] is True
    order = api.order(BIG_ORDER, customer_id="carol")
    assert verify(api, carol, order, PIN) == 200
    assert api.pay(order).status_code == 201


def test_a_changed_pin_replaces_the_old_one(api: Api, carol: dict[str, str]) -> None:
    choose(api, carol, PIN)
    assert choose(api, carol, NEW_PIN).status_code == 200
    order = api.order(BIG_ORDER, customer_id="carol")
    assert verify(api, carol, order, PIN) == 403
    assert verify(api, carol, order, NEW_PIN) == 200


def test_a_token_without_the_password_cannot_set_the_pin(api: Api, carol: dict[str, str]) -> None:
    refused = choose(api, carol, PIN, password="a stolen token's guess")
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "invalid_credentials")
    assert api.anonymous().get("/accounts/carol", headers=carol).json()["pin_set"] is False


def test_only_the_customers_own_token_may_set_the_pin(api: Api, carol: dict[str, str]) -> None:
    """The action server (voice, chat) acts for customers, but never sets their PIN."""
    as_service = choose(api, api.as_customer("carol"), PIN)
    assert (as_service.status_code, as_service.json()["error"]["code"]) == (403, "forbidden")
    anonymous = choose(api, {}, PIN)
    assert anonymous.status_code == 401
    assert api.anonymous().get("/accounts/carol", headers=carol).json()["pin_set"] is False


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", " 6027", "６０２７"])
def test_a_pin_is_four_to_eight_ascii_digits(api: Api, carol: dict[str, str], pin: str) -> None:
    refused = choose(api, carol, pin)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "invalid_pin"
    assert pin.strip() == "" or pin not in refused.text


def test_a_pin_sent_as_a_number_is_refused(api: Api, carol: dict[str, str]) -> None:
    refused = api.anonymous().put(
        "/identity/pin", json={"password": PASSWORD, "pin": 602718}, headers=carol
    )
    assert refused.json()["error"]["code"] == "invalid_pin" and "602718" not in refused.text


def test_a_lock_after_wrong_pins_outlasts_a_pin_change(api: Api, carol: dict[str, str]) -> None:
    choose(api, carol, PIN)
    order = api.order(BIG_ORDER, customer_id="carol")
    for _ in range(3):
        verify(api, carol, order, NEW_PIN)
    choose(api, carol, NEW_PIN)
    assert verify(api, carol, order, NEW_PIN) == 423


def test_the_pin_is_stored_hashed_and_never_logged_or_echoed(
    api: Api, carol: dict[str, str], settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    responses = [choose(api, carol, PIN), choose(api, carol, NEW_PIN, password="wrong one")]
    assert all(PIN not in r.text and NEW_PIN not in r.text for r in responses)
    assert caplog.records
    assert all(PIN not in record.getMessage() for record in caplog.records)
    engine = create_engine(settings.resolved_database_url())
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT pin_hash FROM accounts")).scalar_one()
        events = connection.execute(text("SELECT details FROM security_events")).scalars().all()
    engine.dispose()
    assert stored.startswith("scrypt$") and PIN not in stored
    assert all(PIN not in str(details) for details in events)


def test_with_an_identity_provider_the_sandbox_pin_route_is_off(settings: Settings) -> None:
    provider = settings.replace(jwks_url="https://login.example/.well-known/jwks.json")
    with Api(create_app(provider)) as api:
        assert provider.jwt_secret is not None
        earlier = issue_token("carol", secret=provider.jwt_secret, ttl_seconds=60).token
        refused = choose(api, bearer(earlier), PIN)
        error = refused.json()["error"]
        assert (refused.status_code, error["code"]) == (404, "sandbox_identity_off")
