"""The payment PIN in the widget: typed into a hidden field, sent once, kept nowhere.

An order over the ¥100.00 voice-pay limit makes the assistant ask for the PIN. The
test types a wrong PIN, then the right one, reloads the page, and then looks
everywhere the browser could have kept either: the DOM (markup, text, field
values), the URL, localStorage, sessionStorage, the console; and every file the
services wrote.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, expect

from launch.stack import Stack
from tests.pins_at_rest import files_holding, holds_pin
from tests.widget.conftest import PHONE
from tests.widget.widget_page import WidgetPage, demo_url

pytestmark = pytest.mark.slow

SANDBOX_PIN = "246810"  # every sandbox account's PIN (README, "Sandbox accounts")
WRONG_PIN = "135790"


def test_pin_is_entered_hidden_sent_once_and_kept_nowhere(
    browser: Browser, running_stack: Stack
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    widget = WidgetPage(context.new_page(), demo_url(running_stack.config.rasa_url)).open()
    page = widget.page
    widget.type("six large lattes")  # 6 x ¥19.00 = ¥114.00, over the ¥100.00 limit
    widget.type("that's all")
    order_id = widget.card("readback").locator("caption").inner_text().rsplit(" ", 1)[-1]
    widget.tap("Yes, pay")

    pin = page.get_by_label(re.compile("6-digit payment PIN"))
    expect(pin).to_have_attribute("type", "password")
    expect(pin).to_be_focused()
    expect(page.get_by_label("Message to Orderly")).to_be_disabled()
    page.keyboard.type(WRONG_PIN)
    page.keyboard.press("Enter")
    widget.wait_answered()
    expect(widget.log).to_contain_text("didn't match")

    expect(pin).to_be_focused()  # asked again
    page.keyboard.type(SANDBOX_PIN)
    page.keyboard.press("Enter")
    widget.wait_answered()
    expect(widget.log).to_contain_text("Paid ¥114.00")
    expect(page.locator(".ow-secret")).to_have_count(2)
    customer = widget.customer(running_stack)
    assert [p["amount"] for p in customer.payments(order_id)] == [11400]

    for secret in (SANDBOX_PIN, WRONG_PIN):
        assert_kept_nowhere_in_the_browser(widget, secret)
    page.reload()  # the restored history shows the PIN turns masked, too
    widget.wait_online()
    expect(page.locator(".ow-secret")).to_have_count(2)
    for secret in (SANDBOX_PIN, WRONG_PIN):
        assert_kept_nowhere_in_the_browser(widget, secret)
        assert files_holding(running_stack.config.data_dir, secret) == []

    # Each PIN left exactly once, as an ordinary text message on the socket, and the
    # channel's transcripts of those turns came back masked.
    texts = [json.loads(frame) for frame in widget.sent if isinstance(frame, str)]
    pins = [t["text"] for t in texts if t.get("type") == "text" and t["text"].isdigit()]
    assert pins == [WRONG_PIN, SANDBOX_PIN]
    masked = [m for m in widget.received if m["type"] == "transcript" and m["masked"]]
    assert len(masked) == 2 and all(SANDBOX_PIN not in m["text"] for m in masked)
    context.close()


def assert_kept_nowhere_in_the_browser(widget: WidgetPage, secret: str) -> None:
    page = widget.page
    places = {
        "markup": page.content(),
        "text": page.evaluate("document.body.innerText"),
        "fields": page.evaluate("[...document.querySelectorAll('input')].map(i => i.value)"),
        "url": page.url,
        "localStorage": page.evaluate("JSON.stringify(localStorage)"),
        "sessionStorage": page.evaluate("JSON.stringify(sessionStorage)"),
        "console": widget.console,
    }
    kept = [place for place, value in places.items() if holds_pin(json.dumps(value), secret)]
    assert kept == [], f"the PIN is in the page's {', '.join(kept)}"
    # The look is meaningful: the same places do hold what the customer typed.
    assert "six large lattes" in places["localStorage"] and "Paid" in places["text"]
