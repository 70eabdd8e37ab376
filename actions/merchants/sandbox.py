"""Adapter for the sandbox merchant platform (``merchant/``, see docs/merchant-api.md)."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

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
    StaySearch,
    Store,
)
from actions.settings import Settings
from contracts import merchant_api as api
from contracts.pricing import Quote
from contracts.telemetry import turn_headers

logger = logging.getLogger(__name__)
Answer = TypeVar("Answer", bound=BaseModel)

CUSTOMER_HEADER = "X-Orderly-Customer"
# The platform's limits on a hand-off transcript (docs/merchant-api.md "Hand-off"): the
# adapter keeps the latest turns that fit instead of losing the whole hand-off.
MAX_TRANSCRIPT_LINES = 200
MAX_TRANSCRIPT_LINE_CHARACTERS = 2000
MAX_TRANSCRIPT_CHARACTERS = 20_000
# Platform codes the dialogue knows by the name in actions/merchants/backend.py.
CODE_NAMES = {"unknown_order": "order_not_found"}
# Refusals whose platform message speaks to a developer, reworded for the customer.
CUSTOMER_MESSAGES = {
    "unauthorized": "I couldn't confirm who you are with the shop just now, so I can't do "
    "that. Please sign in again.",
    "forbidden": "I couldn't confirm who you are with the shop just now, so I can't do that.",
    "confirmation_expired": "That confirmation has expired, so I haven't charged you. "
    "Let me read the order back again.",
    "amount_mismatch": "The total isn't what I read back, so I haven't charged you. "
    "Let me read the order back again.",
    "order_not_found": "I can't find that order.",
}


def content_key(scope: str, body: dict[str, Any]) -> str:
    """An idempotency key derived from what is sent: the same request, retried or repeated,
    gets the same key, so the platform acts on it once."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{scope}-{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:48]}"


