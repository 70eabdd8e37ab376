"""An in-memory MerchantBackend for tracker-level dialogue tests.

A fake, because these tests exercise the dialogue logic alone: no model, no services.
It keeps the rules the dialogue relies on (idempotent orders, one-time tokens bound to
the amount, the voice-pay limit, refunds) so that a test can check where money went.
The real platform is tested in tests/merchant and end to end in tests/e2e.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from actions.merchants.backend import (
    Account,
    LineRequest,
    Menu,
    MenuItem,
    Merchant,
    MerchantRejected,
    MerchantUnavailable,
    OptionChoice,
    OptionGroup,
    Order,
    OrderRequest,
    Payment,
    Place,
    PlacedOrder,
    SecureSubmit,
    Store,
)
from contracts.location import saved_place_name
from contracts.pricing import ChosenOption, PricedLine, Quote

NOW = "2026-11-24T08:00:00+08:00"
BALANCE = 50000
VOICE_PAY_LIMIT = 10000


def group(gid: str, name: str, default: str, *choices: tuple[str, str, int]) -> OptionGroup:
    return OptionGroup(gid, name, default, tuple(OptionChoice(*c) for c in choices))


SIZE = group("size", "Size", "medium", ("medium", "Medium", 0), ("large", "Large", 300))
MILK = group("milk", "Milk", "whole", ("whole", "Whole", 0), ("oat", "Oat", 200))
CAFFEINE = group(
    "caffeine", "Caffeine", "regular", ("regular", "Regular", 0), ("decaf", "Decaf", 0)
)
TEMPERATURE = group("temperature", "Temperature", "hot", ("hot", "Hot", 0), ("iced", "Iced", 0))
MENU_ITEMS = (
    MenuItem("muffin", "Egg & Sausage Muffin", "food", "breakfast", 1250, True),
    MenuItem("hash-brown", "Hash Brown", "food", "breakfast", 700, True),
    MenuItem("youtiao", "Youtiao", "food", "breakfast", 400, True),
    MenuItem("latte", "Latte", "drink", "all_day", 1600, True, (SIZE, MILK, CAFFEINE, TEMPERATURE)),
    MenuItem("americano", "Americano", "drink", "all_day", 1200, True, (SIZE, CAFFEINE)),
    MenuItem(
        "soy-milk",
        "Soy Milk",
        "drink",
        "breakfast",
        500,
        True,
        (group("size", "Size", "regular", ("regular", "Regular", 0), ("large", "Large", 200)),),
    ),
    MenuItem(
        "combo",
        "Breakfast Combo",
        "combo",
        "breakfast",
        2500,
        True,
        (
            group(
                "drink",
                "Drink",
                "americano",
                ("americano", "Americano", 0),
                ("soy-milk", "Soy Milk", 0),
            ),
            group("size", "Size", "regular", ("regular", "Regular", 0), ("large", "Large", 300)),
        ),
        includes=("muffin", "hash-brown"),
    ),
)
STORES = [
    Store("s-centre", "Centre", "1 Main Road", "06:00", "22:00", True),
    Store("s-river", "Riverside", "2 River Road", "07:00", "20:00", True),
]


@dataclass
class Charge:
    order_id: str
    amount: int
    refunded: bool = False


@dataclass
class FakeBackend:
    """The merchant, in memory. ``down`` makes every call fail; ``lose_pay_answer``
    captures the next payment and then fails as if its answer was lost."""

    orders_by_id: dict[str, Order] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # order id -> unused token
    keys: dict[str, str] = field(default_factory=dict)  # idempotency key -> order id
    charges: list[Charge] = field(default_factory=list)
    pin_verified: set[str] = field(default_factory=set)
    cancels: list[str] = field(default_factory=list)
    handoffs: list[list[str]] = field(default_factory=list)
    down: bool = False
    lose_pay_answer: bool = False
    next_id: int = 1001
    places: dict[str, dict[str, Place]] = field(default_factory=dict)  # by customer, by name

    # -- the protocol ------------------------------------------------------------
    async def account(self, customer_id: str, merchant_id: str | None = None) -> Account:
        self._up()
        return Account(customer_id, self.balance(), VOICE_PAY_LIMIT, "m", "s-centre")

    async def merchants(self) -> list[Merchant]:
        """One merchant: the fake serves the same menu whatever merchant is asked for."""
        self._up()
        return [Merchant("m", ("Fake Shop",))]

    async def menu(self, merchant_id: str, include_unavailable: bool = False) -> Menu:
        self._up()
        return Menu(merchant_id, NOW, True, "06:00", "10:30", MENU_ITEMS)

    async def stores(self, merchant_id: str) -> list[Store]:
        self._up()
        return list(STORES)

    # The fake's stores have no location: it finds no store near anywhere and no place
    # by name (tests/actions/test_stores_nearby.py runs those at the sandbox platform).
    async def nearby_stores(
        self, merchant_id: str, lat: float, lon: float, open_at: str | None, limit: int
    ) -> list[Store]:
        self._up()
        return []

    async def places_named(
        self, merchant_id: str, text: str, near: tuple[float, float] | None
    ) -> list[Place]:
        self._up()
        return []

    async def saved_places(self, customer_id: str) -> list[Place]:
        self._up()
        return list(self.places.get(customer_id, {}).values())

    async def save_place(self, customer_id: str, name: str, lat: float, lon: float) -> Place:
        self._up()
        place = Place(saved_place_name(name), "saved", lat, lon)
        self.places.setdefault(customer_id, {})[place.name] = place
        return place

    async def quote(self, merchant_id: str, lines: list[LineRequest]) -> Quote:
        self._up()
        priced = tuple(self._price(line) for line in lines)
        return Quote(lines=priced, total=sum(line.line_total for line in priced))

    async def place_order(self, request: OrderRequest, idempotency_key: str) -> PlacedOrder:
        self._up()
        if idempotency_key in self.keys:
            order = self.orders_by_id[self.keys[idempotency_key]]
            return PlacedOrder(order, self.tokens.get(order.id, "used"))
        lines = tuple(self._price(line) for line in request.lines)
        order = Order(
            id=str(self.next_id),
            customer_id=request.customer_id,
            store_id=request.store_id or "s-centre",
            store_name="Centre" if (request.store_id or "s-centre") == "s-centre" else "Riverside",
            pickup_time=request.pickup_time or "2026-11-24T08:10:00+08:00",
            asap=request.pickup_time is None,
            lines=lines,
            total=sum(line.line_total for line in lines),
            status="placed",
            created_at=NOW,
            merchant_id=request.merchant_id,
        )
        self.next_id += 1
        self.orders_by_id[order.id] = order
        self.keys[idempotency_key] = order.id
        token = hashlib.sha256(f"{order.id}{idempotency_key}".encode()).hexdigest()[:16]
        self.tokens[order.id] = token
        return PlacedOrder(order, token)

    async def order(self, customer_id: str, order_id: str) -> Order:
        self._up()
        return self._own(customer_id, order_id)

    async def orders(self, customer_id: str) -> list[Order]:
        self._up()
        mine = [o for o in self.orders_by_id.values() if o.customer_id == customer_id]
        return sorted(mine, key=lambda o: int(o.id), reverse=True)

    async def cancel_order(self, customer_id: str, order_id: str, idempotency_key: str) -> Order:
        self._up()
        order = self._own(customer_id, order_id)
        if order.status in ("cancelled", "refunded"):
            return order
        self.cancels.append(order_id)
        status = "cancelled"
        for charge in self.charges:
            if charge.order_id == order_id and not charge.refunded:
                charge.refunded, status = True, "refunded"
        order = replace(order, status=status)
        self.orders_by_id[order_id] = order
        self.tokens.pop(order_id, None)
        return order

    async def pay(
        self,
        customer_id: str,
        order_id: str,
        confirmation_token: str,
        amount: int,
        idempotency_key: str,
    ) -> Payment:
        self._up()
        order = self._own(customer_id, order_id)
        if order.status == "paid":
            raise MerchantRejected("order_already_paid", "That order is already paid.")
        if order.status != "placed" or self.tokens.get(order_id) != confirmation_token:
            raise MerchantRejected("confirmation_expired", "That confirmation has expired.")
        if amount != order.total:
            raise MerchantRejected("amount_mismatch", "The total has changed.")
        if order.total > VOICE_PAY_LIMIT and order_id not in self.pin_verified:
            raise MerchantRejected(
                "pin_required", "A PIN is needed.", {"voice_pay_limit": VOICE_PAY_LIMIT}
            )
        self.charges.append(Charge(order_id, amount))
        self.orders_by_id[order_id] = replace(order, status="paid")
        self.tokens.pop(order_id)
        if self.lose_pay_answer:
            self.lose_pay_answer = False
            raise MerchantUnavailable("timeout after the capture")
        return Payment(f"pay-{order_id}", order_id, amount, "captured")

    def pin_verification_target(self, customer_id: str, order_id: str) -> SecureSubmit:
        return SecureSubmit("http://merchant.test/pin", {"order_id": order_id})

    async def request_handoff(self, customer_id: str, reason: str, transcript: list[str]) -> str:
        self._up()
        self.handoffs.append(transcript)
        return f"H{len(self.handoffs)}"

    # -- what tests read ----------------------------------------------------------
    def balance(self) -> int:
        return BALANCE - sum(c.amount for c in self.charges if not c.refunded)

    def captured(self) -> list[tuple[str, int]]:
        return [(c.order_id, c.amount) for c in self.charges]

    def status(self, order_id: str) -> str:
        return self.orders_by_id[order_id].status

    def _up(self) -> None:
        if self.down:
            raise MerchantUnavailable("the fake merchant is down")

    def _own(self, customer_id: str, order_id: str) -> Order:
        order = self.orders_by_id.get(order_id)
        if order is None or order.customer_id != customer_id:
            raise MerchantRejected("order_not_found", "No such order.")
        return order

    def _price(self, line: LineRequest) -> PricedLine:
        item = next((i for i in MENU_ITEMS if i.sku == line.sku), None)
        if item is None:
            raise MerchantRejected("invalid_item", f"No item {line.sku}.")
        said = dict(line.options)
        chosen = []
        unit = item.price
        for g in item.options:
            choice = g.choice(said.pop(g.id, g.default))
            default = g.choice(g.default)
            if choice is None or default is None:
                raise MerchantRejected("invalid_option", f"options.{g.id}")
            unit += choice.price - default.price
            chosen.append(
                ChosenOption(
                    group=g.id,
                    group_name=g.name,
                    choice=choice.id,
                    choice_name=choice.name,
                    price=choice.price,
                    default=choice.id == g.default,
                )
            )
        if said:
            raise MerchantRejected("invalid_option", f"options.{next(iter(said))}")
        return PricedLine(
            sku=line.sku,
            name=item.name,
            quantity=line.quantity,
            options=tuple(chosen),
            unit_price=unit,
            line_total=unit * line.quantity,
        )


class ConfiguredFakeBackend(FakeBackend):
    """The fake as ``ORDERLY_MERCHANT_BACKEND`` names it: built from the settings."""

    def __init__(self, settings: object) -> None:
        super().__init__()
