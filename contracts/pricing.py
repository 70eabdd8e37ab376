"""A priced order line and a quote: what the merchant platform answers and the action
server reads (``docs/merchant-api.md``), one definition for both sides.

Amounts are integer fen. They are strict: a float or a numeric string is refused rather
than rounded, so no price is ever silently changed on the way.
"""

from __future__ import annotations

from pydantic import BaseModel, StrictBool, StrictInt

from contracts.money import CURRENCY


class Frozen(BaseModel):
    """Immutable and hashable; unknown fields are ignored (a newer sender may add some)."""

    class Config:
        frozen = True


class ChosenOption(Frozen):
    """The choice a priced line has in one group, with the display names and price of that
    moment. ``default`` says it is the group's default (what nobody needs to hear again)."""

    group: str
    group_name: str
    choice: str
    choice_name: str
    price: StrictInt = 0
    default: StrictBool = False


class PricedLine(Frozen):
    """``options`` has one entry per group of the item, in catalogue order;
    ``line_total = unit_price * quantity``."""

    sku: str
    name: str
    quantity: StrictInt
    options: tuple[ChosenOption, ...] = ()
    unit_price: StrictInt
    line_total: StrictInt


class Quote(Frozen):
    """Every line priced; ``total`` is the sum of the line totals."""

    lines: tuple[PricedLine, ...]
    total: StrictInt
    currency: str = CURRENCY
