"""A customer talking to a running assistant over Rasa's REST channel.

One customer serves every stack the tests start. What differs is only how it proves who
it is, so that is chosen when it is made:

- :meth:`Customer.on_stack`, on the stack of tests/conftest.py: a token minted with the
  test secret (tests/tokens.py), and merchant reads made as the action server makes them
  for this customer (the service token and ``X-Orderly-Customer``);
- :meth:`Customer.signed_in`, on the scaled stack: the sandbox sign-up
  (``POST {merchant}/identity/sign-up``) issues the token, which also reads the
  merchant. Before the identity work that route answers 404, and the plain sender id in
  the message body is the customer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from contracts.location import ClientLocation
from launch.stack import Stack
from tests.contracts.bot_message_schema import assert_satisfies_schema
from tests.tokens import mint_token

SIGN_UP_PATH = "/identity/sign-up"
SIGN_IN_PASSWORD = "scale-test-password"
TURN_TIMEOUT_SECONDS = 60.0
MERCHANT_TIMEOUT_SECONDS = 10.0
# How many follow-up questions (a size the sentence did not give) order_cart answers.
MAX_FOLLOW_UPS = 2


# One client for every customer: a new httpx call builds a TLS context each time (loading
# the CA bundle), which made the payment state machine's thousands of calls CPU-bound.
_HTTP = httpx.Client()


def new_sender(prefix: str) -> str:
    """A sender id no other test uses, named after the suite that made it."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@dataclass
class Customer:
    rasa_url: str
    merchant_url: str
    sender: str
    # The REST channel takes the customer from this bearer token; None means the platform
    # has no identity yet, and the body's sender names the customer.
    token: str | None
    merchant_headers: dict[str, str]
    replies: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def on_stack(cls, stack: Stack, sender: str | None = None) -> Customer:
        """A customer of the single stack, holding a token minted with the test secret."""
        sender = sender or new_sender("e2e")
        service_token = stack.environment()["ORDERLY_SERVICE_TOKEN"]
        return cls(
            rasa_url=stack.config.rasa_url,
            merchant_url=stack.config.merchant_url,
            sender=sender,
            token=mint_token(sender),
            merchant_headers={
                "Authorization": f"Bearer {service_token}",
                "X-Orderly-Customer": sender,
            },
        )

    @classmethod
    def signed_in(cls, rasa_url: str, merchant_url: str) -> Customer:
        """A new customer signed up through the merchant's sandbox identity, where it has one."""
        sender = new_sender("scale")
        response = _HTTP.post(
            f"{merchant_url}{SIGN_UP_PATH}",
            json={"customer_id": sender, "password": SIGN_IN_PASSWORD},
            timeout=MERCHANT_TIMEOUT_SECONDS,
        )
        token: str | None = None
        if response.status_code not in (404, 405):
            response.raise_for_status()
            token = str(response.json()["token"])
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return cls(rasa_url, merchant_url, sender, token, merchant_headers=headers)

    @classmethod
    def with_own_pin(cls, stack: Stack, pin: str, sender: str | None = None) -> Customer:
        """A customer of the stack who signed up and chose ``pin`` (``PUT /identity/pin``),
        as a customer does: no account has a PIN until then."""
        customer = cls.on_stack(stack, sender)
        password = uuid.uuid4().hex
        merchant = stack.config.merchant_url
        signed_up = _HTTP.post(
            f"{merchant}{SIGN_UP_PATH}",
            json={"customer_id": customer.sender, "password": password},
            timeout=MERCHANT_TIMEOUT_SECONDS,
        )
        signed_up.raise_for_status()
        customer.token = str(signed_up.json()["token"])
        chosen = _HTTP.put(
            f"{merchant}/identity/pin",
            json={"password": password, "pin": pin},
            headers={"Authorization": f"Bearer {customer.token}"},
            timeout=MERCHANT_TIMEOUT_SECONDS,
        )
        chosen.raise_for_status()
        return customer

    def say(self, text: str, near: ClientLocation | None = None) -> str:
        """Send one message (from `near`, as the shell's --near sends it); return the reply
        texts joined (the raw replies are kept)."""
        body: dict[str, Any] = {"message": text}
        if not self.token:
            body["sender"] = self.sender
        if near is not None:
            body["metadata"] = near.metadata()
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = _HTTP.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json=body,
            headers=headers,
            timeout=TURN_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        self.replies = response.json()
        for message in self.replies:  # what the stack sends is what the widget's schema says
            assert_satisfies_schema(message)
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
        """The payload of the last reply's button titled ``title`` (any case), if any."""
        for message in self.replies:
            for button in message.get("buttons") or []:
                if str(button.get("title", "")).lower() == title.lower():
                    return str(button["payload"])
        return None

    def custom(self, key: str) -> dict[str, Any] | None:
        """The last reply's custom payload under ``key`` (cart, readback, order, secure_input)."""
        for message in self.replies:
            payload = (message.get("custom") or {}).get(key)
            if payload is not None:
                return dict(payload)
        return None

    def merchant(self, path: str, **params: str) -> Any:
        """Read the merchant platform on this customer's behalf."""
        response = _HTTP.get(
            f"{self.merchant_url}{path}",
            params=params,
            headers=self.merchant_headers,
            timeout=MERCHANT_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        return response.json()

    def orders(self) -> list[dict[str, Any]]:
        return list(self.merchant("/orders", customer_id=self.sender)["orders"])

    def order(self, order_id: str) -> dict[str, Any]:
        return dict(self.merchant(f"/orders/{order_id}"))

    def payments(self, order_id: str) -> list[dict[str, Any]]:
        return list(self.merchant("/payments", order_id=order_id)["payments"])

    def captured(self, order_id: str) -> list[dict[str, Any]]:
        return [p for p in self.payments(order_id) if p.get("status") == "captured"]

    def balance(self) -> int:
        return int(self.merchant(f"/accounts/{self.sender}")["balance"])
