"""What the sandbox merchant platform answers (``docs/merchant-api.md``), one class per body.

The platform declares them as its routes' ``response_model``s, so its OpenAPI document
(``/docs``, ``/openapi.json``) shows every body and every error; the action server's
sandbox adapter reads the priced lines with the same ``PricedLine``. Amounts are integer
fen, strict (a float is refused, never rounded); instants are ISO 8601 with the merchant's
offset.
"""

from __future__ import annotations

from pydantic import BaseModel, Extra, StrictInt

from contracts.pricing import PricedLine

# --- errors ------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    """``code`` is stable (clients branch on it), ``message`` a sentence for a person. Some
    errors add keys (``reason``, ``problems``, ``locked_until``, ``attempts_left``...)."""

    code: str
    message: str
    field: str | None = None

    class Config:
        extra = Extra.allow


class SlotFull(ErrorDetail):
    """``409 slot_full``: the store has no room left in the pickup slot asked for.

    ``slot_start``/``slot_end`` bound the full slot and ``capacity`` is the store's orders per
    slot; ``next_free`` holds up to three later slot starts today that have room, when the
    store is open and everything ordered is served (empty: none left today). Instants are
    ISO 8601 with the merchant's offset."""

    slot_start: str
    slot_end: str
    capacity: StrictInt
    next_free: list[str]


class ErrorBody(BaseModel):
    error: ErrorDetail


# --- identity and catalogue --------------------------------------------------------------


class Token(BaseModel):
    token: str
    expires_in: int


class PinSet(BaseModel):
    pin_set: bool


class Health(BaseModel):
    status: str
    now: str


class Hours(BaseModel):
    start: str
    end: str


class Merchant(BaseModel):
    id: str
    name: str
    currency: str
    timezone: str
    breakfast: Hours | None  # None: everything is served all day
    # From the merchant's pack: what people call it (the display name first), its kind
    # (`menu` or `booking`) and how many stores its network has.
    names: list[str] = []
    kind: str = "menu"
    store_count: StrictInt = 0


class Merchants(BaseModel):
    merchants: list[Merchant]


class Choice(BaseModel):
    id: str
    name: str
    price: StrictInt
    aliases: list[str]


class OptionGroup(BaseModel):
    id: str
    name: str
    default: str
    choices: list[Choice]


class Combo(BaseModel):
    includes: list[str]


class MenuItem(BaseModel):
    sku: str
    name: str
    category: str
    daypart: str
    aliases: list[str]
    available: bool
    description: str
    price: StrictInt
    options: list[OptionGroup]
    combo: Combo | None


class Menu(BaseModel):
    """``kind`` is the merchant's (``menu``, or ``booking``: its items are room types, priced
    per night, and an order is a stay: ``GET /merchants/{id}/stays``)."""

    merchant_id: str
    kind: str = "menu"
    now: str
    asap_pickup_time: str
    breakfast_served: bool
    breakfast: Hours | None
    items: list[MenuItem]


class Store(BaseModel):
    id: str
    merchant_id: str
    name: str
    address: str
    opens: str
    closes: str
    open_now: bool
    aliases: list[str]
    # Where it is (WGS84 degrees) and what it offers; `distance_m` (metres along the
    # ground) answers `near=LAT,LON` and is null without it.
    lat: float | None = None
    lon: float | None = None
    city: str | None = None
    district: str | None = None
    landmarks: list[str] = []
    services: list[str] = []
    distance_m: StrictInt | None = None


class Stores(BaseModel):
    stores: list[Store]


class Place(BaseModel):
    """A place said in words ("People's Square", "Xujiahui", "Nanjing Road"), found among the
    stores' districts, landmarks and cities; `lat`/`lon` are those of the store bearing the
    name nearest the customer (or the merchant's first, with no location given)."""

    name: str
    kind: str  # "landmark", "district" or "city"
    lat: float
    lon: float


class Places(BaseModel):
    """The places an utterance names, the longest name first."""

    places: list[Place]


class SavedPlace(BaseModel):
    """A customer's own named place ("office", "home")."""

    name: str
    lat: float
    lon: float


class SavedPlaces(BaseModel):
    places: list[SavedPlace]


class Quote(BaseModel):
    """The merchant API calls an order's lines ``items``."""

    items: list[PricedLine]
    total: StrictInt
    currency: str


# --- customers ---------------------------------------------------------------------------


