"""Sign-in, customer tokens and the service credential."""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import timedelta

import jwt
import pytest
from merchant_harness import Api, bearer, new_secret, service_headers
from sqlalchemy import create_engine, text

from merchant.settings import Settings, SettingsError

PASSWORD = "wonderland"


def sign_in(api: Api, customer_id: str, password: str) -> object:
    return api.anonymous().post(
        "/identity/sign-in", json={"customer_id": customer_id, "password": password}
    )


def test_first_sign_in_creates_the_account_and_issues_a_token(api: Api, settings: Settings) -> None:
    response = sign_in(api, "alice", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_in"} and body["expires_in"] == 3600
    claims = jwt.decode(
        body["token"], settings.jwt_secret, algorithms=["HS256"], audience="orderly"
    )
    assert (claims["sub"], claims["iss"]) == ("alice", "orderly-sandbox")
    assert claims["exp"] - claims["iat"] == 3600
    assert abs(claims["iat"] - time.time()) < 60  # real time, whatever ORDERLY_NOW says
    account = api.anonymous().get("/accounts/alice", headers=bearer(body["token"])).json()
    assert (account["customer_id"], account["balance"]) == ("alice", 50_000)
    assert account["voice_pay_limit"] == 10_000


def test_the_password_is_checked_on_later_sign_ins(api: Api) -> None:
    assert sign_in(api, "alice", PASSWORD).status_code == 200
    assert sign_in(api, "alice", PASSWORD).status_code == 200
    wrong = sign_in(api, "alice", "wonderland!")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_credentials"


def test_an_account_the_service_created_is_claimed_by_its_first_sign_in(api: Api) -> None:
    """Accounts the action server used before sign-in existed get a password the first time."""
    assert api.balance("legacy") == 50_000
    assert sign_in(api, "legacy", PASSWORD).status_code == 200
    assert sign_in(api, "legacy", "another one").status_code == 401


def test_repeated_wrong_passwords_lock_sign_in_for_a_while(any_api: Api) -> None:
    api = any_api
    sign_in(api, "alice", PASSWORD)
    codes = [sign_in(api, "alice", f"guess-{n}").status_code for n in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    locked = sign_in(api, "alice", PASSWORD)  # even the right password waits
    assert locked.status_code == 429
    error = locked.json()["error"]
    assert (error["code"], error["locked_until"]) == (
        "sign_in_locked",
        "2026-11-24T08:15:00+08:00",
    )
    assert int(locked.headers["Retry-After"]) == 15 * 60
    api.clock.advance(timedelta(minutes=15))
    token = sign_in(api, "alice", PASSWORD).json()["token"]
    events = api.anonymous().get("/accounts/alice/security-events", headers=bearer(token))
    kinds = [event["kind"] for event in events.json()["events"]]
    assert kinds == ["sign_in_locked"] + ["sign_in_failed"] * 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customer_id": "", "password": PASSWORD}, "customer_id"),
        ({"customer_id": "a" * 65, "password": PASSWORD}, "customer_id"),
        ({"customer_id": "alice/../bob", "password": PASSWORD}, "customer_id"),
        ({"customer_id": "ålice", "password": PASSWORD}, "customer_id"),
        ({"customer_id": "-alice", "password": PASSWORD}, "customer_id"),
        ({"customer_id": "alice", "password": "abc"}, "password"),
        ({"customer_id": "alice", "password": "x" * 129}, "password"),
        ({"customer_id": "alice", "password": 12345678}, "password"),
        ({"customer_id": "alice"}, "password"),
    ],
)
def test_bad_sign_ins_are_422_naming_the_field(
    api: Api, body: dict[str, object], field: str
) -> None:
    response = api.anonymous().post("/identity/sign-in", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_request", field)
    assert "wonderland" not in response.text


def test_the_password_is_stored_hashed_and_never_logged(
    api: Api, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    sign_in(api, "alice", PASSWORD)
    sign_in(api, "alice", "not-" + PASSWORD)
    for record in caplog.records:
        assert PASSWORD not in record.getMessage()
    engine = create_engine(settings.resolved_database_url())
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM credentials")).scalar_one()
        events = connection.execute(text("SELECT details FROM security_events")).scalars().all()
    engine.dispose()
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    assert all(PASSWORD not in str(details) for details in events)


def forged(settings: Settings, **changes: object) -> str:
    now = int(time.time())
    claims = {
        "sub": "alice",
        "iss": "orderly-sandbox",
        "aud": "orderly",
        "iat": now,
        "exp": now + 60,
    }
    claims.update(changes)
    secret = str(claims.pop("secret", settings.jwt_secret))
    algorithm = str(claims.pop("alg", "HS256"))
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, secret, algorithm)


# Signing with HS512 under our 43-character key is the point of one case: PyJWT warns.
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"exp": int(time.time()) - 1}, "token_expired"),
        ({"secret": new_secret()}, "invalid_token"),
        ({"aud": "someone-else"}, "invalid_token"),
        ({"iss": "evil"}, "invalid_token"),
        ({"exp": None}, "invalid_token"),
        ({"sub": "bad id!"}, "invalid_token"),
        ({"alg": "HS512"}, "invalid_token"),
    ],
)
def test_tokens_that_do_not_verify_are_401(
    api: Api, settings: Settings, changes: dict[str, object], reason: str
) -> None:
    token = forged(settings, **changes)
    response = api.anonymous().get("/orders", headers=bearer(token))
    assert response.status_code == 401
    error = response.json()["error"]
    assert (error["code"], error["reason"]) == ("unauthorized", reason)


