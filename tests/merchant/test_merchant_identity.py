"""Sign-up, sign-in, customer tokens and the service credential."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jwt
import pytest
from httpx import Response
from merchant_harness import Api, bearer, new_secret, service_headers
from sqlalchemy import create_engine, text

from merchant import identity
from merchant.app import create_app
from merchant.settings import Settings, SettingsError

PASSWORD = "wonderland"


def sign_up(api: Api, customer_id: str, password: str) -> Response:
    return api.anonymous().post(
        "/identity/sign-up", json={"customer_id": customer_id, "password": password}
    )


def sign_in(api: Api, customer_id: str, password: str) -> Response:
    return api.anonymous().post(
        "/identity/sign-in", json={"customer_id": customer_id, "password": password}
    )


def test_sign_up_creates_the_account_and_issues_a_token(api: Api, settings: Settings) -> None:
    response = sign_up(api, "alice", PASSWORD)
    assert response.status_code == 201
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
    assert (account["voice_pay_limit"], account["pin_set"]) == (10_000, False)


def test_sign_in_checks_the_password_and_never_creates_anyone(api: Api) -> None:
    assert sign_in(api, "alice", PASSWORD).status_code == 401
    assert sign_up(api, "alice", PASSWORD).status_code == 201
    assert sign_in(api, "alice", PASSWORD).status_code == 200
    wrong = sign_in(api, "alice", "wonderland!")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_credentials"


def test_sign_in_answers_an_unknown_id_exactly_like_a_wrong_password(api: Api) -> None:
    sign_up(api, "alice", PASSWORD)
    known = [sign_in(api, "alice", f"guess-{n}") for n in range(6)]
    unknown = [sign_in(api, "nobody-here", f"guess-{n}") for n in range(6)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [without_wait(r.json()) for r in known] == [without_wait(r.json()) for r in unknown]
    assert known[-1].status_code == 429  # throttled alike, too
    # The waits alike too, to the second: the two bursts may fall either side of a tick.
    waits = [(wait_of(k.json()), wait_of(u.json())) for k, u in zip(known, unknown, strict=True)]
    assert all((k is None) == (u is None) for k, u in waits), waits
    assert all(abs(k - u) <= 1 for k, u in waits if k is not None and u is not None), waits


def without_wait(body: Any) -> Any:
    """An answer with any ``retry_after`` taken out (it counts down between two calls)."""
    if isinstance(body, dict):
        return {k: without_wait(v) for k, v in body.items() if k != "retry_after"}
    return body


def wait_of(body: Any) -> int | None:
    if isinstance(body, dict):
        if "retry_after" in body:
            return int(body["retry_after"])
        return next((w for w in map(wait_of, body.values()) if w is not None), None)
    return None


def test_a_taken_id_cannot_be_signed_up_again(api: Api) -> None:
    assert sign_up(api, "alice", PASSWORD).status_code == 201
    again = sign_up(api, "alice", "my own password")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "customer_id_taken")
    assert sign_in(api, "alice", "my own password").status_code == 401


def test_an_account_the_service_created_never_gets_a_sandbox_password(any_api: Api) -> None:
    """The OIDC claim, after the customer's first visit: the action server created the
    account (acting for a customer the identity provider vouched for); a stranger's
    sign-up or sign-in with any password must not make it theirs."""
    assert any_api.balance("oidc-customer") == 50_000
    claim = sign_up(any_api, "oidc-customer", "anything at all")
    assert (claim.status_code, claim.json()["error"]["code"]) == (409, "customer_id_taken")
    assert sign_in(any_api, "oidc-customer", "anything at all").status_code == 401


def test_with_an_identity_provider_the_sandbox_creates_and_signs_in_nobody(
    settings: Settings,
) -> None:
    """The OIDC claim before the customer's first visit: no account exists to refuse."""
    provider = settings.replace(jwks_url="https://login.example/.well-known/jwks.json")
    with Api(create_app(provider)) as api:
        for path in ("/identity/sign-up", "/identity/sign-in"):
            response = api.anonymous().post(
                path, json={"customer_id": "oidc-customer", "password": PASSWORD}
            )
            error = response.json()["error"]
            assert (response.status_code, error["code"]) == (404, "sandbox_identity_off")
        assert api.balance("oidc-customer") == 50_000  # the service still acts for them


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
@pytest.mark.parametrize("path", ["/identity/sign-in", "/identity/sign-up"])
def test_bad_sign_ins_are_422_naming_the_field(
    api: Api, body: dict[str, object], field: str, path: str
) -> None:
    response = api.anonymous().post(path, json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_request", field)
    assert "wonderland" not in response.text


def test_the_password_is_stored_hashed_and_never_logged(
    api: Api, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    sign_up(api, "alice", PASSWORD)
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
    token = api.sign_up("bob")
    response = api.anonymous().get(
        "/orders", headers={**bearer(token), "X-Orderly-Customer": "alice"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")


def test_orders_in_a_body_are_the_callers_own(api: Api) -> None:
    token = api.sign_up("bob")
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
    ("POST", "/accounts/u1/pin-verifications", {"order_id": "1001", "pin": "9173"}),
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


def test_an_order_goes_through_while_a_sign_up_is_hashing(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hashing is slow on purpose, so it runs outside any transaction: on SQLite a
    transaction holds the one write lock, and an order waiting behind a hash past the busy
    timeout was answered 500 ("database is locked"). The hash is held here until the
    order is done, so this holds however loaded the machine is."""
    hashing, order_done = threading.Event(), threading.Event()
    real_hash = identity.hash_secret

    def held_hash(secret: str) -> str:
        hashing.set()
        order_done.wait(timeout=30)
        return real_hash(secret)

    monkeypatch.setattr(identity, "hash_secret", held_hash)
    settings = settings.copy(update={"sqlite_busy_timeout_seconds": 1})
    with Api(create_app(settings)) as api, ThreadPoolExecutor(max_workers=1) as pool:
        signing_up = pool.submit(sign_up, api, "hashing-slowly", PASSWORD)
        assert hashing.wait(timeout=30)
        try:
            ordered = api.http.post(
                "/orders",
                json={
                    "customer_id": "u1",
                    "merchant_id": "golden-crumb",
                    "store_id": "gc-jingan-temple",
                    "items": [{"sku": "hash-brown", "quantity": 1}],
                },
                headers={"Idempotency-Key": "order-while-hashing"},
            )
        finally:
            order_done.set()
        assert ordered.status_code == 201, ordered.text
        assert signing_up.result(timeout=30).status_code == 201
        assert sign_in(api, "hashing-slowly", PASSWORD).status_code == 200
