"""Pickup slots and ready times (issue 17 §4): docs/merchant-api.md "Pickup slots".

Golden Crumb's pack gives every store 6 orders per 10-minute slot and 10 minutes of
preparation; a test that needs a small store sets that store's own capacity, as a pack's
`stores.csv` can. The clock stands at 08:00 (merchant_harness.BREAKFAST_TIME).
"""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from merchant_harness import Api, new_secret
from sqlalchemy import update
from test_merchant_packs import tea_shop

from contracts.merchant_api import SlotFull
from merchant import models
from merchant.app import create_app
from merchant.packs import DEFAULT_PACKS_DIR
from merchant.settings import Settings

STORE = "gc-peoples-square"
EARLY_CLOSING_STORE = "gc-lujiazui"  # 07:00-20:00
PACK_CAPACITY = 6  # packs/golden-crumb/pack.yml
COLA = [{"sku": "cola"}]  # served all day
BREAKFAST = [{"sku": "hash-brown"}]  # 06:00-10:30


def at(clock_time: str) -> str:
    return f"2026-11-24T{clock_time}:00+08:00"


def set_capacity(api: Api, store_id: str, capacity: int) -> None:
    """What a `slot_capacity` column in the pack's stores.csv gives one store."""
    with api.app.state.runtime.database.sessions.begin() as session:
        session.execute(
            update(models.Store).where(models.Store.id == store_id).values(slot_capacity=capacity)
        )


def place(
    api: Api, customer: str, store: str = STORE, items: list[Any] = COLA, **fields: Any
) -> Any:
    return api.http.post(
        "/orders",
        json={"merchant_id": "golden-crumb", "store_id": store, "items": items, **fields},
        headers=api.as_customer(customer),
    )


def booked(api: Api, count: int, pickup_time: str | None, store: str = STORE) -> list[Any]:
    """`count` orders of different customers, each placed and paid."""
    orders = []
    for index in range(count):
        order = api.order(COLA, customer_id=f"c{index}", store_id=store, pickup_time=pickup_time)
        paid = api.pay(order)
        assert paid.status_code == 201, paid.text
        orders.append(order)
    return orders


def refusal(response: Any) -> SlotFull:
    assert response.status_code == 409, response.text
    return SlotFull.parse_obj(response.json()["error"])


def test_a_full_slot_is_refused_with_the_next_free_slots(api: Api) -> None:
    booked(api, PACK_CAPACITY, at("09:00"))
    full = refusal(place(api, "late", pickup_time=at("09:05")))
    assert full.code == "slot_full"
    assert full.field == "pickup_time"
    assert (full.slot_start, full.slot_end, full.capacity) == (at("09:00"), at("09:10"), 6)
    assert full.next_free == [at("09:10"), at("09:20"), at("09:30")]
    assert "09:00" in full.message and "09:10, 09:20 and 09:30" in full.message
    # The next slot takes it; nothing about the refused one was kept.
    assert place(api, "late", pickup_time=at("09:10")).status_code == 201


def test_the_next_free_slots_skip_full_ones_and_stop_at_closing(api: Api) -> None:
    set_capacity(api, EARLY_CLOSING_STORE, 1)
    booked(api, 1, at("19:30"), store=EARLY_CLOSING_STORE)
    booked(api, 1, at("19:40"), store=EARLY_CLOSING_STORE)
    full = refusal(place(api, "late", EARLY_CLOSING_STORE, pickup_time=at("19:30")))
    assert full.next_free == [at("19:50")]  # 19:40 is taken; 20:00 is closing time
    booked(api, 1, at("19:50"), store=EARLY_CLOSING_STORE)
    full = refusal(place(api, "later", EARLY_CLOSING_STORE, pickup_time=at("19:55")))
    assert full.next_free == []
    assert "no free pickup time left today" in full.message


def test_the_next_free_slots_are_ones_the_order_can_be_picked_up_in(api: Api) -> None:
    """A hash brown is breakfast (to 10:30): a slot after breakfast is no alternative."""
    set_capacity(api, STORE, 1)
    booked(api, 1, at("10:20"))
    full = refusal(place(api, "late", items=BREAKFAST, pickup_time=at("10:25")))
    assert full.next_free == []


