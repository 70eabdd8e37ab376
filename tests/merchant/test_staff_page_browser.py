"""The staff page in Chromium: sign in, see a paid order arrive live, work it by keyboard.

The platform runs in-process under uvicorn on a free port (no Rasa, no model); the
customer's side is plain HTTP as the action server speaks it. Uses the system Chromium
like the widget tests, so it is slow-marked by its `browser` fixture. Saves the
screenshot the README shows (``docs/screenshots/staff-page.png``).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from merchant_harness import BREAKFAST_TIME, new_secret, service_headers
from playwright.sync_api import Browser, expect, sync_playwright

from launch.stack import ROOT
from merchant.app import create_app
from merchant.settings import Settings
from merchant.staff import add_staff

CHROMIUM = Path("/usr/bin/chromium")
STORE = "gc-peoples-square"
PASSWORD = "counter-password"
# The bar: the staff page shows a paid order within a second.
LIVE_WITHIN_MS = 1000
SCREENSHOT = ROOT / "docs" / "screenshots" / "staff-page.png"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as driver:
        started = driver.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield started
        started.close()


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The merchant platform served on a free port; yields its URL and service token."""
    settings = Settings(
        data_dir=tmp_path,
        fixed_now=BREAKFAST_TIME,
        jwt_secret=new_secret(),
        service_token=new_secret(),
    )
    app = create_app(settings)
    add_staff(app.state.runtime, "ana", [STORE], PASSWORD)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, ws="none")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", str(settings.service_token)
    server.should_exit = True
    thread.join(10)


def test_staff_see_a_paid_order_within_a_second_and_work_it_by_keyboard(
    browser: Browser, platform: tuple[str, str]
) -> None:
    url, service_token = platform
    page = browser.new_page(viewport={"width": 1024, "height": 768})  # a tablet, landscape
    page.goto(f"{url}/staff")
    page.get_by_label("Staff id").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text("No open orders.")).to_be_visible()
    expect(page.locator("#connection")).to_have_text("live")

    customer = httpx.Client(base_url=url, headers=service_headers(service_token, "u1"))
    order = pay(customer, [{"sku": "hash-brown"}])
    code = customer.get(f"/orders/{order['id']}").json()["pickup_code"]
    card = page.locator(f'li.order[data-order="{order["id"]}"]')
    expect(card).to_be_visible(timeout=LIVE_WITHIN_MS)
    expect(card.locator(".code")).to_have_text(code)
    expect(card).to_contain_text("1 × Hash Brown")

    for action, status in [("Accept", "accepted"), ("Ready", "ready")]:
        button = page.get_by_role("button", name=f"{action} order {code}")
        button.focus()
        page.keyboard.press("Enter")
        expect(card).to_have_attribute("data-status", status)
        assert customer.get(f"/orders/{order['id']}").json()["status"] == status
        if status == "accepted":
            later = pay(customer, [{"sku": "latte", "quantity": 2, "options": {"size": "large"}}])
            expect(page.locator(f'li.order[data-order="{later["id"]}"]')).to_be_visible()
            page.screenshot(path=str(SCREENSHOT))
    page.get_by_role("button", name=f"Collected order {code}").click()
    expect(card).to_have_count(0)
    assert customer.get(f"/orders/{order['id']}").json()["status"] == "collected"


def pay(customer: httpx.Client, items: list[dict[str, object]]) -> dict[str, str]:
    """Place and pay an order as the action server does for the customer."""
    order = customer.post("/orders", json={"merchant_id": "golden-crumb", "items": items}).json()
    paid = customer.post(
        "/payments",
        json={
            "order_id": order["id"],
            "confirmation_token": order["confirmation_token"],
            "amount": order["total"],
        },
        headers={"Idempotency-Key": f"pay-{order['id']}"},
    )
    assert paid.status_code == 201, paid.text
    return dict(order)
