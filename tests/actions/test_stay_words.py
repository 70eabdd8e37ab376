"""Reading a stay from what the customer said (actions/stay_words.py), relative to their day:
Tuesday 8 December 2026 here. Pure: no merchant, no model."""

from __future__ import annotations

from datetime import date

import pytest

from actions.merchants.backend import MenuItem, Store
from actions.stay_words import bare_count, chosen_place, read_stay_words

TODAY = date(2026, 12, 8)  # a Tuesday
HOTELS = [
    Store("hi-west-lake", "Harbour Inn West Lake", "", "00:00", "23:59", True,
          aliases=("west lake", "xihu"), city="Hangzhou", landmarks=("Leifeng Pagoda",)),
    Store("hi-beijing-road", "Harbour Inn Beijing Road", "", "00:00", "23:59", True,
          aliases=("beijing road",), city="Guangzhou"),
    Store("hi-houhai", "Harbour Inn Houhai", "", "00:00", "23:59", True, city="Beijing"),
]  # fmt: skip
ROOMS = [
    MenuItem("twin", "Twin Room", "room", "all_day", 21800, True, aliases=("twin", "two beds")),
    MenuItem("king-suite", "King Suite", "room", "all_day", 46800, True, aliases=("suite",)),
]


def said(text: str) -> dict[str, object]:
    return read_stay_words(text, TODAY, HOTELS, ROOMS).said()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("book a room in Hangzhou for this Friday, two nights",
         {"city": "Hangzhou", "check_in": "2026-12-11", "nights": 2}),
        ("a twin room at the West Lake one from the 12th to the 14th for two people",
         {"hotel_id": "hi-west-lake", "city": "Hangzhou", "check_in": "2026-12-12",
          "check_out": "2026-12-14", "guests": 2, "room_type": "twin"}),
        # A day of the month already past is next month's.
        ("the 3rd", {"check_in": "2027-01-03"}),
        ("tonight, just me", {"check_in": "2026-12-08", "guests": 1}),
        ("tomorrow for a week", {"check_in": "2026-12-09", "nights": 7}),
        ("December 24th to the 27th, a suite", {"check_in": "2026-12-24",
         "check_out": "2026-12-27", "room_type": "king-suite"}),
        # The longer name wins: Beijing Road is a hotel in Guangzhou, not the city Beijing.
        ("the one on Beijing Road", {"hotel_id": "hi-beijing-road", "city": "Guangzhou"}),
        ("near the Leifeng Pagoda", {"hotel_id": "hi-west-lake", "city": "Hangzhou"}),
        # Words that look like dates or numbers but are not.
        ("may I book a room", {}),
        ("we sat down for a bit", {}),
    ],
)  # fmt: skip
def test_a_stay_is_read_from_the_words(text: str, expected: dict[str, object]) -> None:
    heard = said(text)
    hotel_city = {h.id: h.city for h in HOTELS}
    if "hotel_id" in heard:  # the hotel brings its city (actions/booking.py merges it)
        heard["city"] = hotel_city[str(heard["hotel_id"])]
    assert heard == expected


def test_short_answers_are_a_number_or_a_choice() -> None:
    assert [bare_count(text) for text in ("two", "3", "just one", "two please", "a")] == [
        2,
        3,
        1,
        2,
        None,
    ]
    assert [chosen_place(text) for text in ("the second one", "1", "third", "a twin")] == [
        2,
        1,
        3,
        None,
    ]
