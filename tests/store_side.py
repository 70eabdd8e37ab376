"""The store's side of a running stack, as tests drive it: a staff member signed in, a paid
order placed the way the action server places one, and the staff page's buttons."""

from __future__ import annotations

import secrets

import httpx

from launch.stack import Stack
from merchant.app import create_app
from merchant.settings import Settings
from merchant.staff import add_staff
from tests.customer import Customer

STORE = "gc-peoples-square"


def staff_token(stack: Stack, staff_id: str = "counter", database_url: str | None = None) -> str:
    """A staff member of STORE on the stack's platform, signed in; their token.
    `database_url`: the platform's database when the stack gives it to the platform alone
    (the scaled topology's PostgreSQL)."""
    password = secrets.token_urlsafe(12)
    environment = stack.environment()
    if database_url is not None:
        environment["DATABASE_URL"] = database_url
    app = create_app(Settings.from_env(environment))
    try:
        add_staff(app.state.runtime, staff_id, [STORE], password)
    finally:
        app.state.runtime.database.dispose()
    signed_in = httpx.post(
        f"{stack.config.merchant_url}/identity/staff/sign-in",
        json={"staff_id": staff_id, "password": password},
    )
    signed_in.raise_for_status()
    return str(signed_in.json()["token"])


def paid_latte(customer: Customer) -> str:
    """A paid order of one Latte at STORE for `customer`; its id."""
    merchant = httpx.Client(base_url=customer.merchant_url, headers=customer.merchant_headers)
    placed = merchant.post(
        "/orders",
        json={"merchant_id": "golden-crumb", "store_id": STORE, "items": [{"sku": "latte"}]},
    )
    placed.raise_for_status()
    order = placed.json()
    paid = merchant.post(
        "/payments",
        json={
            "order_id": order["id"],
            "confirmation_token": order["confirmation_token"],
            "amount": order["total"],
        },
        headers={"Idempotency-Key": secrets.token_hex(8)},
    )
    paid.raise_for_status()
    return str(order["id"])


def press(stack: Stack, token: str, order_id: str, action: str) -> None:
    """A staff button: accept, reject, start, ready or collected."""
    pressed = httpx.post(
        f"{stack.config.merchant_url}/staff/orders/{order_id}/{action}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert pressed.status_code == 200, pressed.text
