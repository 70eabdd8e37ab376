"""The tests' handle on one running platform: an HTTP client, its clock, a few shortcuts.

Lives in its own module (not conftest.py) so test files can import it by a unique name.

`Api.http` speaks as the action server does for customer `u1` (the service token plus
`X-Orderly-Customer: u1`), so tests about orders and payments read as before; the
shortcuts take a `customer_id` and speak for that customer instead. Attack tests use
`Api.anonymous()` (no credential) or a customer token from `Api.sign_up`. No account has a
PIN until a test sets one (`Api.set_pin`): each test file chooses its own.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from merchant.accounts import set_pin
from merchant.clock import Clock

# Tuesday, breakfast time in Shanghai: everything on the menu can be ordered.
BREAKFAST_TIME = datetime.fromisoformat("2026-11-24T08:00:00+08:00")
DEFAULT_CUSTOMER = "u1"


def new_secret() -> str:
    """A JWT key or service token, fresh for each test platform."""
    return secrets.token_urlsafe(32)


def service_headers(service_token: str, customer_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {service_token}", "X-Orderly-Customer": customer_id}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Api:
    """The test's view of one running platform: an HTTP client plus its clock."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.service_token: str = app.state.runtime.settings.service_token
        self.http = TestClient(app, headers=self.as_customer(DEFAULT_CUSTOMER))
        self.clock: Clock = app.state.runtime.clock

    def __enter__(self) -> Api:
        self.http.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.__exit__(*exc)

    def as_customer(self, customer_id: str) -> dict[str, str]:
        """Headers of the service (the action server) acting for `customer_id`."""
        return service_headers(self.service_token, customer_id)

    def anonymous(self) -> TestClient:
        """A client with no credential at all, as a stranger on the network has."""
        return TestClient(self.app)

    def sign_up(self, customer_id: str, password: str = "correct horse") -> str:
        """Create `customer_id` with `password`; returns its customer token."""
        response = self.anonymous().post(
            "/identity/sign-up", json={"customer_id": customer_id, "password": password}
        )
        assert response.status_code == 201, response.text
        return str(response.json()["token"])

    def set_pin(self, pin: str, customer_id: str = DEFAULT_CUSTOMER) -> None:
        """Give `customer_id` the PIN `pin` directly (the route is tested on its own)."""
        set_pin(self.app.state.runtime, customer_id, pin)

    def order(
        self,
        items: list[dict[str, Any]] | None = None,
        *,
        customer_id: str = DEFAULT_CUSTOMER,
        key: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Place an order that must succeed; returns the body (with its token)."""
        body = {
            "customer_id": customer_id,
            "merchant_id": "golden-crumb",
            "items": items if items is not None else [{"sku": "hash-brown"}],
            **fields,
        }
        headers = self.as_customer(customer_id)
        if key:
            headers["Idempotency-Key"] = key
        response = self.http.post("/orders", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def pay(
        self, order: dict[str, Any], key: str | None = None, *, amount: int | None = None
    ) -> Any:
        """Pay `order` for its own total (or `amount`), as its customer."""
        return self.http.post(
            "/payments",
            json={
                "order_id": order["id"],
                "confirmation_token": order["confirmation_token"],
                "amount": order["total"] if amount is None else amount,
            },
            headers={
                **self.as_customer(order.get("customer_id", DEFAULT_CUSTOMER)),
                "Idempotency-Key": key or secrets.token_hex(8),
            },
        )

    def verify_pin(
        self, order: dict[str, Any], pin: str, customer_id: str = DEFAULT_CUSTOMER
    ) -> Any:
        return self.http.post(
            f"/accounts/{customer_id}/pin-verifications",
            json={"order_id": order["id"], "pin": pin},
            headers=self.as_customer(customer_id),
        )

    def balance(self, customer_id: str = DEFAULT_CUSTOMER) -> int:
        response = self.http.get(f"/accounts/{customer_id}", headers=self.as_customer(customer_id))
        return int(response.json()["balance"])
