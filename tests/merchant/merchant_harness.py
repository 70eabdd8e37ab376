"""The tests' handle on one running platform: an HTTP client, its clock, a few shortcuts.

Lives in its own module (not conftest.py) so test files can import it by a unique name.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from merchant.clock import Clock

# Tuesday, breakfast time in Shanghai: everything on the menu can be ordered.
BREAKFAST_TIME = datetime.fromisoformat("2026-11-24T08:00:00+08:00")
SANDBOX_PIN = "246810"
WRONG_PIN = "135790"


class Api:
    """The test's view of one running platform: an HTTP client plus its clock."""

    def __init__(self, http: TestClient) -> None:
        self.http = http
        self.app: FastAPI = http.app  # type: ignore[assignment]
        self.clock: Clock = self.app.state.runtime.clock

    def order(
        self,
        items: list[dict[str, Any]] | None = None,
        *,
        customer_id: str = "u1",
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
        headers = {"Idempotency-Key": key} if key else {}
        response = self.http.post("/orders", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def pay(self, order: dict[str, Any], key: str | None = None) -> Any:
        return self.http.post(
            "/payments",
            json={"order_id": order["id"], "confirmation_token": order["confirmation_token"]},
            headers={"Idempotency-Key": key or secrets.token_hex(8)},
        )

    def verify_pin(self, order: dict[str, Any], pin: str, customer_id: str = "u1") -> Any:
        return self.http.post(
            f"/accounts/{customer_id}/pin-verifications",
            json={"order_id": order["id"], "pin": pin},
        )

    def balance(self, customer_id: str = "u1") -> int:
        return int(self.http.get(f"/accounts/{customer_id}").json()["balance"])
