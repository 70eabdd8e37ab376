"""What the customer is told after the store acts: `POST /notifications/claim`.

Each change the store (or the platform's window) makes reaches the customer once, whoever
claims first; the customer's own pay and cancel are never repeated to them; nobody else
hears of it; and staff and customer tokens each stay on their own side.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from merchant_harness import Api, bearer
from test_merchant_store_side import paid_order, press, sign_in_staff

CLAIM = "/notifications/claim"


def told(api: Api, token: str, wait: float = 0.0) -> list[tuple[str, str]]:
    """What a client of the token's customer is handed now: (order, status) pairs."""
    response = api.anonymous().post(CLAIM, params={"wait": wait}, headers=bearer(token))
    assert response.status_code == 200, response.text
    return [(n["order_id"], n["status"]) for n in response.json()["notifications"]]


@pytest.fixture
def customer(api: Api) -> str:
    return api.sign_up("mei")


def mei_order(api: Api) -> dict[str, Any]:
    return paid_order(api, customer_id="mei")


def test_each_thing_the_store_does_is_told_to_the_customer_once(api: Api, customer: str) -> None:
    staff = sign_in_staff(api)
    order = mei_order(api)
    assert told(api, customer) == []  # paying was the customer's own doing
    for action, status in [
        ("accept", "accepted"),
        ("start", "preparing"),
        ("ready", "ready"),
        ("collected", "collected"),
    ]:
        assert press(api, staff, order, action).status_code == 200
        assert told(api, customer) == [(order["id"], status)]
        assert told(api, customer) == []


def test_a_rejected_order_is_told_as_refunded(api: Api, customer: str) -> None:
    staff = sign_in_staff(api)
    order = mei_order(api)
    assert press(api, staff, order, "reject").status_code == 200
    assert told(api, customer) == [(order["id"], "refunded")]


def test_an_order_left_at_the_counter_is_told_as_uncollected(api: Api, customer: str) -> None:
    staff = sign_in_staff(api)
    order = mei_order(api)
    press(api, staff, order, "accept")
    press(api, staff, order, "ready")
    assert told(api, customer) == [(order["id"], "ready")]
    api.clock.advance(timedelta(minutes=31))
    assert told(api, customer) == [(order["id"], "uncollected")]


def test_the_customers_own_cancel_is_not_told_again(api: Api, customer: str) -> None:
    order = mei_order(api)
    cancelled = api.http.post(f"/orders/{order['id']}/cancel", headers=api.as_customer("mei"))
    assert cancelled.status_code == 200, cancelled.text
    assert told(api, customer) == []


def test_changes_made_while_nobody_listened_are_told_later_once_newest_per_order(
    api: Api, customer: str
) -> None:
    staff = sign_in_staff(api)
    first, second = mei_order(api), mei_order(api)
    for action in ("accept", "start", "ready"):
        press(api, staff, first, action)
    press(api, staff, second, "accept")
    assert told(api, customer) == [(first["id"], "ready"), (second["id"], "accepted")]
    assert told(api, customer) == []


def test_another_customer_never_hears_of_the_order(api: Api, customer: str) -> None:
    staff = sign_in_staff(api)
    stranger = api.sign_up("lin")
    order = mei_order(api)
    press(api, staff, order, "accept")
    assert told(api, stranger) == []
    assert told(api, customer) == [(order["id"], "accepted")]


def test_a_waiting_claim_answers_as_soon_as_the_store_acts(api: Api, customer: str) -> None:
    staff = sign_in_staff(api)
    order = mei_order(api)
    timer = threading.Timer(0.5, press, (api, staff, order, "accept"))
    started = time.monotonic()
    timer.start()
    try:
        assert told(api, customer, wait=10) == [(order["id"], "accepted")]
    finally:
        timer.join()
    assert time.monotonic() - started < 5


def test_a_waiting_claim_with_nothing_to_tell_ends_empty_after_its_wait(
    api: Api, customer: str
) -> None:
    started = time.monotonic()
    assert told(api, customer, wait=0.6) == []
    assert 0.5 <= time.monotonic() - started < 5


def test_a_staff_token_cannot_read_a_customers_notifications(api: Api, customer: str) -> None:
    staff = sign_in_staff(api)
    response = api.anonymous().post(CLAIM, headers=bearer(staff))
    assert response.status_code == 401
    with_customer = api.anonymous().post(
        CLAIM, headers={**bearer(staff), "X-Orderly-Customer": "mei"}
    )
    assert with_customer.status_code in (401, 403)


def test_a_customer_token_cannot_read_the_stores_feed(api: Api, customer: str) -> None:
    for path in ("/staff/orders/stream", "/staff/orders"):
        response = api.anonymous().get(
            path, params={"store_id": "gc-peoples-square"}, headers=bearer(customer)
        )
        assert response.status_code == 401, path


def test_without_a_credential_nothing_is_told(api: Api) -> None:
    assert api.anonymous().post(CLAIM).status_code == 401


def test_two_processes_claiming_at_once_each_change_goes_to_exactly_one(any_api: Api) -> None:
    customer = any_api.sign_up("mei")
    staff = sign_in_staff(any_api)
    orders = [paid_order(any_api, customer_id="mei") for _ in range(4)]
    for order in orders:
        press(any_api, staff, order, "accept")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: told(any_api, customer), range(4)))
    handed = sorted(pair for result in results for pair in result)
    assert handed == sorted((order["id"], "accepted") for order in orders)
