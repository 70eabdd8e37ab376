"""What a booking customer said about their stay: the hotel or city, the dates, the nights,
the guests and the room type. Pure: text in, `StayWords` out.

Dates are read with dateparser, relative to the customer's day (the merchant platform's
clock, so `ORDERLY_NOW` moves it in tests and demos). dateparser's own search finds the
wrong spans in booking sentences ("Friday, two" as a date, "the 12th" as December 2027), so
the date phrases are found here by their shapes (a weekday, "the 12th", "12 December",
"tomorrow"...) and each is handed to dateparser alone. Hotels, cities and room types are
the merchant's own words, from its stores and menu (the API), never from this code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

import dateparser

from actions.merchants.backend import MenuItem, Store
from contracts.digits import DIGIT_WORDS

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_WEEKDAYS = (
    # Not "sat", "sun", "wed" or "mon": words of their own too often ("we sat down").
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|thurs|fri"
)
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)"
# Date phrases, each read by dateparser on its own. Longest shapes first.
DATE_PHRASES = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b"
    rf"|\b(?:{_MONTHS})\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\b"
    rf"|\b(?:the\s+)?{_ORDINAL}\b"
    r"|\bday after tomorrow\b|\btomorrow\b|\btoday\b|\btonight\b"
    rf"|\b(?:{_WEEKDAYS})\b"
)
BARE_ORDINAL = re.compile(rf"^(?:the\s+)?{_ORDINAL}$")
NUMBER_WORDS = {word: value for value, word in enumerate(DIGIT_WORDS)} | {
    "a": 1,
    "an": 1,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "couple of": 2,
}
_COUNT = r"(\d{1,2}|a couple of|couple of|" + "|".join(sorted(NUMBER_WORDS, key=len)[::-1]) + ")"
NIGHTS = re.compile(rf"\b{_COUNT}\s+nights?\b")
WEEKS = re.compile(rf"\b{_COUNT}\s+weeks?\b")
GUESTS = re.compile(rf"\b{_COUNT}\s+(?:people|persons|guests|adults|of us|pax)\b")
ALONE = re.compile(r"\b(?:just me|only me|myself|by myself|alone|on my own|single guest)\b")
A_PAIR = re.compile(r"\b(?:my (?:wife|husband|partner|friend) and i|me and my \w+|a couple)\b")
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1": 1, "2": 2, "3": 3, "4": 4}
CHOICE = re.compile(r"^(?:the\s+)?(first|second|third|fourth|[1-4])(?:\s+one)?$")


@dataclass(frozen=True)
class StayWords:
    """What one message said; None: not said. `check_out` comes from a second date."""

    city: str | None = None
    hotel_id: str | None = None
    check_in: date | None = None
    check_out: date | None = None
    nights: int | None = None
    guests: int | None = None
    room_type: str | None = None

    def said(self) -> dict[str, Any]:
        """What was said, as the `stay` slot keeps it (dates as YYYY-MM-DD)."""
        found: dict[str, Any] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value is not None:
                found[field.name] = value.isoformat() if isinstance(value, date) else value
        return found


def normal(text: str) -> str:
    """Lower case, punctuation as spaces (apostrophes kept: "people's square")."""
    return " ".join(re.sub(r"[^\w'\-]+", " ", text.lower()).split())


def read_stay_words(
    text: str, today: date, hotels: Sequence[Store], rooms: Sequence[MenuItem]
) -> StayWords:
    said = normal(text)
    dates = read_dates(said, today)
    hotel = _longest_match(said, ((name, store.id) for store in hotels for name in _names(store)))
    city = _longest_match(
        said, ((store.city.lower(), store.city) for store in hotels if store.city)
    )
    room = _longest_match(
        said, ((name.lower(), item.sku) for item in rooms for name in (item.name, *item.aliases))
    )
    return StayWords(
        city=city,
        hotel_id=hotel,
        check_in=dates[0] if dates else None,
        check_out=dates[1] if len(dates) > 1 and dates[1] > dates[0] else None,
        nights=read_nights(said),
        guests=read_guests(said),
        room_type=room,
    )


def read_dates(said: str, today: date) -> list[date]:
    """Every date said, in order."""
    found = []
    for match in DATE_PHRASES.finditer(said):
        day = read_date(match.group(0), today)
        if day is not None:
            found.append(day)
    return found


def read_date(phrase: str, today: date) -> date | None:
    """One date phrase, the next such day from `today` (dateparser does the reading)."""
    base = datetime.combine(today, datetime.min.time())
    if phrase == "tonight":
        return today
    ordinal = BARE_ORDINAL.match(phrase)
    if ordinal:
        # "the 12th": the next 12th, this month or the next.
        parsed = dateparser.parse(
            ordinal.group(1), date_formats=["%d"], settings={"RELATIVE_BASE": base}
        )
        if parsed is None:
            return None
        day = parsed.date()
        return day if day >= today else _next_month(day)
    parsed = dateparser.parse(
        phrase,
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"},
    )
    return parsed.date() if parsed is not None else None


def _next_month(day: date) -> date | None:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    try:
        return day.replace(year=year, month=month)
    except ValueError:  # the 31st of a month without one
        return None


def read_nights(said: str) -> int | None:
    nights = NIGHTS.search(said)
    if nights:
        return count(nights.group(1))
    weeks = WEEKS.search(said)
    if weeks:
        weeks_said = count(weeks.group(1))
        return None if weeks_said is None else weeks_said * 7
    return None


def read_guests(said: str) -> int | None:
    guests = GUESTS.search(said)
    if guests:
        return count(guests.group(1))
    if ALONE.search(said):
        return 1
    if A_PAIR.search(said):
        return 2
    return None


def count(word: str) -> int | None:
    """ "two", "2", "a couple of": the number; None for anything else."""
    word = word.strip()
    if word.isascii() and word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def bare_count(text: str) -> int | None:
    """A message that is only a number ("two", "3", "two please"): the answer to "How many
    nights?" or "How many guests?"."""
    said = normal(text).removesuffix(" please").removeprefix("just ")
    return count(said) if said not in ("a", "an") else None


def chosen_place(text: str) -> int | None:
    """ "the second one", "2": which of the offered choices (1-based), if that is all."""
    found = CHOICE.match(normal(text))
    return ORDINALS[found.group(1)] if found else None


def check_out_nights(check_in: str | None, check_out: date | None) -> int | None:
    """The nights between a known check-in (YYYY-MM-DD) and a check-out said later."""
    if check_in is None or check_out is None:
        return None
    nights = (check_out - date.fromisoformat(check_in)).days
    return nights if nights > 0 else None


def _names(store: Store) -> Iterable[str]:
    yield store.name.lower()
    yield from (alias.lower() for alias in store.aliases)
    yield from (landmark.lower() for landmark in store.landmarks)


def _longest_match(said: str, names: Iterable[tuple[str, str]]) -> str | None:
    """The value of the longest name said as whole words, if any."""
    best: tuple[int, str] | None = None
    padded = f" {said} "
    for name, value in names:
        key = normal(name)
        if key and f" {key} " in padded and (best is None or len(key) > best[0]):
            best = (len(key), value)
    return best[1] if best else None


def later(day: str, nights: int) -> str:
    """The check-out date of a stay, YYYY-MM-DD."""
    return (date.fromisoformat(day) + timedelta(days=nights)).isoformat()
