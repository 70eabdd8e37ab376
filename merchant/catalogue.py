"""What a merchant sells, as small immutable values the pricing and schedule rules work on.

The same models parse the merchant packs (packs/<id>/catalogue.yml) and the JSON columns
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
    Slug = str
else:
    Fen = conint(ge=0)
    Name = constr(strip_whitespace=True, min_length=1)
    # Group and choice ids: lowercase words joined by hyphens ("2-percent", "soy-milk").
    Slug = constr(regex=r"^[a-z0-9]+(-[a-z0-9]+)*$")


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


class Choice(_Value):
    """One choice of an option group; `price` is what it adds to the item's base price.

    A delta may be negative (a small size costs less than the default medium); `Item`
    refuses choices that could price it below zero.
    """

    id: Slug
    name: Name
    price: int = 0
    aliases: tuple[str, ...] = ()


class OptionGroup(_Value):
    """A single-choice group (size, milk, shots...): every order line has exactly one of
    its choices, `default` when the customer named none."""

    id: Slug
    name: Name
    default: Slug
    choices: tuple[Choice, ...]

    @root_validator(skip_on_failure=True)
    def _default_is_a_choice(cls, values: dict[str, Any]) -> dict[str, Any]:
        ids = [choice.id for choice in values["choices"]]
        if not ids:
            raise ValueError(f"option group {values['id']} needs at least one choice")
        if len(set(ids)) != len(ids):
            raise ValueError(f"option group {values['id']} repeats a choice id")
        if values["default"] not in ids:
            raise ValueError(f"option group {values['id']}: its default is not one of its choices")
        return values

    def choice(self, choice_id: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.id == choice_id), None)

    @property
    def default_choice(self) -> Choice:
        choice = self.choice(self.default)
        assert choice is not None  # checked by the validator
        return choice


class Combo(_Value):
    """What a combo contains, for descriptions; its drink and drink size are option groups."""

    includes: tuple[str, ...]


class Item(_Value):
    """A menu item. `price` is the base price, with every group at its default choice;
    `aliases` feed the assistant's matching."""

    sku: Name
    name: Name
    category: Name
    daypart: str
    price: Fen
    options: tuple[OptionGroup, ...] = ()
    aliases: tuple[str, ...] = ()
    description: str = ""
    combo: Combo | None = None

    @validator("daypart")
    def _known_daypart(cls, daypart: str) -> str:
        if daypart not in DAYPARTS:
            raise ValueError(f"daypart must be one of {', '.join(DAYPARTS)}")
        return daypart

    @root_validator(skip_on_failure=True)
    def _priced_consistently(cls, values: dict[str, Any]) -> dict[str, Any]:
        groups: tuple[OptionGroup, ...] = values["options"]
        ids = [group.id for group in groups]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{values['sku']} repeats an option group")
        cheapest = values["price"] + sum(min(c.price for c in group.choices) for group in groups)
        if cheapest < 0:
            raise ValueError(f"{values['sku']} would cost less than nothing with some options")
        if any(group.default_choice.price != 0 for group in groups):
            raise ValueError(f"{values['sku']}: a default choice must add nothing to the price")
        return values

    def group(self, group_id: str) -> OptionGroup | None:
        return next((group for group in self.options if group.id == group_id), None)


def item_from_row(row: models.MenuItem) -> Item:
    return Item(
        sku=row.sku,
        name=row.name,
        category=row.category,
        daypart=row.daypart,
        price=row.price,
        options=row.options,
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
        price=item.price,
        options=_json_ready(fields["options"]),
        combo=_json_ready(fields["combo"]),
    )


def _json_ready(value: Any) -> Any:
    """Tuples to lists, so JSON columns hold plain JSON."""
    if isinstance(value, dict):
        return {key: _json_ready(inner) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(inner) for inner in value]
    return value