class SandboxBackend:
    """Talks HTTP to the sandbox platform, retrying transient failures.

    Retries reuse the caller's idempotency key, so a request that timed out after
    the platform acted is answered from the platform's record instead of acting twice.
    Customer calls carry the service token and name the customer (`X-Orderly-Customer`);
    the platform acts only on that customer's orders, payments and hand-offs.
    """

    def __init__(self, settings: Settings, client: httpx.AsyncClient | None = None) -> None:
        self._settings = settings
        self._client = client or httpx.AsyncClient(
            base_url=settings.merchant_url, timeout=settings.merchant_timeout_seconds
        )

    async def account(self, customer_id: str, merchant_id: str | None = None) -> Account:
        # The account is the platform's; its defaults as the merchant in use sees them:
        # that merchant's own store, never another's.
        path = f"/accounts/{_part(customer_id)}"
        params = {"merchant_id": merchant_id} if merchant_id else None
        data = await self._request("GET", path, params=params, customer=customer_id)
        account = _read(api.Account, data, path)
        return Account(
            customer_id=account.customer_id,
            balance=account.balance,
            voice_pay_limit=account.voice_pay_limit,
            default_merchant_id=account.default_merchant_id,
            default_store_id=account.default_store_id,
            voice_pay_locked_until=account.voice_pay_locked_until,
        )

    async def merchants(self) -> list[Merchant]:
        found = _read(api.Merchants, await self._request("GET", "/merchants"), "/merchants")
        return [Merchant(m.id, tuple(m.names) or (m.name,), m.kind) for m in found.merchants]

    async def menu(self, merchant_id: str, include_unavailable: bool = False) -> Menu:
        params = {"all": "true"} if include_unavailable else None
        path = f"/merchants/{merchant_id}/menu"
        menu = _read(api.Menu, await self._request("GET", path, params=params), path)
        breakfast = menu.breakfast or api.Hours(start="", end="")  # None: no breakfast menu
        return Menu(
            merchant_id=menu.merchant_id,
            now=menu.now,
            breakfast_served=menu.breakfast_served,
            breakfast_start=breakfast.start,
            breakfast_end=breakfast.end,
            items=tuple(_menu_item(item) for item in menu.items),
            kind=menu.kind,
        )

    async def stores(self, merchant_id: str) -> list[Store]:
        path = f"/merchants/{merchant_id}/stores"
        stores = _read(api.Stores, await self._request("GET", path), path)
        return [_store(store) for store in stores.stores]

    async def nearby_stores(
        self, merchant_id: str, lat: float, lon: float, open_at: str | None, limit: int
    ) -> list[Store]:
        path = f"/merchants/{merchant_id}/stores"
        params = {"near": f"{lat:.6f},{lon:.6f}", "limit": str(limit)}
        if open_at is not None:
            params["open_at"] = open_at
        stores = _read(api.Stores, await self._request("GET", path, params=params), path)
        return [_store(store) for store in stores.stores]

    async def places_named(
        self, merchant_id: str, text: str, near: tuple[float, float] | None
    ) -> list[Place]:
        path = f"/merchants/{merchant_id}/places"
        params = {"q": text}
        if near is not None:
            params["near"] = f"{near[0]:.6f},{near[1]:.6f}"
        found = _read(api.Places, await self._request("GET", path, params=params), path)
        return [Place(p.name, p.kind, p.lat, p.lon) for p in found.places]

    async def saved_places(self, customer_id: str) -> list[Place]:
        data = await self._request("GET", "/identity/places", customer=customer_id)
        found = _read(api.SavedPlaces, data, "/identity/places")
        return [Place(p.name, "saved", p.lat, p.lon) for p in found.places]

    async def save_place(self, customer_id: str, name: str, lat: float, lon: float) -> Place:
        path = f"/identity/places/{_part(name)}"
        data = await self._request("PUT", path, json={"lat": lat, "lon": lon}, customer=customer_id)
        saved = _read(api.SavedPlace, data, path)
        return Place(saved.name, "saved", saved.lat, saved.lon)

    async def quote(self, merchant_id: str, lines: list[LineRequest]) -> Quote:
        body = {"items": [_line_body(line) for line in lines]}
        path = f"/merchants/{merchant_id}/quotes"
        quoted = _read(api.Quote, await self._request("POST", path, json=body), path)
        return Quote(lines=tuple(quoted.items), total=quoted.total, currency=quoted.currency)

    async def stays(self, merchant_id: str, search: StaySearch) -> api.StayOffers:
        path = f"/merchants/{merchant_id}/stays"
        params = {
            key: str(value)
            for key, value in dataclasses.asdict(search).items()
            if value is not None
        }
        return _read(api.StayOffers, await self._request("GET", path, params=params), path)

    async def place_order(self, request: OrderRequest, idempotency_key: str) -> PlacedOrder:
        body = {
            "customer_id": request.customer_id,
            "merchant_id": request.merchant_id,
            "store_id": request.store_id,
            "pickup_time": request.pickup_time,
            "items": [_line_body(line) for line in request.lines],
        }
        data = await self._request(
            "POST",
            "/orders",
            json=body,
            idempotency_key=idempotency_key,
            customer=request.customer_id,
        )
        placed = _read(api.PlacedOrder, data, "/orders")
        return PlacedOrder(order=_order(placed), confirmation_token=placed.confirmation_token)

    async def order(self, customer_id: str, order_id: str) -> Order:
        path = f"/orders/{_part(order_id)}"
        data = await self._request("GET", path, customer=customer_id)
        return _order(_read(api.Order, data, path))

    async def orders(self, customer_id: str) -> list[Order]:
        data = await self._request("GET", "/orders", customer=customer_id)
        return [_order(order) for order in _read(api.Orders, data, "/orders").orders]

    async def cancel_order(self, customer_id: str, order_id: str, idempotency_key: str) -> Order:
        path = f"/orders/{_part(order_id)}/cancel"
        data = await self._request(
            "POST", path, idempotency_key=idempotency_key, customer=customer_id
        )
        return _order(_read(api.Order, data, path))

    async def pay(
        self,
        customer_id: str,
        order_id: str,
        confirmation_token: str,
        amount: int,
        idempotency_key: str,
    ) -> Payment:
        body = {"order_id": order_id, "confirmation_token": confirmation_token, "amount": amount}
        data = await self._request(
            "POST", "/payments", json=body, idempotency_key=idempotency_key, customer=customer_id
        )
        payment = _read(api.Payment, data, "/payments")
        return Payment(
            id=payment.id, order_id=payment.order_id, amount=payment.amount, status=payment.status
        )

    def pin_verification_target(self, customer_id: str, order_id: str) -> SecureSubmit:
        """Where the channel posts the PIN, with the customer's own bearer token (which the
        channel adds): the PIN never passes through the dialogue or this adapter."""
        path = f"/accounts/{_part(customer_id)}/pin-verifications"
        return SecureSubmit(
            url=f"{self._settings.merchant_url}{path}", fields={"order_id": order_id}
        )

    async def request_handoff(self, customer_id: str, reason: str, transcript: list[str]) -> str:
        """Open a hand-off; the Idempotency-Key comes from the content, so a retry (or the
        same request repeated) opens one hand-off, not two."""
        lines = fit_transcript(transcript)
        body = {"customer_id": customer_id, "reason": reason, "transcript": lines}
        data = await self._request(
            "POST",
            "/handoffs",
            json=body,
            idempotency_key=content_key("handoff", body),
            customer=customer_id,
        )
        return str(data["id"])

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        idempotency_key: str | None = None,
        customer: str | None = None,
    ) -> Any:
        headers = turn_headers()  # the turn's id, so the merchant's log lines carry it
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if customer is not None:
            headers["Authorization"] = f"Bearer {self._settings.merchant_service_token}"
            headers[CUSTOMER_HEADER] = customer
        delays = self._settings.merchant_retry_delays_seconds
        for attempt in range(len(delays) + 1):
            try:
                response = await self._client.request(
                    method, path, json=json, params=params, headers=headers
                )
            except httpx.TransportError as error:
                failure = f"{type(error).__name__} on {method} {path}"
            else:
                if response.status_code < 500:
                    return _payload(response)
                failure = f"HTTP {response.status_code} on {method} {path}"
            if attempt < len(delays):
                logger.warning("merchant backend: %s; retrying", failure)
                await asyncio.sleep(delays[attempt])
        raise MerchantUnavailable(failure)


