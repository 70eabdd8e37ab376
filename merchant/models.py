"""Database tables of the sandbox merchant platform (SQLite or PostgreSQL).

Money columns are integer fen. Instants are stored as naive UTC and come back as
aware UTC datetimes (`UtcDateTime`), so both databases behave the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    String,
    Text,
    Time,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

FIRST_ORDER_NUMBER = 1001
ID_LENGTH = 64
TEXT_LENGTH = 200

Base: Any = declarative_base()
UTC = ZoneInfo("UTC")


class UtcDateTime(TypeDecorator):
    """An aware datetime stored as naive UTC; refuses naive values to catch time-zone bugs."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UtcDateTime needs an aware datetime.")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Merchant(Base):
    __tablename__ = "merchants"

    id = Column(String(ID_LENGTH), primary_key=True)
    name = Column(String(TEXT_LENGTH), nullable=False)
    currency = Column(String(3), nullable=False)
    timezone = Column(String(ID_LENGTH), nullable=False)
    # Null for a merchant that serves no breakfast menu (everything all day).
    breakfast_start = Column(Time, nullable=True)
    breakfast_end = Column(Time, nullable=True)
    # From the merchant's pack (merchant/packs/schema.py): `menu` or `booking`; the names
    # people call it by (the display name first); pickup slots; the cancellation window.
    kind = Column(String(16), nullable=False, server_default="menu")
    names = Column(JSON, nullable=True)
    pickup = Column(JSON, nullable=True)
    cancel = Column(JSON, nullable=True)
    # The digest of the stores last written from the pack: a start with an unchanged pack
    # skips comparing its 5,000 stores row by row (merchant/seed.py).
    stores_digest = Column(String(ID_LENGTH), nullable=True)
    # A booking merchant's (merchant/stays.py): check-in and check-out times ("14:00") and
    # per room type how many guests it sleeps and how many rooms each hotel has:
    # `{"check_in", "check_out", "rooms": {room_type: {"guests", "rooms"}}}`. Null: a menu.
    booking = Column(JSON, nullable=True)


