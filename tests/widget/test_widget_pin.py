"""The payment PIN in the widget: typed into a hidden field, sent once, kept nowhere.

The demo customer chooses its own PIN in Settings (its password again, the PIN twice).
An order over the ¥100.00 voice-pay limit makes the assistant ask for the PIN. The
test types the PIN the demo page first gave (no longer right), then its own, reloads the
page, and then looks everywhere the browser could have kept either: the DOM (markup,
text, field values), the URL, localStorage, sessionStorage, the console; and every file
the services wrote (as whole tokens: tests/pins_at_rest.py).
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

# This test's own PIN, chosen in the widget's settings like a customer does.
OWN_PIN = "705214"
# Checking a password and hashing a PIN cost CPU on purpose; a busy machine is slow at it.
HASHING_MS = 30_000
DEMO_NOTE = re.compile(r"password is (?P<password>\w+) and payment PIN (?P<pin>[0-9]+)")


def test_pin_is_chosen_in_settings_entered_hidden_sent_once_and_kept_nowhere(
    browser: Browser, running_stack: Stack
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    widget = WidgetPage(context.new_page(), demo_url(running_stack.config.rasa_url)).open()
    page = widget.page
    # A new demo customer: its password and a random PIN, shown this once.
    note = DEMO_NOTE.search(widget.log.inner_text())
    assert note is not None, widget.log.inner_text()
    given_pin = note["pin"]
    choose_pin(widget, note["password"], OWN_PIN)

    widget.type("six large lattes")  # 6 x ¥19.00 = ¥114.00, over the ¥100.00 limit
    widget.type("that's all")
    order_id = widget.card("readback").locator("caption").inner_text().rsplit(" ", 1)[-1]
    widget.tap("Yes, pay")

    pin = page.get_by_label(re.compile("6-digit payment PIN"))
    expect(pin).to_have_attribute("type", "password")
    expect(pin).to_be_focused()
    expect(page.get_by_label("Message to Orderly")).to_be_disabled()
    page.keyboard.type(given_pin)  # the PIN it was given is no longer the PIN
    page.keyboard.press("Enter")
    widget.wait_answered()
    expect(widget.log).to_contain_text("didn't match")

    expect(pin).to_be_focused()  # asked again
    page.keyboard.type(OWN_PIN)
    page.keyboard.press("Enter")
    widget.wait_answered()
    expect(widget.log).to_contain_text("Paid ¥114.00")
    expect(page.locator(".ow-secret")).to_have_count(2)
    customer = widget.customer(running_stack)
    assert [p["amount"] for p in customer.payments(order_id)] == [11400]

    assert_kept_nowhere_in_the_browser(widget, OWN_PIN)
    page.reload()  # the restored history shows the PIN turns masked, and no note
    widget.wait_online()
    expect(page.locator(".ow-secret")).to_have_count(2)
    for secret in (OWN_PIN, given_pin):
        assert_kept_nowhere_in_the_browser(widget, secret)
        assert files_holding(running_stack.config.data_dir, secret) == []

    # Each PIN left exactly once, as an ordinary text message on the socket, and the
    # channel's transcripts of those turns came back masked.
    texts = [json.loads(frame) for frame in widget.sent if isinstance(frame, str)]
    pins = [t["text"] for t in texts if t.get("type") == "text" and t["text"].isdigit()]
    assert pins == [given_pin, OWN_PIN]
    masked = [m for m in widget.received if m["type"] == "transcript" and m["masked"]]
    assert len(masked) == 2 and not any(holds_pin(m["text"], OWN_PIN) for m in masked)
    context.close()


def choose_pin(widget: WidgetPage, password: str, pin: str) -> None:
    page = widget.page
    page.get_by_role("button", name="Settings").click()
    page.get_by_label("Your password").fill("not the password")
    page.get_by_label("New payment PIN (4 to 8 digits)").fill(pin)
    page.get_by_label("New PIN again").fill(pin)
    page.get_by_role("button", name="Save PIN").click()
    outcome = page.locator(".ow-settings-outcome")
    expect(outcome).to_have_text("That password is not right.", timeout=HASHING_MS)
    page.get_by_label("Your password").fill(password)
    page.get_by_label("New payment PIN (4 to 8 digits)").fill(pin)
    page.get_by_label("New PIN again").fill(pin)
    page.get_by_role("button", name="Save PIN").click()
    expect(outcome).to_have_text("Your payment PIN is saved.", timeout=HASHING_MS)
    fields = page.evaluate("[...document.querySelectorAll('.ow-settings input')].map(i => i.value)")
    assert fields == ["", "", ""]  # emptied as soon as it was sent
    page.get_by_role("button", name="Close").click()


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
