"""After the customer pays: the store accepts, prepares, marks ready, hands over; or rejects.

Each transition is tested as staff meet it (the staff routes with a staff token) and as the
customer sees it (`GET /orders/{id}`); each writes one `order_events` row.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from merchant_harness import Api, bearer
from sqlalchemy import select

from merchant import models
from merchant.staff import add_staff

STORE = "gc-peoples-square"
OTHER_STORE = "gc-jingan-temple"
PASSWORD = "counter-password"


def sign_in_staff(api: Api, staff_id: str = "ana", stores: tuple[str, ...] = (STORE,)) -> str:
    add_staff(api.app.state.runtime, staff_id, list(stores), PASSWORD)
    response = api.anonymous().post(
        "/identity/staff/sign-in", json={"staff_id": staff_id, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def paid_order(api: Api, **fields: Any) -> dict[str, Any]:
    order = api.order(**fields)
    assert api.pay(order).status_code == 201
    return order


def press(api: Api, token: str, order: dict[str, Any], action: str) -> Any:
    return api.anonymous().post(f"/staff/orders/{order['id']}/{action}", headers=bearer(token))


def customer_view(api: Api, order: dict[str, Any]) -> dict[str, Any]:
    return dict(api.http.get(f"/orders/{order['id']}").json())


def events(api: Api, order: dict[str, Any]) -> list[str]:
    with api.app.state.runtime.database.sessions() as session:
        query = (
            select(models.OrderEvent)
            .where(models.OrderEvent.order_number == int(order["id"]))
            .order_by(models.OrderEvent.id)
        )
        rows = list(session.scalars(query))
    assert all(row.customer_id == "u1" for row in rows)
    return [row.status for row in rows]


def test_payment_gives_a_short_pickup_code_the_customer_sees(api: Api) -> None:
    order = api.order()
    assert order["pickup_code"] is None
    assert api.pay(order).status_code == 201
    seen = customer_view(api, order)
    assert seen["status"] == "paid"
    assert len(seen["pickup_code"]) == 3 and seen["pickup_code"].isdigit()
    assert seen["ready_at"] == seen["pickup_time"]


def test_pickup_codes_differ_within_a_store_and_day(api: Api) -> None:
    codes = {customer_view(api, paid_order(api))["pickup_code"] for _ in range(25)}
    assert len(codes) == 25


def test_the_order_goes_from_paid_to_collected_and_the_customer_sees_each_step(
    any_api: Api,
) -> None:
    token = sign_in_staff(any_api)
    order = paid_order(any_api)
    for action, status in [
        ("accept", "accepted"),
        ("start", "preparing"),
        ("ready", "ready"),
        ("collected", "collected"),
    ]:
        response = press(any_api, token, order, action)
        assert (response.status_code, response.json()["status"]) == (200, status)
        assert customer_view(any_api, order)["status"] == status
    assert events(any_api, order) == ["paid", "accepted", "preparing", "ready", "collected"]


def test_a_retried_transition_answers_the_order_as_it_is_and_changes_nothing(api: Api) -> None:
    token = sign_in_staff(api)
    order = paid_order(api)
    first = press(api, token, order, "accept")
    again = press(api, token, order, "accept")
    assert (again.status_code, again.json()) == (200, first.json())
    assert events(api, order) == ["paid", "accepted"]


def test_two_staff_pressing_ready_at_once_make_one_transition(any_api: Api) -> None:
    ana, ben = sign_in_staff(any_api, "ana"), sign_in_staff(any_api, "ben")
    order = paid_order(any_api)
    assert press(any_api, ana, order, "accept").status_code == 200
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda token: press(any_api, token, order, "ready"), [ana, ben]))
    assert [(a.status_code, a.json()["status"]) for a in answers] == [(200, "ready")] * 2
    assert events(any_api, order) == ["paid", "accepted", "ready"]


def test_a_transition_from_the_wrong_state_is_refused_naming_the_current_one(api: Api) -> None:
    token = sign_in_staff(api)
    order = paid_order(api)
    response = press(api, token, order, "collected")
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["status"]) == (409, "wrong_state", "paid")
    assert "is paid" in error["message"]
    assert customer_view(api, order)["status"] == "paid"


@pytest.mark.parametrize("accepted_first", [False, True])
def test_rejecting_a_paid_order_refunds_the_customer_at_once(
    any_api: Api, accepted_first: bool
) -> None:
    token = sign_in_staff(any_api)
    before = any_api.balance()
    order = paid_order(any_api)
    if accepted_first:
        press(any_api, token, order, "accept")
    response = press(any_api, token, order, "reject")
    assert (response.status_code, response.json()["status"]) == (200, "refunded")
    assert any_api.balance() == before
    payments = any_api.http.get("/payments", params={"order_id": order["id"]}).json()["payments"]
    assert [p["status"] for p in payments] == ["refunded"]
    assert events(any_api, order)[-1] == "refunded"
    # Rejecting again, or the customer cancelling now, refunds nothing twice.
    assert press(any_api, token, order, "reject").status_code == 200
    assert any_api.http.post(f"/orders/{order['id']}/cancel").status_code == 200
    assert any_api.balance() == before


def test_once_preparing_the_store_can_no_longer_reject(api: Api) -> None:
    token = sign_in_staff(api)
    order = paid_order(api)
    press(api, token, order, "accept")
    press(api, token, order, "start")
    response = press(api, token, order, "reject")
    assert (response.status_code, response.json()["error"]["status"]) == (409, "preparing")


def test_the_customer_cancels_a_paid_order_until_the_store_accepts_it(api: Api) -> None:
    token = sign_in_staff(api)
    accepted = paid_order(api)
    press(api, token, accepted, "accept")
    refused = api.http.post(f"/orders/{accepted['id']}/cancel")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "wrong_state")
    waiting = paid_order(api)
    cancelled = api.http.post(f"/orders/{waiting['id']}/cancel")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "refunded")
    assert events(api, waiting) == ["paid", "refunded"]


def test_an_order_left_at_the_counter_past_the_window_is_uncollected_and_paid_for(
    api: Api,
) -> None:
    token = sign_in_staff(api)
    before = api.balance()
    order = paid_order(api)
    press(api, token, order, "accept")
    press(api, token, order, "ready")
    api.clock.advance(timedelta(minutes=29))
    assert customer_view(api, order)["status"] == "ready"
    api.clock.advance(timedelta(minutes=1))
    assert customer_view(api, order)["status"] == "uncollected"
    assert api.balance() == before - order["total"]
    assert events(api, order)[-1] == "uncollected"
    listed = api.anonymous().get("/staff/orders", params={"store_id": STORE}, headers=bearer(token))
    assert listed.json()["orders"] == []
    late = press(api, token, order, "collected")
    assert (late.status_code, late.json()["error"]["status"]) == (409, "uncollected")


def test_staff_list_the_open_orders_oldest_first_with_what_to_make(api: Api) -> None:
    token = sign_in_staff(api, stores=("ck-xintiandi",))
    first = paid_order(
        api,
        merchant_id="copper-kettle",
        store_id="ck-xintiandi",
        items=[{"sku": "latte", "options": {"milk": "oat"}}],
    )
    second = paid_order(
        api, merchant_id="copper-kettle", store_id="ck-xintiandi", items=[{"sku": "latte"}]
    )
    api.order(merchant_id="copper-kettle", store_id="ck-xintiandi", items=[{"sku": "latte"}])
    press(api, token, second, "accept")
    response = api.anonymous().get(
        "/staff/orders", params={"store_id": "ck-xintiandi"}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    listed = response.json()["orders"]
    assert [o["id"] for o in listed] == [first["id"], second["id"]]
    assert [o["actions"] for o in listed] == [["accept", "reject"], ["reject", "start", "ready"]]
    milk = next(o for o in listed[0]["items"][0]["options"] if o["group"] == "milk")
    assert milk["choice"] == "oat"
    assert listed[0]["pickup_code"] == customer_view(api, first)["pickup_code"]
    assert "customer_id" not in listed[0]


def test_staff_tokens_and_customer_tokens_never_stand_in_for_each_other(api: Api) -> None:
    staff_token = sign_in_staff(api, "u1")  # even with the same id as a customer
    customer_token = api.sign_up("u9")
    order = paid_order(api)
    stranger = api.anonymous()
    assert stranger.get("/orders", headers=bearer(staff_token)).status_code == 401
    assert stranger.get(f"/orders/{order['id']}", headers=bearer(staff_token)).status_code == 401
    refused = [
        stranger.get("/staff/orders", params={"store_id": STORE}, headers=bearer(customer_token)),
        stranger.post(f"/staff/orders/{order['id']}/accept", headers=bearer(customer_token)),
        stranger.get("/staff/me", headers=bearer(customer_token)),
        stranger.post(f"/staff/orders/{order['id']}/accept", headers=api.as_customer("u1")),
        stranger.post(f"/staff/orders/{order['id']}/accept"),
    ]
    assert [r.status_code for r in refused] == [401] * 5
    assert customer_view(api, order)["status"] == "paid"


def test_staff_of_one_store_cannot_see_or_touch_another_stores_orders(api: Api) -> None:
    token = sign_in_staff(api, "ana", stores=(OTHER_STORE,))
    order = paid_order(api)  # at STORE
    stranger = api.anonymous()
    listed = stranger.get("/staff/orders", params={"store_id": STORE}, headers=bearer(token))
    assert (listed.status_code, listed.json()["error"]["code"]) == (403, "forbidden")
    for action in ("accept", "reject"):
        response = press(api, token, order, action)
        assert (response.status_code, response.json()["error"]["code"]) == (404, "unknown_order")
    assert customer_view(api, order)["status"] == "paid"


def test_a_store_taken_away_from_staff_is_refused_at_once(api: Api) -> None:
    token = sign_in_staff(api, "ana")
    add_staff(api.app.state.runtime, "ana", [OTHER_STORE], PASSWORD)
    order = paid_order(api)
    assert press(api, token, order, "accept").status_code == 404


def test_staff_sign_in_refuses_wrong_passwords_and_is_throttled(api: Api) -> None:
    add_staff(api.app.state.runtime, "ana", [STORE], PASSWORD)
    client = api.anonymous()

    def attempt(staff_id: str, password: str) -> int:
        body = {"staff_id": staff_id, "password": password}
        return client.post("/identity/staff/sign-in", json=body).status_code

    assert [attempt("ana", "wrong-guess") for _ in range(5)] == [401] * 5
    assert attempt("ana", "wrong-guess") == 429
    assert attempt("ana", PASSWORD) == 429  # this client waits for the window
    assert attempt("nobody", "wrong-guess") == 401  # unknown ids answer as wrong passwords


def test_staff_see_who_they_are_and_their_stores(api: Api) -> None:
    token = sign_in_staff(api, "ana", stores=(STORE, OTHER_STORE))
    me = api.anonymous().get("/staff/me", headers=bearer(token)).json()
    assert me["staff_id"] == "ana"
    assert [store["id"] for store in me["stores"]] == [STORE, OTHER_STORE]


def test_the_live_feed_sends_the_stores_open_orders(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from merchant.routes import staff as staff_routes

    monkeypatch.setattr(staff_routes, "FEED_SECONDS", 0.3)
    monkeypatch.setattr(staff_routes, "FEED_POLL_SECONDS", 0.05)
    token = sign_in_staff(api)
    order = paid_order(api)
    client: TestClient = api.anonymous()
    response = client.get("/staff/orders/stream", params={"store_id": STORE}, headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.text.startswith("event: orders\ndata: ")
    assert f'"id": "{order["id"]}"' in response.text
    other = client.get(
        "/staff/orders/stream", params={"store_id": OTHER_STORE}, headers=bearer(token)
    )
    assert other.status_code == 403


def test_the_live_feed_stops_once_the_store_is_taken_away(api: Api) -> None:
    from merchant.routes.staff import _orders_if_changed
    from merchant.staff import StaffMember

    runtime = api.app.state.runtime
    sign_in_staff(api, "ana")
    ana = StaffMember("ana", "staff", (STORE,))
    assert _orders_if_changed(runtime, ana, STORE, None) is not None
    add_staff(runtime, "ana", [OTHER_STORE], PASSWORD)
    assert _orders_if_changed(runtime, ana, STORE, None) is None


def test_the_staff_page_is_served_with_a_strict_content_policy(api: Api) -> None:
    page = api.anonymous().get("/staff")
    assert page.status_code == 200 and "<form" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert api.anonymous().get("/staff/staff.js").status_code == 200


def test_the_operator_adds_staff_from_the_command_line(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from merchant.__main__ import main
    from merchant.db import Database

    monkeypatch.setenv("ORDERLY_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        main(["add-staff", "ana", "--store", STORE, "--store", OTHER_STORE, "--password-stdin"])
        == 0
    )
    assert "staff ana added" in capsys.readouterr().out
    database = Database(f"sqlite:///{tmp_path / 'merchant.sqlite3'}", sqlite_busy_timeout_seconds=5)
    with database.sessions() as session:
        staff = session.get(models.Staff, "ana")
        assert (staff.stores, staff.role) == ([STORE, OTHER_STORE], "staff")
        assert PASSWORD not in staff.password_hash
    database.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["add-staff", "ben", "--store", STORE, "--password-stdin"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["add-staff", "ben", "--store", "nowhere", "--password-stdin"]) == 2
    assert "no store 'nowhere'" in capsys.readouterr().err


def test_a_token_naming_both_audiences_acts_as_neither(api: Api) -> None:
    import time

    import jwt

    sign_in_staff(api, "u1")
    now = int(time.time())
    claims = {"sub": "u1", "iss": "orderly-sandbox", "iat": now, "exp": now + 60}
    both = jwt.encode(
        {**claims, "aud": ["orderly", "orderly-staff"]},
        api.app.state.runtime.jwt_secret,
        algorithm="HS256",
    )
    stranger = api.anonymous()
    assert stranger.get("/orders", headers=bearer(both)).status_code == 401
    assert stranger.get("/staff/me", headers=bearer(both)).status_code == 401