def test_a_token_without_signature_is_401(api: Api, settings: Settings) -> None:
    unsigned = jwt.encode(
        {"sub": "alice", "iss": "orderly-sandbox", "aud": "orderly", "iat": 1, "exp": 2**40},
        key=None,
        algorithm="none",
    )
    assert api.anonymous().get("/orders", headers=bearer(unsigned)).status_code == 401
    assert api.anonymous().get("/orders", headers=bearer(forged(settings))).status_code == 200


def test_the_service_token_must_name_a_valid_customer(api: Api) -> None:
    client = api.anonymous()
    unnamed = client.get("/orders", headers=bearer(api.service_token))
    assert (unnamed.status_code, unnamed.json()["error"]["reason"]) == (
        401,
        "customer_not_named",
    )
    bad = client.get("/orders", headers=service_headers(api.service_token, "x/../y"))
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "X-Orderly-Customer")
    wrong = client.get("/orders", headers=service_headers(new_secret(), "alice"))
    assert wrong.status_code == 401
    assert client.get("/orders", headers=service_headers(api.service_token, "alice")).json() == {
        "orders": []
    }


def test_a_customer_token_cannot_name_another_customer(api: Api) -> None:
    token = api.sign_in("bob")
    response = api.anonymous().get(
        "/orders", headers={**bearer(token), "X-Orderly-Customer": "alice"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")


def test_orders_in_a_body_are_the_callers_own(api: Api) -> None:
    token = api.sign_in("bob")
    body = {"customer_id": "alice", "merchant_id": "golden-crumb", "items": [{"sku": "cola"}]}
    response = api.anonymous().post("/orders", json=body, headers=bearer(token))
    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")
    handoff = api.anonymous().post(
        "/handoffs", json={"customer_id": "alice", "reason": "r"}, headers=bearer(token)
    )
    assert handoff.status_code == 403


CUSTOMER_ENDPOINTS = [
    ("GET", "/accounts/u1", None),
    ("GET", "/accounts/u1/security-events", None),
    ("POST", "/accounts/u1/pin-verifications", {"order_id": "1001", "pin": "246810"}),
    ("GET", "/orders", None),
    ("POST", "/orders", {"merchant_id": "golden-crumb", "items": [{"sku": "cola"}]}),
    ("GET", "/orders/1001", None),
    ("POST", "/orders/1001/cancel", None),
    ("GET", "/payments?order_id=1001", None),
    ("POST", "/payments", {"order_id": "1001", "confirmation_token": "t", "amount": 700}),
    ("GET", "/handoffs", None),
    ("GET", "/handoffs/h_0", None),
    ("POST", "/handoffs", {"reason": "r"}),
]


@pytest.mark.parametrize(("method", "path", "body"), CUSTOMER_ENDPOINTS)
def test_every_customer_endpoint_needs_a_credential(
    api: Api, method: str, path: str, body: dict[str, object] | None
) -> None:
    api.order()  # order 1001 of u1 exists
    response = api.anonymous().request(
        method, path, json=body, headers={"Idempotency-Key": "k", "X-Orderly-Customer": "u1"}
    )
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    "path",
    ["/health", "/merchants", "/merchants/golden-crumb/menu", "/merchants/golden-crumb/stores"],
)
def test_the_catalogue_stays_public(api: Api, path: str) -> None:
    assert api.anonymous().get(path).status_code == 200


def test_secrets_must_be_long_and_are_never_echoed() -> None:
    short = "s" * 31
    for variable in ("ORDERLY_JWT_SECRET", "ORDERLY_SERVICE_TOKEN"):
        with pytest.raises(SettingsError, match=variable) as raised:
            Settings.from_env({variable: short})
        assert short not in str(raised.value)
    secret = new_secret()
    settings = Settings.from_env({"ORDERLY_JWT_SECRET": secret, "ORDERLY_SERVICE_TOKEN": secret})
    assert secret not in repr(settings)


def test_sqlite_runs_with_wal_and_a_busy_timeout(api: Api, settings: Settings) -> None:
    api.order()
    with api.app.state.runtime.database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    database = sqlite3.connect(settings.data_dir / "merchant.sqlite3")
    assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # kept in the file
    database.close()
