"""What a merchant pack may hold (docs/design/merchant-model.md §1), as pydantic v1 models.

A pack is data only: `pack.yml` (the manifest), `catalogue.yml` (option groups and items)
and `stores.csv` (the stores feed). `merchant.packs.loader` parses the files and turns
every validation error into a `Problem` naming the file, the line and the field, because
the person reading it is editing a YAML or CSV file, not a Python object.
"""

from __future__ import annotations

import re
from datetime import time
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, confloat, conint, constr, root_validator, validator

from merchant.catalogue import ALL_DAY, BREAKFAST, Hours, Item, OptionGroup

# A combo's drink is the option group whose choice ids are the skus of drinks.
DRINK_GROUP = "drink"
SERVICES = ("pickup", "breakfast")
KINDS = ("menu", "booking")
HOURS_TEXT = re.compile(r"^(\d\d):(\d\d)-(\d\d):(\d\d)$")
TIME_TEXT = re.compile(r"^(\d\d):(\d\d)$")
BOOKING = "booking"
# A booking pack's `hours` name these two times of day ("14:00"), not dayparts.
CHECK_IN, CHECK_OUT = "check_in", "check_out"
# A booking's room type becomes a catalogue item of this category (so the menu, the lexicon
# and an order line name it like any item); its price is per night.
ROOM_CATEGORY = "room"

if TYPE_CHECKING:
    PackId = str
    Name = str
    Latitude = float
    Longitude = float
    Positive = int