class Account(BaseModel):
    customer_id: str
    balance: StrictInt
    currency: str
    voice_pay_limit: StrictInt
    default_merchant_id: str
    default_store_id: str
    voice_pay_locked_until: str | None
    pin_set: bool  # the customer chose a PIN (PUT /identity/pin); payments past the limits need one


class PinVerification(BaseModel):
    verified: bool
    order_id: str
    expires_at: str | None


class SecurityEvent(BaseModel):
    """A wrong PIN or password, or the lock it caused; the details depend on ``kind``."""

    kind: str
    created_at: str | None

    class Config:
        extra = Extra.allow


class SecurityEvents(BaseModel):
    events: list[SecurityEvent]


class StayDetails(BaseModel):
    """A booking's stay (issue 17 §3): the hotel is the order's store, the room type its one
    line's sku. ``free_cancel_until`` is when cancelling stops being refunded."""

    hotel_id: str
    room_type: str
    check_in: str
    check_out: str
    nights: StrictInt
    guests: StrictInt
    free_cancel_until: str | None


class StayOffer(BaseModel):
    """A stay that can be booked: ``total = price_per_night * nights``."""

    hotel_id: str
    hotel_name: str
    city: str | None
    room_type: str
    room_name: str
    check_in: str
    check_out: str
    nights: StrictInt
    guests: StrictInt
    price_per_night: StrictInt
    total: StrictInt
    rooms_left: StrictInt


class StayOffers(BaseModel):
    """``GET /merchants/{id}/stays``: the free stays; with none, ``alternatives`` (another
    room type, the nearest hotel in the city, neighbouring dates)."""

    merchant_id: str
    now: str
    offers: list[StayOffer]
    alternatives: list[StayOffer]


class Order(BaseModel):
    """``status``: placed, paid, accepted, preparing, ready, collected, uncollected, cancelled
    or refunded (docs/merchant-api.md "An order's life"). ``pickup_code`` is given at payment
    (None before); ``ready_at`` is when the order should be ready, then when it was."""

    id: str
    customer_id: str
    merchant_id: str
    store_id: str
    store_name: str
    pickup_time: str | None
    asap: bool
    items: list[PricedLine]
    total: StrictInt
    currency: str
    status: str
    created_at: str | None
    pickup_code: str | None
    ready_at: str | None
    status_changed_at: str | None
    stay: StayDetails | None = None  # a booking's; None for a menu order


class PlacedOrder(Order):
    """``confirmation_token`` authorises the payment of this order (None once it cannot be
    paid any more, on a replay of the placing request)."""

    confirmation_token: str | None


class Orders(BaseModel):
    orders: list[Order]


class Payment(BaseModel):
    id: str
    order_id: str
    amount: StrictInt
    currency: str
    status: str
    created_at: str | None
    refunded_at: str | None


class Payments(BaseModel):
    payments: list[Payment]


class Handoff(BaseModel):
    id: str
    customer_id: str
    reason: str
    transcript: list[str]
    status: str
    created_at: str | None


class Handoffs(BaseModel):
    handoffs: list[Handoff]


# --- the store's staff -------------------------------------------------------------------


class StaffOrder(BaseModel):
    """An order as the store's staff see it (no customer id). ``actions`` are the staff
    actions its status allows now (``accept``, ``reject``, ``start``, ``ready``,
    ``collected``): the staff screen's buttons."""

    id: str
    store_id: str
    status: str
    pickup_code: str | None
    pickup_time: str | None
    asap: bool
    ready_at: str | None
    items: list[PricedLine]
    created_at: str | None
    status_changed_at: str | None
    actions: list[str]


class StaffOrders(BaseModel):
    store_id: str
    orders: list[StaffOrder]


class StaffStore(BaseModel):
    id: str
    name: str


class StaffAccount(BaseModel):
    staff_id: str
    role: str
    stores: list[StaffStore]


# --- what the customer is told after the store acts -----------------------------------------


class OrderNotification(BaseModel):
    """One change of an order the customer has not been told about yet: ``status`` is the
    state it entered (``accepted``, ``preparing``, ``ready``, ``collected``, ``uncollected``,
    or ``refunded`` when the store rejected it), ``at`` when (ISO 8601). ``id`` orders them."""

    id: StrictInt
    order_id: str
    status: str
    at: str


class OrderNotifications(BaseModel):
    """What ``POST /notifications/claim`` hands over, now marked delivered: the newest change
    of each order, oldest first (empty when nothing changed within the wait)."""

    notifications: list[OrderNotification]
