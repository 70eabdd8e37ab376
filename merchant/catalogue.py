"""What a merchant sells, as small immutable values the pricing and schedule rules work on.

The same models parse the seed file (merchant/sandbox_catalogue.yml) and the JSON columns
of the `menu_items` table, so the catalogue has one shape everywhere. Keeping the rules
on these values lets them be tested without a database.
"""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, conint, constr, root_validator, validator

from merchant import models

BREAKFAST = "breakfast"
ALL_DAY = "all_day"
DAYPARTS = (BREAKFAST, ALL_DAY)

if TYPE_CHECKING:
    Fen = int
    Name = str
else:
    Fen = conint(ge=0)
    Name = constr(strip_whitespace=True, min_length=1)


class _Value(BaseModel):
    class Config:
        frozen = True
        extra = "forbid"


class Hours(_Value):
    """A daily window [start, end): at `end` exactly, it is over. No windows across midnight."""

    start: time
    end: time

    @root_validator(skip_on_failure=True)
    def _starts_before_end(cls, values: dict[str, Any]) -> dict[str, Any]:
        if not values["start"] < values["end"]:
            raise ValueError("hours must start before they end")
        return values

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end

    @property
    def label(self) -> str:
        """The written form people read and hear, e.g. "06:00-10:30"."""
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


class Size(_Value):
    name: Name
    price: Fen


class DrinkChoice(_Value):
    """A drink a combo may include, at the size the combo price covers."""

    sku: Name
    size: Name


class Combo(_Value):
    includes: tuple[str, ...]
    drink_choices: tuple[DrinkChoice, ...]
    upsize_price: Fen
    upsize_size: str = "large"

    @validator("drink_choices")
    def _has_a_drink(cls, choices: tuple[DrinkChoice, ...]) -> tuple[DrinkChoice, ...]:
        if not choices:
            raise ValueError("a combo needs at least one drink choice")
        return choices


class Item(_Value):
    """A menu item. The first size is the default; `aliases` feed the assistant's matching."""

    sku: Name
    name: Name
    category: Name
    daypart: str
    sizes: tuple[Size, ...]
    aliases: tuple[str, ...] = ()
    description: str = ""
    combo: Combo | None = None

    @validator("daypart")
    def _known_daypart(cls, daypart: str) -> str:
        if daypart not in DAYPARTS:
            raise ValueError(f"daypart must be one of {', '.join(DAYPARTS)}")
        return daypart

    @validator("sizes")
    def _has_a_size(cls, sizes: tuple[Size, ...]) -> tuple[Size, ...]:
        if not sizes:
            raise ValueError("an item needs at least one size")
        return sizes

    @property
    def size_names(self) -> tuple[str, ...]:
        return tuple(size.name for size in self.sizes)

    def size(self, name: str) -> Size | None:
        return next((size for size in self.sizes if size.name == name), None)


def item_from_row(row: models.MenuItem) -> Item:
    return Item(
        sku=row.sku,
        name=row.name,
        category=row.category,
        daypart=row.daypart,
        sizes=row.sizes,
        aliases=row.aliases,
        description=row.description,
        combo=row.combo,
    )


def item_to_row(merchant_id: str, position: int, item: Item) -> models.MenuItem:
    fields = item.dict()
    return models.MenuItem(
        merchant_id=merchant_id,
        position=position,
        sku=item.sku,
        name=item.name,
        category=item.category,
        daypart=item.daypart,
        description=item.description,
        aliases=list(item.aliases),
        sizes=[dict(size) for size in fields["sizes"]],
        combo=_json_ready(fields["combo"]),
    )


def _json_ready(value: Any) -> Any:
    """Tuples to lists, so JSON columns hold plain JSON."""
    if isinstance(value, dict):
        return {key: _json_ready(inner) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(inner) for inner in value]
    return value
