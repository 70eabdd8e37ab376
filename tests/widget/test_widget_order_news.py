"""News of an order in the widget, in Chromium: the store marks the order ready and the
open widget shows it at once as a card of its own, with the pickup code, without waiting
for the customer to say anything; the conversation carries on. Saves the screenshot the
README shows (``docs/screenshots/widget-order-ready.png``)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from launch.stack import ROOT, Stack
from tests.store_side import paid_latte, press, staff_token
from tests.widget.conftest import DESKTOP
from tests.widget.widget_page import ANSWER_TIMEOUT_MS, WidgetPage, demo_url

pytestmark = pytest.mark.slow

SCREENSHOT = ROOT / "docs" / "screenshots" / "widget-order-ready.png"


def test_the_widget_shows_the_ready_order_as_news_and_carries_on(
    browser: Browser, running_stack: Stack
) -> None:
    staff = staff_token(running_stack, "widget-counter")
    context = browser.new_context(viewport=DESKTOP)
    widget = WidgetPage(context.new_page(), demo_url(running_stack.config.rasa_url)).open()
    widget.type("hi")  # a gesture, as a customer's first tap: the page may play sound
    customer = widget.customer(running_stack)
    order_id = paid_latte(customer)
    code = customer.order(order_id)["pickup_code"]

    said = widget.page.locator(".ow-news .ow-text")
    press(running_stack, staff, order_id, "accept")
    # Each piece of news is spoken before the next is shown: on a busy machine, seconds.
    expect(said.last).to_contain_text("The store has accepted", timeout=ANSWER_TIMEOUT_MS)
    press(running_stack, staff, order_id, "ready")
    expect(said.last).to_contain_text("Your order is ready!", timeout=ANSWER_TIMEOUT_MS)
    card = widget.card("order")
    expect(card).to_contain_text(f"Order {order_id}", timeout=ANSWER_TIMEOUT_MS)
    expect(card).to_contain_text("ready")
    expect(card).to_contain_text(code)
    news_turns = [m["turn"] for m in widget.received if m["type"] == "news"]
    assert len(news_turns) == 2, widget.received
    widget.wait_for_frame(lambda m: m["type"] == "turn_end" and m["turn"] == news_turns[-1], 90)
    widget.wait_answered()  # the news answered nothing: the log is not left waiting
    card.scroll_into_view_if_needed()
    widget.page.screenshot(path=str(SCREENSHOT))

    widget.type("where is my order")
    expect(widget.log.locator(".ow-bot .ow-text").last).to_contain_text("ready to collect")
    context.close()
