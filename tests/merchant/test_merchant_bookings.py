"""Harbour Inn, the booking merchant (issue 17 §3): availability with prices, a stay booked and
paid through the same order and payment path as a breakfast (readback token, limits, PIN),
the last room taken by one payment only, a full night answered with alternatives, and the
free-cancellation window."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from merchant_harness import Api
from test_merchant_payments import run_together

HOTEL = "hi-west-lake"  # Hangzhou
PIN = "4321"
START_BALANCE = 50_000
# The platform's clock in these tests: Tuesday 24 November 2026, 08:00 in Shanghai.
FRIDAY = "2026-11-27"


def stay(
    room: str = "twin",
    check_in: str = FRIDAY,
    nights: int = 2,
    guests: int = 2,
    hotel: str = HOTEL,
) -> dict[str, Any]:
    """The body of `POST /orders` for one stay."""
    return {
        "merchant_id": "harbour-inn",
        "store_id": hotel,
        "items": [
            {
                "sku": room,
                "options": {"check_in": check_in, "nights": str(nights), "guests": str(guests)},
            }
        ],
    }


def book(api: Api, customer: str = "u1", **fields: Any) -> Any:
    body = {**stay(**fields), "customer_id": customer}
    return api.http.post("/orders", json=body, headers=api.as_customer(customer))


def book_and_pay(api: Api, customer: str = "u1", **fields: Any) -> Any:
    """Book and pay with the customer's PIN (every stay is over the no-PIN limit)."""
    api.set_pin(PIN, customer)
    placed = book(api, customer, **fields)
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert api.verify_pin(order, PIN, customer).status_code == 200
    return order, api.pay(order)


def search(api: Api, **params: Any) -> Any:
    query = {"check_in": FRIDAY, "nights": 2, "guests": 2, **params}
    return api.http.get("/merchants/harbour-inn/stays", params=query)


def test_a_city_search_answers_every_free_room_with_its_total(api: Api) -> None:
    response = search(api, city="Hangzhou")
    assert response.status_code == 200, response.text
    offers = response.json()["offers"]
    assert {offer["city"] for offer in offers} == {"Hangzhou"}
    assert len({offer["hotel_id"] for offer in offers}) == 4
    twin = next(o for o in offers if (o["hotel_id"], o["room_type"]) == (HOTEL, "twin"))
    assert twin == {
        "hotel_id": HOTEL,
        "hotel_name": "Harbour Inn West Lake",
        "city": "Hangzhou",
        "room_type": "twin",
        "room_name": "Twin Room",
        "check_in": FRIDAY,
        "check_out": "2026-11-29",
        "nights": 2,
        "guests": 2,
        "price_per_night": 21800,
        "total": 43600,
        "rooms_left": 6,
    }


def test_a_search_refuses_bad_input_naming_the_parameter(api: Api) -> None:
    past = search(api, check_in="2026-11-01")
    assert (past.status_code, past.json()["error"]["code"]) == (422, "invalid_stay")
    assert "has passed" in past.json()["error"]["message"]
    assert search(api, check_in="friday").status_code == 422
    assert search(api, nights=31).json()["error"]["message"] == "A booking is 1 to 30 nights."
    unknown = search(api, hotel_id="hi-nowhere")
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (404, "hotel_id")


def test_a_stay_is_an_order_whose_one_line_holds_the_dates(api: Api) -> None:
    order, paid = book_and_pay(api)
    assert paid.status_code == 201, paid.text
    assert (order["store_name"], order["total"], order["asap"]) == (
        "Harbour Inn West Lake",
        43600,
        False,
    )
    assert order["pickup_time"] == "2026-11-27T14:00:00+08:00"  # check-in
    (line,) = order["items"]
    assert (line["sku"], line["quantity"], line["unit_price"]) == ("twin", 2, 21800)
    assert {o["group"]: o["choice"] for o in line["options"]} == {
        "check_in": FRIDAY,
        "nights": "2",
        "guests": "2",
        "room_type": "twin",
    }
    assert order["stay"] == {
        "hotel_id": HOTEL,
        "room_type": "twin",
        "check_in": FRIDAY,
        "check_out": "2026-11-29",
        "nights": 2,
        "guests": 2,
        "free_cancel_until": "2026-11-26T14:00:00+08:00",
    }
    assert api.balance() == START_BALANCE - 43600
    left = search(api, hotel_id=HOTEL, room_type="twin").json()["offers"][0]["rooms_left"]
    assert left == 5


def test_a_stay_over_the_no_pin_limit_needs_the_pin(api: Api) -> None:
    api.set_pin(PIN)
    order = book(api).json()
    refused = api.pay(order)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "pin_required")
    assert api.balance() == START_BALANCE
    unconfirmed = api.http.post(
        "/payments",
        json={"order_id": order["id"], "amount": order["total"]},
        headers={"Idempotency-Key": "no-token"},
    )
    assert unconfirmed.json()["error"]["code"] == "confirmation_required"