def test_a_store_of_its_own_capacity(api: Api) -> None:
    set_capacity(api, STORE, 2)
    booked(api, 2, at("09:00"))
    assert refusal(place(api, "third", pickup_time=at("09:00"))).capacity == 2
    # Another store of the merchant keeps the pack's capacity.
    booked(api, PACK_CAPACITY, at("09:00"), store="gc-xujiahui")


def test_an_unpaid_order_holds_its_place_while_its_confirmation_can_pay(api: Api) -> None:
    """The readback promises the time: a second customer cannot take the last place
    between someone's readback and their yes. An order never paid lets go."""
    set_capacity(api, STORE, 1)
    waiting = api.order(customer_id="first", pickup_time=at("09:00"))
    assert refusal(place(api, "second", pickup_time=at("09:00"))).code == "slot_full"
    api.clock.advance(timedelta(seconds=601))  # ORDERLY_CONFIRMATION_TTL_SECONDS
    assert place(api, "second", pickup_time=at("09:00")).status_code == 201
    assert api.pay(waiting).json()["error"]["code"] == "confirmation_expired"


def test_cancelling_or_refunding_frees_the_place(api: Api) -> None:
    set_capacity(api, STORE, 1)
    unpaid = api.order(customer_id="first", pickup_time=at("09:00"))
    api.http.post(f"/orders/{unpaid['id']}/cancel", headers=api.as_customer("first"))
    (paid,) = booked(api, 1, at("09:00"))
    assert refusal(place(api, "other", pickup_time=at("09:00"))).code == "slot_full"
    refunded = api.http.post(f"/orders/{paid['id']}/cancel", headers=api.as_customer("c0"))
    assert refunded.json()["status"] == "refunded"
    assert place(api, "other", pickup_time=at("09:00")).status_code == 201