else:
    # Pack and store ids: lowercase words joined by hyphens ("golden-crumb", "gc-xujiahui").
    PackId = constr(regex=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
    Name = constr(strip_whitespace=True, min_length=1, max_length=200)
    Latitude = confloat(ge=-90, le=90)
    Longitude = confloat(ge=-180, le=180)
    Positive = conint(ge=1)


class _Strict(BaseModel):
    class Config:
        frozen = True
        extra = "forbid"


def parse_time(text: str) -> time:
    """`"14:00"` as a time of day (quoted in YAML, like hours)."""
    found = TIME_TEXT.match(str(text).strip())
    if found is None:
        raise ValueError('a time of day is written "HH:MM", e.g. "14:00"')
    hour, minute = (int(part) for part in found.groups())
    if hour > 23 or minute > 59:
        raise ValueError(f"{text} is not a time of day")
    return time(hour, minute)


def parse_hours(text: str) -> Hours:
    """`"06:00-10:30"` as `Hours` (quoted in YAML: YAML 1.1 reads 06:00 as a number)."""
    found = HOURS_TEXT.match(str(text).strip())
    if found is None:
        raise ValueError('hours are written "HH:MM-HH:MM", e.g. "06:00-10:30"')
    h1, m1, h2, m2 = (int(part) for part in found.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError(f"{text} is not a time of day")
    return Hours(start=time(h1, m1), end=time(h2, m2))


class Pickup(_Strict):
    slot_minutes: Positive = 10
    slot_capacity: Positive = 6
    prep_minutes: conint(ge=0) = 10  # type: ignore[valid-type]
    uncollected_after_minutes: Positive = 30


class Cancel(_Strict):
    free_until_minutes_before: conint(ge=0) | None = None  # type: ignore[valid-type]


class Network(_Strict):
    """Stores generated at load from real city centres (merchant/packs/network.py): `stores`
    is the merchant's total, the feed's own stores included; the same `seed` gives the same
    stores on every start and every machine."""

    stores: conint(ge=0, le=1_000_000)  # type: ignore[valid-type]
    seed: int
    id_prefix: PackId
    cities: tuple[Name, ...] = ()  # empty: every city of the data file
    hours: tuple[str, ...] = ("07:00-22:00",)
    services: tuple[str, ...] = ("pickup",)

    @validator("hours", each_item=True)
    def _hours(cls, text: str) -> str:  # noqa: N805
        parse_hours(text)
        return text

    @validator("services", each_item=True)
    def _service(cls, service: str) -> str:  # noqa: N805
        return _known_service(service)


class Manifest(_Strict):
    """`pack.yml`."""

    id: PackId
    names: tuple[Name, ...]
    kind: Literal["menu", "booking"]
    currency: constr(regex=r"^[A-Z]{3}$")  # type: ignore[valid-type]
    timezone: Name
    hours: dict[str, str] = {}
    pickup: Pickup = Pickup()
    cancel: Cancel = Cancel()
    catalogue: Name = "catalogue.yml"
    stores: Name = "stores.csv"
    network: Network | None = None
    phrases: Name | None = None

    @validator("names")
    def _named(cls, names: tuple[str, ...]) -> tuple[str, ...]:  # noqa: N805
        if not names:
            raise ValueError("a pack needs at least its display name")
        return names

    @validator("timezone")
    def _zone(cls, zone: str) -> str:  # noqa: N805
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {zone}") from error
        return zone

    @validator("hours")
    def _dayparts(cls, hours: dict[str, str], values: dict[str, Any]) -> dict[str, str]:  # noqa: N805
        if values.get("kind") == BOOKING:
            missing = [name for name in (CHECK_IN, CHECK_OUT) if name not in hours]
            if missing:
                raise ValueError(f"a booking pack's hours name {CHECK_IN} and {CHECK_OUT}")
            for name, text in hours.items():
                if name not in (CHECK_IN, CHECK_OUT):
                    raise ValueError(
                        f"{name}: a booking pack's hours name only {CHECK_IN}, {CHECK_OUT}"
                    )
                parse_time(text)
            return hours
        for daypart, text in hours.items():
            if daypart != BREAKFAST:
                raise ValueError(f"{daypart}: a menu pack's hours name only {BREAKFAST}")
            parse_hours(text)
        return hours

    @validator("cancel", always=True)
    def _cancel_window(cls, cancel: Cancel, values: dict[str, Any]) -> Cancel:  # noqa: N805
        if values.get("kind") == BOOKING and cancel.free_until_minutes_before is None:
            raise ValueError(
                "a booking pack says until when cancelling is free: "
                "cancel: {free_until_minutes_before: N}"
            )
        return cancel

    @property
    def breakfast(self) -> Hours | None:
        text = self.hours.get(BREAKFAST) if self.kind != BOOKING else None
        return None if text is None else parse_hours(text)

    @property
    def stay_times(self) -> StayTimes | None:
        """A booking pack's check-in and check-out times; None for a menu pack."""
        if self.kind != BOOKING:
            return None
        return StayTimes(
            check_in=parse_time(self.hours[CHECK_IN]), check_out=parse_time(self.hours[CHECK_OUT])
        )


class Catalogue(_Strict):
    """`catalogue.yml`: groups several items share (through YAML aliases), then the items."""

    option_groups: dict[str, OptionGroup] = {}
    items: tuple[Item, ...]


class StayTimes(_Strict):
    """When a booking pack's guests arrive and leave, local time."""

    check_in: time
    check_out: time


class RoomType(_Strict):
    """One room type of a booking pack's `catalogue.yml`: `price` per room per night (fen),
    `guests` how many it sleeps, `rooms` how many of it each hotel has every night."""

    id: PackId
    name: Name
    price: conint(ge=0)  # type: ignore[valid-type]
    guests: Positive
    rooms: conint(ge=0, le=10_000)  # type: ignore[valid-type]
    description: str = ""
    aliases: tuple[str, ...] = ()

    def as_item(self) -> Item:
        """The room type as the catalogue item the menu, the lexicon and orders name."""
        return Item(
            sku=self.id,
            name=self.name,
            category=ROOM_CATEGORY,
            daypart=ALL_DAY,
            price=self.price,
            aliases=self.aliases,
            description=self.description,
        )


class RoomTypes(_Strict):
    """A booking pack's `catalogue.yml`: its room types."""

    room_types: tuple[RoomType, ...]

    @validator("room_types")
    def _some_unique(cls, rooms: tuple[RoomType, ...]) -> tuple[RoomType, ...]:  # noqa: N805
        if not rooms:
            raise ValueError("a booking pack needs at least one room type")
        ids = [room.id for room in rooms]
        for index, room_id in enumerate(ids):
            if ids.index(room_id) != index:
                raise ValueError(f"room type {room_id} is already used")
        return rooms


class Phrases(_Strict):
    """`phrases.yml` (optional): example phrases, a list of strings, for docs and blind checks;
    the assistant is not trained on them."""

    __root__: tuple[Name, ...]


class StoreRow(_Strict):
    """One row of `stores.csv`. Lists (`services`, `landmarks`, `aliases`) are `|`-separated."""

    id: PackId
    name: Name
    address: Name
    city: Name
    district: Name
    lat: Latitude
    lon: Longitude
    opens: time
    closes: time
    services: tuple[str, ...] = ("pickup",)
    landmarks: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    slot_capacity: Positive | None = None

    @validator("services", "landmarks", "aliases", pre=True)
    def _split(cls, value: Any) -> Any:  # noqa: N805
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split("|") if part.strip())
        return value

    @validator("slot_capacity", pre=True)
    def _blank_is_default(cls, value: Any) -> Any:  # noqa: N805
        return None if value == "" else value

    @validator("services", each_item=True)
    def _service(cls, service: str) -> str:  # noqa: N805
        return _known_service(service)

    @root_validator(skip_on_failure=True)
    def _opens_before_closing(cls, values: dict[str, Any]) -> dict[str, Any]:  # noqa: N805
        if not values["opens"] < values["closes"]:
            raise ValueError("a store opens before it closes (no hours across midnight)")
        return values

    @property
    def hours(self) -> Hours:
        return Hours(start=self.opens, end=self.closes)


def _known_service(service: str) -> str:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service}; known: {', '.join(SERVICES)}")
    return service


