"""Request bodies the platform accepts. Unknown fields are refused, so a typo such as
`"qty"` is an error rather than a silent default."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, StrictInt, StrictStr, constr, validator

from merchant.identity import (
    CUSTOMER_ID_FORMAT,
    CUSTOMER_ID_RULE,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
)
from merchant.pricing import LineRequest
from merchant.settings import PIN_FORMAT

if TYPE_CHECKING:
    Identifier = str
    Text = str
    Line = str
else:
    Identifier = constr(strip_whitespace=True, min_length=1, max_length=128)
    Text = constr(strip_whitespace=True, min_length=1, max_length=1000)
    Line = constr(max_length=2000)

# A hand-off transcript is the last turns of one conversation, for a person to read:
# anything longer is a mistake or an attack, refused rather than stored.
MAX_TRANSCRIPT_LINES = 200
MAX_TRANSCRIPT_CHARACTERS = 20_000
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


class SignInRequest(_Body):
    customer_id: StrictStr
    password: StrictStr

    @validator("customer_id")
    def _customer_id_format(cls, customer_id: str) -> str:
        # pydantic's own regex message would quote the pattern; this one says the rule.
        if not CUSTOMER_ID_FORMAT.match(customer_id):
            raise ValueError(CUSTOMER_ID_RULE)
        return customer_id

    @validator("password")
    def _password_length(cls, password: str) -> str:
        return _checked_password(password)


class StaffSignInRequest(_Body):
    staff_id: StrictStr
    password: StrictStr

    @validator("staff_id")
    def _staff_id_format(cls, staff_id: str) -> str:
        if not CUSTOMER_ID_FORMAT.match(staff_id):
            raise ValueError(CUSTOMER_ID_RULE.replace("a customer id", "a staff id"))
        return staff_id

    @validator("password")
    def _password_length(cls, password: str) -> str:
        return _checked_password(password)


class PinChangeRequest(_Body):
    """The customer's password again, and the new PIN (4 to 8 digits, as a string)."""

    password: StrictStr
    pin: StrictStr

    @validator("password")
    def _password_length(cls, password: str) -> str:
        return _checked_password(password)

    @validator("pin")
    def _pin_format(cls, pin: str) -> str:
        return _checked_pin(pin)


class OrderRequest(_Body):
    """`customer_id` is optional: the order is the verified caller's, and a different id
    here is refused (403), not obeyed."""

    customer_id: Identifier | None = None
    merchant_id: Identifier
    store_id: Identifier | None = None
    pickup_time: datetime | None = None
    items: list[OrderLineRequest]


class PaymentRequest(_Body):
    """`amount` is the total (fen) the customer agreed to; it must equal the order's."""

    order_id: Identifier
    confirmation_token: StrictStr | None = None
    amount: StrictInt


class PinVerificationRequest(_Body):
    order_id: Identifier
    pin: StrictStr

    @validator("pin")
    def _pin_format(cls, pin: str) -> str:
        return _checked_pin(pin)


class HandoffRequest(_Body):
    """`customer_id` is optional, as in `OrderRequest`."""

    customer_id: Identifier | None = None
    reason: Text
    transcript: list[Line] = []

    @validator("transcript")
    def _bounded(cls, transcript: list[str]) -> list[str]:
        if len(transcript) > MAX_TRANSCRIPT_LINES:
            raise ValueError(f"a transcript has at most {MAX_TRANSCRIPT_LINES} lines")
        if sum(len(line) for line in transcript) > MAX_TRANSCRIPT_CHARACTERS:
            raise ValueError(f"a transcript has at most {MAX_TRANSCRIPT_CHARACTERS} characters")
        return transcript


def _checked_pin(pin: str) -> str:
    # The message must not contain the value: error bodies never echo a PIN.
    if not PIN_FORMAT.match(pin):
        raise ValueError("a PIN is 4 to 8 digits")
    return pin


def _checked_password(password: str) -> str:
    # The message must not contain the value.
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ValueError(f"a password is {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters")
    return password
