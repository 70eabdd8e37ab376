"""A customer talking to the running assistant over Rasa's REST channel."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.stack import Stack
from tests.tokens import mint_token


@dataclass
class Customer:
    stack: Stack
    sender: str = field(default_factory=lambda: f"e2e-{uuid.uuid4().hex[:10]}")
    replies: list[dict[str, Any]] = field(default_factory=list)

    @property
    def token(self) -> str:
        """This customer's token: the REST channel takes the customer from it."""
        return mint_token(self.sender)

    def say(self, text: str) -> str:
        """Send one message; return the reply texts joined (the raw replies are kept)."""
        response = httpx.post(
            f"{self.stack.config.rasa_url}/webhooks/rest/webhook",
            json={"message": text},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=60.0,
        )
        response.raise_for_status()
        self.replies = response.json()
        return " ".join(str(m.get("text", "")) for m in self.replies)

    def custom(self, key: str) -> dict[str, Any] | None:
        """The last reply's custom payload under ``key`` (cart, readback, order, secure_input)."""
        for message in self.replies:
            payload = (message.get("custom") or {}).get(key)
            if payload is not None:
                return dict(payload)
        return None

    def merchant(self, path: str, **params: str) -> Any:
        """Read the merchant platform as the action server does for this customer."""
        headers = {
            "Authorization": f"Bearer {self.stack.environment()['ORDERLY_SERVICE_TOKEN']}",
            "X-Orderly-Customer": self.sender,
        }
        response = httpx.get(
            f"{self.stack.config.merchant_url}{path}", params=params, headers=headers, timeout=10.0
        )
        response.raise_for_status()
        return response.json()

    def orders(self) -> list[dict[str, Any]]:
        return list(self.merchant("/orders", customer_id=self.sender)["orders"])

    def payments(self, order_id: str) -> list[dict[str, Any]]:
        return list(self.merchant("/payments", order_id=order_id)["payments"])

    def balance(self) -> int:
        return int(self.merchant(f"/accounts/{self.sender}")["balance"])
