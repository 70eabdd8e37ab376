"""Request bodies the platform accepts. Unknown fields are refused, so a typo such as
`"qty"` is an error rather than a silent default."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, StrictInt, StrictStr, constr, validator

from merchant.pricing import LineRequest
from merchant.settings import PIN_FORMAT

if TYPE_CHECKING:
    Identifier = str
    Text = str
    Line = str
else:
    Identifier = constr(strip_whitespace=True, min_length=1, max_length=128)
    Text = constr(strip_whitespace=True, min_length=1, max_length=1000)
    Line = constr(max_length=4000)

MAX_TRANSCRIPT_LINES = 500
MAX_OPTIONS_PER_LINE = 20


class _Body(BaseModel):
    class Config:
        extra = "forbid"


class OrderLineRequest(_Body):
    """`options` maps a group id to a choice id (`{"size": "large", "milk": "oat"}`)."""

    sku: Identifier
    quantity: StrictInt = 1
    options: dict[Identifier, Identifier] = {}

    @validator("options")
    def _bounded(cls, options: dict[str, str]) -> dict[str, str]:
        if len(options) > MAX_OPTIONS_PER_LINE:
            raise ValueError(f"a line has at most {MAX_OPTIONS_PER_LINE} options")
        return options

    def to_line(self) -> LineRequest:
        return LineRequest(
            sku=self.sku, quantity=self.quantity, options=tuple(sorted(self.options.items()))
        )


class QuoteRequest(_Body):
    items: list[OrderLineRequest]


class OrderRequest(_Body):
    customer_id: Identifier
    merchant_id: Identifier
    store_id: Identifier | None = None
    pickup_time: datetime | None = None
    items: list[OrderLineRequest]


class PaymentRequest(_Body):
    order_id: Identifier
    confirmation_token: StrictStr | None = None


class PinVerificationRequest(_Body):
    order_id: Identifier
    pin: StrictStr

    @validator("pin")
    def _pin_format(cls, pin: str) -> str:
        # The message must not contain the value: error bodies never echo a PIN.
        if not PIN_FORMAT.match(pin):
            raise ValueError("a PIN is 4 to 8 digits")
        return pin


class HandoffRequest(_Body):
    customer_id: Identifier
    reason: Text
    transcript: list[Line] = []

    @validator("transcript")
    def _bounded(cls, transcript: list[str]) -> list[str]:
        if len(transcript) > MAX_TRANSCRIPT_LINES:
            raise ValueError(f"a transcript has at most {MAX_TRANSCRIPT_LINES} lines")
        return transcript