class Store(Base):
    __tablename__ = "stores"

    id = Column(String(ID_LENGTH), primary_key=True)
    merchant_id = Column(ForeignKey("merchants.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    name = Column(String(TEXT_LENGTH), nullable=False)
    address = Column(String(TEXT_LENGTH), nullable=False)
    opens = Column(Time, nullable=False)
    closes = Column(Time, nullable=False)
    aliases = Column(JSON, nullable=False)
    # The store network (issue 17 §4): WGS84 degrees, looked up with a k-d tree
    # (merchant/store_network.py). Null only on rows written before the network existed.
    lat = Column(Float, nullable=True)
    lon = Column(Float, nullable=True)
    city = Column(String(TEXT_LENGTH), nullable=True)
    district = Column(String(TEXT_LENGTH), nullable=True)
    landmarks = Column(JSON, nullable=True)
    services = Column(JSON, nullable=True)  # ["pickup", "breakfast"]
    slot_capacity = Column(Integer, nullable=True)
    # Named by hand in the pack's feed, and so in the short list `GET .../stores` answers
    # without `near` (the stores the assistant knows by their aliases); generated network
    # stores are found by location only.
    listed = Column(Boolean, nullable=False, server_default=text("true"))


class MenuItem(Base):
    """One sellable item. `price` is the base price (every option at its default);
    `options` is `[{"id", "name", "default", "choices": [{"id", "name", "price", "aliases"}]}]`
    (docs/merchant-api.md); `combo` is null or `{"includes": [sku]}`."""

    __tablename__ = "menu_items"

    merchant_id = Column(ForeignKey("merchants.id"), primary_key=True)
    sku = Column(String(ID_LENGTH), primary_key=True)
    position = Column(Integer, nullable=False)
    name = Column(String(TEXT_LENGTH), nullable=False)
    category = Column(String(ID_LENGTH), nullable=False)
    daypart = Column(String(ID_LENGTH), nullable=False)
    description = Column(Text, nullable=False)
    aliases = Column(JSON, nullable=False)
    price = Column(Integer, nullable=False)
    options = Column(JSON, nullable=False)
    combo = Column(JSON, nullable=True)


class Account(Base):
    """A sandbox wallet. `pin_hash` is `scrypt$n$r$p$salt$hash` (see merchant.hashing), or
    None until the customer sets a PIN of their own (`PUT /identity/pin`); `pin_digits` is its
    length, so the assistant asks for the right number of digits."""

    __tablename__ = "accounts"

    customer_id = Column(String(TEXT_LENGTH), primary_key=True)
    balance = Column(Integer, nullable=False)
    currency = Column(String(3), nullable=False)
    voice_pay_limit = Column(Integer, nullable=False)
    default_merchant_id = Column(String(ID_LENGTH), nullable=False)
    default_store_id = Column(String(ID_LENGTH), nullable=False)
    pin_hash = Column(String(TEXT_LENGTH), nullable=True)
    pin_digits = Column(Integer, nullable=True)
    failed_pin_attempts = Column(Integer, nullable=False, default=0)
    voice_pay_locked_until = Column(UtcDateTime, nullable=True)
    created_at = Column(UtcDateTime, nullable=False)


class Credential(Base):
    """A customer's sign-in password (its scrypt hash). Wrong passwords are throttled in
    memory (merchant.sign_in_throttle), not here.

    Its own table, so identity can move to a real identity provider without touching
    wallets; an account the service created (an OIDC customer, a test) has no row here and
    never gets one: `POST /identity/sign-up` only creates new accounts.
    """

    __tablename__ = "credentials"

    customer_id = Column(ForeignKey("accounts.customer_id"), primary_key=True)
    password_hash = Column(String(TEXT_LENGTH), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)


class SavedPlace(Base):
    """A place a customer named ("home", "office"): where "near my office" looks for stores.

    The customer's own, like their wallet: read and written only by them (or the service
    acting for them), never listed to anyone else (`/identity/places/{name}`). `name` is
    kept as the customer's folded word (lower case, single spaces), so "my Office" and
    "office" are one place."""

    __tablename__ = "saved_places"

    customer_id = Column(ForeignKey("accounts.customer_id"), primary_key=True)
    name = Column(String(ID_LENGTH), primary_key=True)
    lat = Column(Float, nullable=False)
    lon = Column(Float, nullable=False)
    updated_at = Column(UtcDateTime, nullable=False)


class SecurityEvent(Base):
    """What support may need to see: wrong PINs and passwords, and the locks they caused.

    `details` never holds a submitted secret.
    """

    __tablename__ = "security_events"

    id = Column(Integer, primary_key=True)
    customer_id = Column(String(TEXT_LENGTH), nullable=False, index=True)
    kind = Column(String(32), nullable=False)
    details = Column(JSON, nullable=False)
    created_at = Column(UtcDateTime, nullable=False)


class Order(Base):
    """An order; its number is the speakable public id ("1001").

    `status` moves only along merchant.ordering.TRANSITIONS. `pickup_code` is what the
    customer says at the counter: given at payment, unique per store and local day
    (`pickup_date`). `ready_at` is when it should be (then was) ready; `slot_start` the
    pickup slot it holds a place in.
    """

    __tablename__ = "orders"
    __table_args__ = (
        # An index, not a constraint: SQLite adds an index without copying the table.
        Index(
            "one_pickup_code_per_store_and_day",
            "store_id",
            "pickup_date",
            "pickup_code",
            unique=True,
        ),
        # Counting a store's places taken per pickup slot (merchant/pickup_slots.py).
        Index("orders_by_store_and_slot", "store_id", "slot_start"),
        {"sqlite_autoincrement": True},
    )

    number = Column(
        Integer,
        Sequence("orders_number_seq", start=FIRST_ORDER_NUMBER),
        primary_key=True,
    )
    customer_id = Column(ForeignKey("accounts.customer_id"), nullable=False, index=True)
    merchant_id = Column(ForeignKey("merchants.id"), nullable=False)
    store_id = Column(ForeignKey("stores.id"), nullable=False)
    pickup_time = Column(UtcDateTime, nullable=False)
    asap = Column(Boolean, nullable=False)
    total = Column(Integer, nullable=False)
    currency = Column(String(3), nullable=False)
    status = Column(String(16), nullable=False)
    # SHA-256 of the one-time confirmation token; cleared once a payment uses it.
    confirmation_token_hash = Column(String(64), nullable=True)
    created_at = Column(UtcDateTime, nullable=False)
    pickup_code = Column(String(8), nullable=True)
    pickup_date = Column(Date, nullable=True)
    ready_at = Column(UtcDateTime, nullable=True)
    status_changed_at = Column(UtcDateTime, nullable=True)
    # The start of the pickup slot the order holds a place in (merchant/pickup_slots.py).
    slot_start = Column(UtcDateTime, nullable=True)

    lines = relationship(
        "OrderLine",
        order_by="OrderLine.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    # Not "joined": PostgreSQL refuses FOR UPDATE across an outer join.
    store = relationship("Store", lazy="selectin")
    merchant = relationship("Merchant", lazy="selectin")


# SQLite has no sequences: start its AUTOINCREMENT counter so the first order is 1001 too.
event.listen(
    Order.__table__,
    "after_create",
    DDL(
        f"INSERT INTO sqlite_sequence (name, seq) VALUES ('orders', {FIRST_ORDER_NUMBER - 1})"
    ).execute_if(dialect="sqlite"),
)


class RoomNight(Base):
    """Rooms of one type booked at one hotel for one night (the night starting on `night`,
    local date). Only what is booked is recorded: a hotel has `merchants.booking`'s room
    count of each type every night. Written in the payment's transaction with one
    conditional UPDATE (`booked < rooms`), so two payments cannot both take the last room;
    a refund gives the nights back (merchant/stays.py)."""

    __tablename__ = "room_nights"

    merchant_id = Column(ForeignKey("merchants.id"), nullable=False)
    hotel_id = Column(ForeignKey("stores.id"), primary_key=True)
    room_type = Column(String(ID_LENGTH), primary_key=True)
    night = Column(Date, primary_key=True)
    booked = Column(Integer, nullable=False)


class OrderEvent(Base):
    """One status change of an order, written in the transaction that made it: the outbox
    that notifications are read from. `delivered_at` is set once a client of the customer
    has been told (docs/design/merchant-model.md §5)."""

    __tablename__ = "order_events"

    id = Column(Integer, primary_key=True)
    order_number = Column(ForeignKey("orders.number"), nullable=False, index=True)
    customer_id = Column(String(TEXT_LENGTH), nullable=False, index=True)
    status = Column(String(16), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    delivered_at = Column(UtcDateTime, nullable=True)


class Staff(Base):
    """A store's staff member in the sandbox identity: `password_hash` is the same scrypt as
    customers' (merchant.hashing), `stores` the store ids they serve. Staff sign in for a
    token of their own audience, which no customer route accepts."""

    __tablename__ = "staff"

    staff_id = Column(String(ID_LENGTH), primary_key=True)
    password_hash = Column(String(TEXT_LENGTH), nullable=False)
    role = Column(String(16), nullable=False)
    stores = Column(JSON, nullable=False)
    created_at = Column(UtcDateTime, nullable=False)


class OrderLine(Base):
    """A priced line as ordered. `options` is the chosen choice of every group of the item, in
    catalogue order: `[{"group", "group_name", "choice", "choice_name", "price", "default"}]`,
    kept with the names and prices of the moment the order was placed."""

    __tablename__ = "order_lines"

    id = Column(Integer, primary_key=True)
    order_number = Column(ForeignKey("orders.number"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    sku = Column(String(ID_LENGTH), nullable=False)
    name = Column(String(TEXT_LENGTH), nullable=False)
    quantity = Column(Integer, nullable=False)
    options = Column(JSON, nullable=False)
    unit_price = Column(Integer, nullable=False)
    line_total = Column(Integer, nullable=False)


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        # The database itself refuses a second captured payment for one order.
        Index(
            "one_captured_payment_per_order",
            "order_number",
            unique=True,
            sqlite_where=text("status = 'captured'"),
            postgresql_where=text("status = 'captured'"),
        ),
    )

    id = Column(String(ID_LENGTH), primary_key=True)
    order_number = Column(ForeignKey("orders.number"), nullable=False, index=True)
    customer_id = Column(ForeignKey("accounts.customer_id"), nullable=False)
    amount = Column(Integer, nullable=False)
    currency = Column(String(3), nullable=False)
    status = Column(String(16), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    refunded_at = Column(UtcDateTime, nullable=True)


class PinVerification(Base):
    """A correct PIN for one order, spendable once by a payment before `expires_at`."""

    __tablename__ = "pin_verifications"

    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("accounts.customer_id"), nullable=False)
    order_number = Column(ForeignKey("orders.number"), nullable=False, index=True)
    created_at = Column(UtcDateTime, nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)
    consumed_at = Column(UtcDateTime, nullable=True)
    payment_id = Column(String(ID_LENGTH), nullable=True)


class Handoff(Base):
    __tablename__ = "handoffs"

    id = Column(String(ID_LENGTH), primary_key=True)
    customer_id = Column(String(TEXT_LENGTH), nullable=False, index=True)
    reason = Column(Text, nullable=False)
    transcript = Column(JSON, nullable=False)
    status = Column(String(16), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)


class IdempotencyRecord(Base):
    """The first successful response to (scope, key); the unique constraint settles races."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("scope", "key", name="one_record_per_key"),)

    id = Column(Integer, primary_key=True)
    scope = Column(String(32), nullable=False)
    key = Column(String(TEXT_LENGTH), nullable=False)
    fingerprint = Column(String(64), nullable=False)
    status_code = Column(Integer, nullable=True)
    response = Column(JSON, nullable=True)
    created_at = Column(UtcDateTime, nullable=False)
