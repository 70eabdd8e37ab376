"""The merchant backend interface the actions depend on.

A merchant plugs in by implementing :class:`MerchantBackend` (see
``actions/merchants/sandbox.py`` for the reference adapter) and naming it in
``ORDERLY_MERCHANT_BACKEND``. Amounts are integers in fen; business rules (prices,
availability, limits, idempotency) belong to the backend, not to the dialogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from contracts.merchant_api import StayDetails, StayOffers
from contracts.pricing import PricedLine, Quote


class MerchantError(Exception):
    """Base class of what a backend call can raise."""


class MerchantUnavailable(MerchantError):
    """The backend did not answer in time, even after retries: try again later."""


class MerchantRejected(MerchantError):
    """The backend refused the request; ``message`` is a sentence for the customer.

    Codes the dialogue branches on: ``confirmation_expired``, ``amount_mismatch``,
    ``store_closed``, ``pickup_time_passed``, ``pin_required``, ``pin_locked``,
    ``order_already_paid``, ``order_not_found``, ``unauthorized``, ``slot_full`` (its
    details are those of ``contracts.merchant_api.SlotFull``: ``next_free`` offers times).
    """

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


@dataclass(frozen=True)
class Merchant:
    """A merchant of the platform: `names` are its display name first, then what people
    call it ("Copper Kettle", "the coffee place"); `kind` is `menu` or `booking`."""

    id: str
    names: tuple[str, ...]
    kind: str = "menu"

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.id


@dataclass(frozen=True)
class OptionChoice:
    """One choice of an option group; `price` is what it adds to the item (fen, may be
    negative); `aliases` are what people say for it."""

    id: str
    name: str
    price: int
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class OptionGroup:
    """A single-choice group (size, milk, shots, a combo's drink...). Every line has one
    choice of each group of its item; a group the customer did not name takes `default`."""

    id: str
    name: str
    default: str
    choices: tuple[OptionChoice, ...]

    def choice(self, choice_id: str) -> OptionChoice | None:
        return next((choice for choice in self.choices if choice.id == choice_id), None)


@dataclass(frozen=True)
class MenuItem:
    """`price` is the base price, with every group at its default choice. A combo's drink is
    its `drink` group, whose choice ids are skus; `includes` lists what else it contains."""

    sku: str
    name: str
    category: str
    daypart: str
    price: int
    available: bool
    options: tuple[OptionGroup, ...] = ()
    aliases: tuple[str, ...] = ()
    description: str = ""
    includes: tuple[str, ...] = ()

    def group(self, group_id: str) -> OptionGroup | None:
        return next((group for group in self.options if group.id == group_id), None)


@dataclass(frozen=True)
class Menu:
    merchant_id: str
    now: str
    breakfast_served: bool
    breakfast_start: str
    breakfast_end: str
    items: tuple[MenuItem, ...]
    kind: str = "menu"  # or "booking": the items are room types and an order is a stay

    def find(self, sku: str) -> MenuItem | None:
        return next((item for item in self.items if item.sku == sku), None)


@dataclass(frozen=True)
class Store:
    """`distance_m` is set on stores found near a point (`nearby_stores`), metres along
    the ground."""

    id: str
    name: str
    address: str
    opens: str
    closes: str
    open_now: bool
    aliases: tuple[str, ...] = ()
    distance_m: int | None = None
    city: str | None = None
    landmarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    """A point with a name: a place said in words ("People's Square", kind "landmark") or
    one the customer saved ("office", kind "saved")."""

    name: str
    kind: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Account:
    customer_id: str
    balance: int
    voice_pay_limit: int
    default_merchant_id: str
    default_store_id: str
    voice_pay_locked_until: str | None = None


@dataclass(frozen=True)
class LineRequest:
    """One cart line as the customer asked for it (the backend prices it). `options` is a
    sorted tuple of (group id, choice id) pairs, so the request is hashable."""

    sku: str
    quantity: int = 1
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class StaySearch:
    """What a booking customer asked for: `check_in` is YYYY-MM-DD; no hotel and no city
    means every hotel, no room type every type."""

    check_in: str
    nights: int
    guests: int
    hotel_id: str | None = None
    city: str | None = None
    room_type: str | None = None


@dataclass(frozen=True)
class OrderRequest:
    customer_id: str
    merchant_id: str
    lines: tuple[LineRequest, ...]
    store_id: str | None = None
    pickup_time: str | None = None  # ISO 8601; None means as soon as possible


@dataclass(frozen=True)
class Order:
    id: str
    customer_id: str
    store_id: str
    store_name: str
    pickup_time: str
    asap: bool
    lines: tuple[PricedLine, ...]
    total: int
    status: str
    created_at: str
    currency: str = "CNY"
    pickup_code: str | None = None  # given at payment: what the customer says at the counter
    # When it should be ready (ISO 8601): as soon as possible, from the store's queue; moved
    # later when the store is busy; None when the backend does not say.
    ready_at: str | None = None
    stay: StayDetails | None = None  # a booking's dates, guests and cancellation deadline
    merchant_id: str = ""  # whose order it is ("": the backend serves one merchant)


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    confirmation_token: str | None  # None: a replayed placing of an order that cannot be paid


@dataclass(frozen=True)
class Payment:
    id: str
    order_id: str
    amount: int
    status: str


@dataclass(frozen=True)
class SecureSubmit:
    """Where a channel posts a secret (the PIN) so it never enters the dialogue."""

    url: str
    fields: dict[str, str] = field(default_factory=dict)


class MerchantBackend(Protocol):
    """What the assistant needs from a merchant. Every call may raise MerchantError.

    Customer-scoped calls name the customer (the conversation's verified sender), so an
    adapter can act for that customer only."""

    async def account(self, customer_id: str, merchant_id: str | None = None) -> Account:
        """The customer's account; its default store is `merchant_id`'s (None: the
        account's own default merchant's)."""
        ...

    async def merchants(self) -> list[Merchant]:
        """Every merchant the assistant can order from, in the platform's order."""
        ...

    async def menu(self, merchant_id: str, include_unavailable: bool = False) -> Menu: ...

    async def stores(self, merchant_id: str) -> list[Store]: ...

    async def nearby_stores(
        self, merchant_id: str, lat: float, lon: float, open_at: str | None, limit: int
    ) -> list[Store]:
        """Up to `limit` stores open at `open_at` (ISO 8601, merchant time; None: now),
        nearest to (lat, lon) first, with `distance_m`."""
        ...

    async def places_named(
        self, merchant_id: str, text: str, near: tuple[float, float] | None
    ) -> list[Place]:
        """The places `text` names among the merchant's store landmarks, districts and
        cities, longest name first; a name many stores bear is placed nearest `near`."""
        ...

    async def saved_places(self, customer_id: str) -> list[Place]: ...

    async def save_place(self, customer_id: str, name: str, lat: float, lon: float) -> Place:
        """Save (or move) the customer's place `name`; answers it as kept ("my office" is
        kept as "office")."""
        ...

    async def quote(self, merchant_id: str, lines: list[LineRequest]) -> Quote: ...

    async def stays(self, merchant_id: str, search: StaySearch) -> StayOffers:
        """A booking merchant's free stays for `search` (each with its total), or, with none
        free, the nearest alternatives."""
        ...

    async def place_order(self, request: OrderRequest, idempotency_key: str) -> PlacedOrder: ...

    async def order(self, customer_id: str, order_id: str) -> Order: ...

    async def orders(self, customer_id: str) -> list[Order]: ...

    async def cancel_order(
        self, customer_id: str, order_id: str, idempotency_key: str
    ) -> Order: ...

    async def pay(
        self,
        customer_id: str,
        order_id: str,
        confirmation_token: str,
        amount: int,
        idempotency_key: str,
    ) -> Payment:
        """Pay `amount` (the total read back to the customer) for the order. A different
        total, an expired or a used confirmation is `MerchantRejected`. A
        `MerchantUnavailable` here means the outcome is unknown: read the order's status."""
        ...

    def pin_verification_target(self, customer_id: str, order_id: str) -> SecureSubmit: ...

    async def request_handoff(self, customer_id: str, reason: str, transcript: list[str]) -> str:
        """Ask for a person; repeating the same request creates no second hand-off."""
        ...