def _payload(response: httpx.Response) -> Any:
    try:
        data = response.json()
    except ValueError as error:
        raise MerchantUnavailable(f"non-JSON answer ({response.status_code})") from error
    if response.is_success:
        return data
    refusal = data.get("error", {}) if isinstance(data, dict) else {}
    details = {k: v for k, v in refusal.items() if k not in ("code", "message")}
    code = str(refusal.get("code", "rejected"))
    code = CODE_NAMES.get(code, code)
    message = str(refusal.get("message", "The merchant could not do that."))
    raise MerchantRejected(code, CUSTOMER_MESSAGES.get(code, message), details)


def _part(value: str) -> str:
    """One URL path segment: a customer or order id can never add a path of its own."""
    return quote(value, safe="")


def fit_transcript(transcript: list[str]) -> list[str]:
    """The latest turns within the platform's transcript limits, each line cut to length."""
    kept: list[str] = []
    total = 0
    for line in reversed(transcript[-MAX_TRANSCRIPT_LINES:]):
        line = line[:MAX_TRANSCRIPT_LINE_CHARACTERS]
        if total + len(line) > MAX_TRANSCRIPT_CHARACTERS:
            break
        kept.append(line)
        total += len(line)
    return kept[::-1]


def _line_body(line: LineRequest) -> dict[str, Any]:
    return {"sku": line.sku, "quantity": line.quantity, "options": dict(line.options)}


def _read(model: type[Answer], data: Any, path: str) -> Answer:
    """The platform's answer as its contract class; one that does not fit is a fault of the
    backend, reported like an unreachable one rather than half-read."""
    try:
        return model.parse_obj(data)
    except ValidationError as error:
        problem = f"the answer of {path} does not fit the merchant API: {error}"
        raise MerchantUnavailable(problem) from error


def _store(store: api.Store) -> Store:
    return Store(
        id=store.id,
        name=store.name,
        address=store.address,
        opens=store.opens,
        closes=store.closes,
        open_now=store.open_now,
        aliases=tuple(store.aliases),
        distance_m=store.distance_m,
        city=store.city,
        landmarks=tuple(store.landmarks),
    )


def _menu_item(item: api.MenuItem) -> MenuItem:
    return MenuItem(
        sku=item.sku,
        name=item.name,
        category=item.category,
        daypart=item.daypart,
        price=item.price,
        available=item.available,
        options=tuple(_option_group(group) for group in item.options),
        aliases=tuple(item.aliases),
        description=item.description,
        includes=tuple(item.combo.includes) if item.combo else (),
    )


def _option_group(group: api.OptionGroup) -> OptionGroup:
    return OptionGroup(
        id=group.id,
        name=group.name,
        default=group.default,
        choices=tuple(
            OptionChoice(
                id=choice.id, name=choice.name, price=choice.price, aliases=tuple(choice.aliases)
            )
            for choice in group.choices
        ),
    )


def _order(order: api.Order) -> Order:
    return Order(
        id=order.id,
        customer_id=order.customer_id,
        store_id=order.store_id,
        store_name=order.store_name,
        pickup_time=order.pickup_time or "",
        asap=order.asap,
        lines=tuple(order.items),
        total=order.total,
        status=order.status,
        created_at=order.created_at or "",
        currency=order.currency,
        pickup_code=order.pickup_code,
        ready_at=order.ready_at,
        stay=order.stay,
        merchant_id=order.merchant_id,
    )
