"""A customer on the REST channel of a (scaled) stack, signed in when the platform has identity.

With the identity work (`POST {merchant}/identity/sign-in`) the REST channel wants
`Authorization: Bearer <token>` and the merchant's customer endpoints want a credential;
before it, the sign-in route answers 404 and the plain sender id is the customer. The
client tries the route once and uses whichever the running platform speaks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

SIGN_IN_PATH = "/identity/sign-in"
PASSWORD = "scale-test-password"
TURN_TIMEOUT_SECONDS = 60.0
MAX_FOLLOW_UPS = 2


@dataclass
class ScaleCustomer:
    rasa_url: str
    merchant_url: str
    sender: str = field(default_factory=lambda: f"scale-{uuid.uuid4().hex[:10]}")
    token: str | None = None
    replies: list[dict[str, Any]] = field(default_factory=list)

    def sign_in(self) -> ScaleCustomer:
        response = httpx.post(
            f"{self.merchant_url}{SIGN_IN_PATH}",
            json={"customer_id": self.sender, "password": PASSWORD},
            timeout=10.0,
        )
        if response.status_code not in (404, 405):
            response.raise_for_status()
            self.token = str(response.json()["token"])
        return self

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def say(self, text: str, rasa_url: str | None = None) -> str:
        """Send one message (to the load balancer, or to `rasa_url`); return the reply texts."""
        response = httpx.post(
            f"{rasa_url or self.rasa_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text},
            headers=self.headers,
            timeout=TURN_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        self.replies = response.json()
        return " ".join(str(m.get("text", "")) for m in self.replies)

    def order_cart(self, text: str, total: int, answer: str = "medium") -> dict[str, Any]:
        """Say an order and answer the assistant's follow-up questions (a size it did not
        take from the sentence) until the cart holds `total`; return the cart. An answer
        that names a button is a press of that button, as in the shell and the widget."""
        reply = self.say(text)
        for _ in range(MAX_FOLLOW_UPS):
            cart = self.custom("cart")
            if cart is not None and cart.get("total") == total:
                return cart
            reply = self.say(self.button_payload(answer) or answer)
        cart = self.custom("cart")
        assert cart is not None and cart.get("total") == total, reply
        return cart

    def button_payload(self, title: str) -> str | None:
        for message in self.replies:
            for button in message.get("buttons") or []:
                if str(button.get("title", "")).lower() == title.lower():
                    return str(button["payload"])
        return None

    def custom(self, key: str) -> dict[str, Any] | None:
        for message in self.replies:
            payload = (message.get("custom") or {}).get(key)
            if payload is not None:
                return dict(payload)
        return None

    def merchant(self, path: str, **params: str) -> Any:
        response = httpx.get(
            f"{self.merchant_url}{path}", params=params, headers=self.headers, timeout=10.0
        )
        response.raise_for_status()
        return response.json()

    def order(self, order_id: str) -> dict[str, Any]:
        return dict(self.merchant(f"/orders/{order_id}"))

    def payments(self, order_id: str) -> list[dict[str, Any]]:
        return list(self.merchant("/payments", order_id=order_id)["payments"])

    def captured(self, order_id: str) -> list[dict[str, Any]]:
        return [p for p in self.payments(order_id) if p.get("status") == "captured"]