def test_bad_stays_are_refused_with_the_field(api: Api) -> None:
    cases = {
        "items.0.options.check_in": stay(check_in="27/11/2026"),
        "items.0.options.nights": stay(nights=0),
        "items.0.options.guests": stay(room="twin", guests=3),
        "items.0.sku": stay(room="penthouse"),
    }
    for field, body in cases.items():
        response = api.http.post("/orders", json=body)
        assert response.json()["error"]["field"] == field, (field, response.text)
    no_hotel = {**stay(), "store_id": None}
    assert api.http.post("/orders", json=no_hotel).json()["error"]["field"] == "store_id"
    two = {**stay(), "items": stay()["items"] * 2}
    assert api.http.post("/orders", json=two).json()["error"]["field"] == "items"


def test_two_customers_paying_for_the_last_room_one_gets_it(any_api: Api) -> None:
    # The West Lake hotel has two King Suites; one is taken.
    _, first = book_and_pay(any_api, "early", room="king-suite", nights=1)
    assert first.status_code == 201, first.text
    orders = []
    for customer in ("ann", "bob"):
        any_api.set_pin(PIN, customer)
        order = book(any_api, customer, room="king-suite", nights=1).json()
        assert any_api.verify_pin(order, PIN, customer).status_code == 200
        orders.append(order)
    paid = run_together(2, lambda i: any_api.pay(orders[i]))
    assert sorted(response.status_code for response in paid) == [201, 409]
    refused = next(response.json() for response in paid if response.status_code == 409)
    assert refused["error"]["code"] == "room_unavailable"
    balances = sorted(any_api.balance(customer) for customer in ("ann", "bob"))
    assert balances == [START_BALANCE - 46800, START_BALANCE]  # the loser paid nothing
    assert search(any_api, hotel_id=HOTEL, room_type="king-suite", nights=1).json()["offers"] == []


def test_a_full_night_is_refused_with_the_nearest_alternatives(api: Api) -> None:
    for customer in ("k1", "k2"):
        _, paid = book_and_pay(api, customer, room="king-suite", nights=1, guests=3)
        assert paid.status_code == 201, paid.text
    refused = book(api, room="king-suite", nights=2, guests=3)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert (error["code"], error["message"]) == (
        "room_unavailable",
        "Harbour Inn West Lake has no King Suite free for 2 nights from Fri 27 Nov.",
    )
    # No other room sleeps three: the nearest Hangzhou hotel first, then other dates.
    hotels_and_dates = [(alt["hotel_id"], alt["check_in"]) for alt in error["alternatives"]]
    assert hotels_and_dates[0] == ("hi-hefang", FRIDAY)
    assert ("hi-west-lake", "2026-11-28") in hotels_and_dates
    # For two guests, a twin at the same hotel comes first.
    for_two = book(api, room="king-suite", nights=1, guests=2).json()["error"]["alternatives"]
    assert (for_two[0]["hotel_id"], for_two[0]["room_type"]) == (HOTEL, "standard-double")
    search_answer = search(api, hotel_id=HOTEL, room_type="king-suite", nights=1, guests=3)
    assert search_answer.json()["offers"] == []
    assert search_answer.json()["alternatives"][0]["hotel_id"] == "hi-hefang"


def test_cancelling_inside_the_window_refunds_and_frees_the_room(api: Api) -> None:
    order, _ = book_and_pay(api, room="king-suite", nights=1)
    cancelled = api.http.post(f"/orders/{order['id']}/cancel")
    assert cancelled.json()["status"] == "refunded"
    assert api.balance() == START_BALANCE
    left = search(api, hotel_id=HOTEL, room_type="king-suite", nights=1)
    assert left.json()["offers"][0]["rooms_left"] == 2


def test_cancelling_after_the_window_is_refused_and_keeps_the_booking(api: Api) -> None:
    order, _ = book_and_pay(api)
    # Free cancellation ends 24 hours before check-in: Thursday 14:00.
    api.clock.set(api.clock.now().replace(day=26, hour=14, minute=0))
    refused = api.http.post(f"/orders/{order['id']}/cancel")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "cancellation_window_closed"
    assert error["message"].startswith(
        f"Booking {order['id']} could be cancelled free of charge until 14:00 on Thu 26 Nov"
    )
    assert api.balance() == START_BALANCE - 43600
    assert api.http.get(f"/orders/{order['id']}").json()["status"] == "paid"
    api.clock.advance(-timedelta(minutes=1))  # a minute before the deadline it was still free
    assert api.http.post(f"/orders/{order['id']}/cancel").json()["status"] == "refunded"


def test_alternatives_offer_only_dates_that_can_be_booked(api: Api) -> None:
    last = "2027-11-24"  # ORDERLY_MAX_BOOKING_DAYS_AHEAD (365) from the platform's day
    for customer in ("k1", "k2"):
        _, paid = book_and_pay(api, customer, room="king-suite", check_in=last, nights=1)
        assert paid.status_code == 201, paid.text
    refused = book(api, room="king-suite", check_in=last, nights=1, guests=3)
    days = {alt["check_in"] for alt in refused.json()["error"]["alternatives"]}
    assert days and max(days) <= last, days