def test_orders_at_once_cannot_overfill_a_slot(any_api: Api) -> None:
    """Four customers race for the last place. On PostgreSQL, without the store's row lock
    (merchant/pickup_slots.py), two of them got it in every run tried."""
    set_capacity(any_api, STORE, 1)
    racers = 4
    barrier = threading.Barrier(racers)
    results: list[Any] = [None] * racers

    def order(index: int) -> None:
        barrier.wait()
        results[index] = place(any_api, f"racer{index}", pickup_time=at("09:00"))

    threads = [threading.Thread(target=order, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = Counter(
        r.status_code if r.status_code == 201 else r.json()["error"]["code"] for r in results
    )
    assert outcomes == Counter({201: 1, "slot_full": racers - 1})


def test_as_soon_as_possible_is_now_plus_preparation_time(api: Api) -> None:
    order = api.order()
    assert (order["pickup_time"], order["ready_at"]) == (at("08:10"), at("08:10"))


def test_as_soon_as_possible_waits_one_slot_for_each_full_batch_in_the_queue(api: Api) -> None:
    """ready_at = now + prep + slot × (paid-not-ready orders due by then ÷ capacity)."""
    set_capacity(api, STORE, 2)
    first, second = booked(api, 2, None)
    assert [o["pickup_time"] for o in (first, second)] == [at("08:10"), at("08:10")]
    third = api.order(customer_id="third")
    assert third["ready_at"] == at("08:20")
    # An order for later is not in the kitchen's queue now.
    booked(api, 2, at("11:00"))
    assert api.order(customer_id="fourth")["ready_at"] == at("08:20")


def test_the_ready_time_moves_when_the_store_is_busy(api: Api) -> None:
    """At 08:30 the two 08:10 orders are still not ready: the store is behind, and a new
    order waits for them. `GET /orders/{id}` (the status answers) says so too."""
    set_capacity(api, STORE, 2)
    booked(api, 2, None)
    api.clock.advance(timedelta(minutes=30))
    late = api.order(customer_id="late")
    assert late["ready_at"] == at("08:50")  # not 08:40
    assert api.pay(late).status_code == 201
    seen = api.http.get(f"/orders/{late['id']}", headers=api.as_customer("late")).json()
    assert (seen["status"], seen["ready_at"], seen["pickup_time"]) == (
        "paid",
        at("08:50"),
        at("08:50"),
    )


def test_as_soon_as_possible_never_takes_a_full_slot(api: Api) -> None:
    set_capacity(api, STORE, 3)
    booked(api, 3, at("08:15"))  # due after 08:10, so no queue before it
    assert api.order(customer_id="asap")["ready_at"] == at("08:20")


def test_the_ready_time_is_estimated_again_at_payment(api: Api) -> None:
    """Read back at 08:00 as ready at 08:10, paid at 08:09: the kitchen starts at payment."""
    order = api.order()
    assert order["ready_at"] == at("08:10")
    api.clock.advance(timedelta(minutes=9))
    assert api.pay(order).status_code == 201
    seen = api.http.get(f"/orders/{order['id']}").json()
    assert (seen["ready_at"], seen["pickup_time"]) == (at("08:19"), at("08:19"))


def test_an_order_the_store_is_late_with_is_told_a_later_time(api: Api) -> None:
    """At 08:30 the 08:10 orders are still not ready: "ready around 08:10" would be wrong.
    Each read moves a passed estimate to now + one slot per full batch of the store's late
    orders ahead of it (placed before it), plus the slot it is in."""
    set_capacity(api, STORE, 2)
    orders = booked(api, 3, None)  # ready 08:10, 08:10, 08:20
    api.clock.advance(timedelta(minutes=30))

    def seen(index: int) -> Any:
        customer = f"c{index}"
        return api.http.get(f"/orders/{orders[index]['id']}", headers=api.as_customer(customer))

    assert [seen(i).json()["ready_at"] for i in range(3)] == [at("08:40"), at("08:40"), at("08:50")]
    listed = api.http.get("/orders", headers=api.as_customer("c2")).json()["orders"]
    assert [order["ready_at"] for order in listed] == [at("08:50")]
    # Not yet passed: an estimate is left as it is.
    api.clock.advance(timedelta(minutes=5))
    assert seen(2).json()["ready_at"] == at("08:50")


def test_one_customer_cannot_hold_a_stores_slots_with_unpaid_orders(api: Api) -> None:
    """Only a customer's newest unpaid order holds a place (the assistant reads back one
    order at a time), so placing and never paying cannot block a store's day."""
    set_capacity(api, STORE, 1)
    for clock_time in ("09:00", "09:10", "09:20"):
        assert place(api, "hoarder", pickup_time=at(clock_time)).status_code == 201
    assert place(api, "other", pickup_time=at("09:00")).status_code == 201
    assert place(api, "another", pickup_time=at("09:10")).status_code == 201
    assert refusal(place(api, "third", pickup_time=at("09:20"))).code == "slot_full"


def test_a_packs_own_pickup_rules_and_a_stores_own_capacity_from_its_feed(tmp_path: Path) -> None:
    """The tea shop of tests/merchant/test_merchant_packs.py, copied from the template
    (`pickup: {slot_capacity: 4, prep_minutes: 5}`), its one store given `slot_capacity` 1 in
    its stores.csv, as a merchant would write it."""
    packs = tmp_path / "packs"
    shutil.copytree(DEFAULT_PACKS_DIR, packs)
    feed = tea_shop(packs) / "stores.csv"
    header, row = feed.read_text(encoding="utf-8").splitlines()
    feed.write_text(f"{header},slot_capacity\n{row},1\n", encoding="utf-8")
    secret = new_secret()
    settings = Settings(
        data_dir=tmp_path / "data",
        packs_dir=packs,
        jwt_secret=new_secret(),
        service_token=secret,
        fixed_now=at("10:00"),
    )
    with TestClient(create_app(settings)) as client:

        def order(customer: str, pickup_time: str | None) -> Any:
            return client.post(
                "/orders",
                json={"merchant_id": "jade-leaf", "items": [{"sku": "oolong"}],
                      "pickup_time": pickup_time},
                headers={"Authorization": f"Bearer {secret}", "X-Orderly-Customer": customer},
            )  # fmt: skip

        first = order("first", None)
        assert first.json()["ready_at"] == at("10:05")  # the template's prep_minutes
        assert refusal(order("second", at("10:05"))).capacity == 1
