"""Adapter for the sandbox merchant platform (``merchant/``, see docs/merchant-api.md)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict
from typing import Any

import httpx

from actions.merchants.backend import (
    Account,
    Combo,
    LineRequest,
    Menu,
    MenuItem,
    MerchantRejected,
    MerchantUnavailable,
    Order,
    OrderRequest,
    Payment,
    PlacedOrder,
    PricedLine,
    Quote,
    SecureSubmit,
    Size,
    Store,
)
from actions.settings import Settings

logger = logging.getLogger(__name__)


class SandboxBackend:
    """Talks HTTP to the sandbox platform, retrying transient failures.

    Retries reuse the caller's idempotency key, so a request that timed out after
    the platform acted is answered from the platform's record instead of acting twice.
    """

    def __init__(self, settings: Settings, client: httpx.AsyncClient | None = None) -> None:
        self._settings = settings
        self._client = client or httpx.AsyncClient(
            base_url=settings.merchant_url, timeout=settings.merchant_timeout_seconds
        )

    async def account(self, customer_id: str) -> Account:
        data = await self._request("GET", f"/accounts/{customer_id}")
        return Account(
            customer_id=data["customer_id"],
            balance=data["balance"],
            voice_pay_limit=data["voice_pay_limit"],
            default_merchant_id=data["default_merchant_id"],
            default_store_id=data["default_store_id"],
            voice_pay_locked_until=data.get("voice_pay_locked_until"),
        )

    async def menu(self, merchant_id: str, include_unavailable: bool = False) -> Menu:
        params = {"all": "true"} if include_unavailable else None
        data = await self._request("GET", f"/merchants/{merchant_id}/menu", params=params)
        breakfast = data.get("breakfast", {})
        return Menu(
            merchant_id=data["merchant_id"],
            now=data["now"],
            breakfast_served=data["breakfast_served"],
            breakfast_start=breakfast.get("start", ""),
            breakfast_end=breakfast.get("end", ""),
            items=tuple(_menu_item(item) for item in data["items"]),
        )

    async def stores(self, merchant_id: str) -> list[Store]:
        data = await self._request("GET", f"/merchants/{merchant_id}/stores")
        return [
            Store(
                id=s["id"],
                name=s["name"],
                address=s.get("address", ""),
                opens=s["opens"],
                closes=s["closes"],
                open_now=s["open_now"],
                aliases=tuple(s.get("aliases", ())),
            )
            for s in data["stores"]
        ]

    async def quote(self, merchant_id: str, lines: list[LineRequest]) -> Quote:
        body = {"items": [asdict(line) for line in lines]}
        data = await self._request("POST", f"/merchants/{merchant_id}/quotes", json=body)
        return Quote(lines=tuple(_priced_line(i) for i in data["items"]), total=data["total"])

    async def place_order(self, request: OrderRequest, idempotency_key: str) -> PlacedOrder:
        body = {
            "customer_id": request.customer_id,
            "merchant_id": request.merchant_id,
            "store_id": request.store_id,
            "pickup_time": request.pickup_time,
            "items": [asdict(line) for line in request.lines],
        }
        data = await self._request("POST", "/orders", json=body, idempotency_key=idempotency_key)
        return PlacedOrder(order=_order(data), confirmation_token=data["confirmation_token"])

    async def order(self, order_id: str) -> Order:
        return _order(await self._request("GET", f"/orders/{order_id}"))

    async def orders(self, customer_id: str) -> list[Order]:
        data = await self._request("GET", "/orders", params={"customer_id": customer_id})
        return [_order(o) for o in data["orders"]]

    async def cancel_order(self, order_id: str, idempotency_key: str) -> Order:
        path = f"/orders/{order_id}/cancel"
        return _order(await self._request("POST", path, idempotency_key=idempotency_key))

    async def pay(self, order_id: str, confirmation_token: str, idempotency_key: str) -> Payment:
        body = {"order_id": order_id, "confirmation_token": confirmation_token}
        data = await self._request("POST", "/payments", json=body, idempotency_key=idempotency_key)
        return Payment(
            id=data["id"],
            order_id=data["order_id"],
            amount=data["amount"],
            status=data["status"],
        )

    def pin_verification_target(self, customer_id: str, order_id: str) -> SecureSubmit:
        url = f"{self._settings.merchant_url}/accounts/{customer_id}/pin-verifications"
        return SecureSubmit(url=url, fields={"order_id": order_id})

    async def request_handoff(self, customer_id: str, reason: str, transcript: list[str]) -> str:
        body = {"customer_id": customer_id, "reason": reason, "transcript": transcript}
        return str((await self._request("POST", "/handoffs", json=body))["id"])

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
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
    raise MerchantRejected(
        str(refusal.get("code", "rejected")),
        str(refusal.get("message", "The merchant could not do that.")),
        details,
    )


def _menu_item(data: dict[str, Any]) -> MenuItem:
    combo = data.get("combo")
    return MenuItem(
        sku=data["sku"],
        name=data["name"],
        category=data.get("category", ""),
        daypart=data.get("daypart", ""),
        sizes=tuple(Size(s["name"], s["price"]) for s in data["sizes"]),
        available=data.get("available", True),
        aliases=tuple(data.get("aliases", ())),
        description=data.get("description", ""),
        combo=Combo(
            includes=tuple(combo["includes"]),
            drink_choices=tuple((d["sku"], d["size"]) for d in combo["drink_choices"]),
            upsize_price=combo["upsize_price"],
        )
        if combo
        else None,
    )


def _priced_line(data: dict[str, Any]) -> PricedLine:
    return PricedLine(
        sku=data["sku"],
        name=data["name"],
        quantity=data["quantity"],
        size=data.get("size"),
        unit_price=data["unit_price"],
        line_total=data["line_total"],
        drink=data.get("drink"),
        drink_size=data.get("drink_size"),
    )


def _order(data: dict[str, Any]) -> Order:
    return Order(
        id=str(data["id"]),
        customer_id=data["customer_id"],
        store_id=data["store_id"],
        store_name=data.get("store_name", data["store_id"]),
        pickup_time=data["pickup_time"],
        asap=bool(data.get("asap", False)),
        lines=tuple(_priced_line(i) for i in data["items"]),
        total=data["total"],
        status=data["status"],
        created_at=data.get("created_at", ""),
        currency=data.get("currency", "CNY"),
    )