def catalogue_problems(
    items: tuple[Item, ...], breakfast: Hours | None
) -> list[tuple[tuple[str | int, ...], str]]:
    """Rules across items, each with where it broke (a path into `catalogue.yml`): skus are
    unique; a combo includes, and offers as its `drink` choices, only items this merchant
    sells; breakfast items need breakfast hours in the manifest."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    skus = [item.sku for item in items]
    for index, item in enumerate(items):
        if skus.index(item.sku) != index:
            problems.append((("items", index, "sku"), f"sku {item.sku} is already used"))
        if item.daypart == BREAKFAST and breakfast is None:
            problems.append(
                (
                    ("items", index, "daypart"),
                    f"{item.sku} is a breakfast item, but there are no breakfast hours "
                    "(pack.yml: hours: breakfast)",
                )
            )
        if item.combo is None:
            continue
        for position, sku in enumerate(item.combo.includes):
            if sku not in skus:
                where: tuple[str | int, ...] = ("items", index, "combo", "includes", position)
                problems.append((where, f"{item.sku} includes unknown item {sku}"))
        drinks = item.group(DRINK_GROUP)
        for choice in drinks.choices if drinks else ():
            if choice.id not in skus:
                problems.append(
                    (("items", index, "options"), f"{item.sku} offers unknown drink {choice.id}")
                )
    return problems


class MerchantPack(_Strict):
    """A checked pack as the platform uses it: the manifest's facts, the items, and the
    stores (the feed's, then the generated network's)."""

    id: PackId
    name: Name
    names: tuple[Name, ...] = ()
    kind: str = "menu"
    currency: str
    timezone: str = "Asia/Shanghai"
    breakfast: Hours | None = None  # None: everything is served all day
    pickup: Pickup = Pickup()
    cancel: Cancel = Cancel()
    stores: tuple[StoreRow, ...]
    items: tuple[Item, ...]
    # A booking pack's: its room types (also in `items`, as items) and check-in/out times.
    room_types: tuple[RoomType, ...] = ()
    stay_times: StayTimes | None = None
    # How many of `stores` come from the feed (listed by name); the rest are generated.
    listed_stores: int | None = None
    # A digest of what made the stores (the pack's files, the generator and its city data):
    # equal digests, equal stores, so a start can skip writing them again.
    stores_digest: str = ""

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values: dict[str, Any]) -> dict[str, Any]:  # noqa: N805
        problems = catalogue_problems(values["items"], values["breakfast"])
        if problems:
            raise ValueError("; ".join(message for _, message in problems))
        ids = [store.id for store in values["stores"]]
        if len(set(ids)) != len(ids):
            raise ValueError(f"merchant {values['id']} repeats a store id")
        return values

    @property
    def listed(self) -> tuple[StoreRow, ...]:
        """The stores the feed names by hand (the assistant knows them by their aliases)."""
        count = len(self.stores) if self.listed_stores is None else self.listed_stores
        return self.stores[:count]
