"""A whole typed order in the widget, in Chromium, with a reload and a dropped connection.

The order is checked where it counts, on the merchant platform: paid, charged once.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect

from launch.stack import Stack
from tests.contracts.bot_message_schema import assert_satisfies_schema
from tests.qr_codes import scanned
from tests.widget.conftest import DESKTOP
from tests.widget.network import RELAY_PORT, SeverableLink
from tests.widget.widget_page import WidgetPage, demo_url

pytestmark = pytest.mark.slow


def test_typed_order_survives_a_reload_and_a_dropped_connection(
    browser: Browser, running_stack: Stack
) -> None:
    rasa = urlsplit(running_stack.config.rasa_url)
    assert rasa.hostname is not None and rasa.port is not None
    with SeverableLink(rasa.hostname, rasa.port, listen_port=RELAY_PORT) as link:
        context = browser.new_context(viewport=DESKTOP)
        widget = WidgetPage(context.new_page(), demo_url(link.url)).open()
        page = widget.page

        widget.send("what's on the menu")
        menu = widget.card("menu")
        expect(menu).to_contain_text("Latte")
        expect(menu.get_by_role("button", name="Add one large Latte, ¥19.00")).to_be_visible()
        # The menu is read aloud; Stop silences it and the server cancels the rest,
        # which ends the turn (the log is no longer busy).
        expect(page.locator(".ow-speaking")).to_be_visible()
        page.get_by_role("button", name="Stop speaking").click()
        expect(page.locator(".ow-speaking")).to_be_hidden()
        widget.wait_answered()
        widget.wait_for_frame(lambda m: m["type"] == "turn_end", timeout_s=30)
        ends = [m["outcome"] for m in widget.received if m["type"] == "turn_end"]
        assert ends == ["cancelled"], widget.received

        widget.tap("Add one large Latte, ¥19.00")  # a menu card's size, tapped
        expect(widget.card("cart").locator(".ow-total")).to_have_text("¥19.00")
        widget.type("two hash browns")
        expect(widget.card("cart").locator(".ow-total")).to_have_text("¥33.00")
        sender = widget.sender

        page.reload()  # the same conversation, with its history, after a reload
        widget.wait_online()
        assert widget.sender == sender
        expect(widget.card("cart").locator(".ow-total")).to_have_text("¥33.00")

        link.cut()  # the network goes away under the open socket
        expect(widget.status).to_contain_text("retrying")
        expect(page.get_by_role("button", name="Hold to talk")).to_be_disabled()
        link.restore()
        widget.wait_online()

        widget.type("that's all")  # the assistant still has the cart: same sender id
        readback = widget.card("readback")
        expect(readback.locator(".ow-total")).to_have_text("¥33.00")
        caption = readback.locator("caption").inner_text()
        order_id = re.fullmatch(r"Please confirm order (\S+)", caption)
        assert order_id is not None, caption
        customer = widget.customer(running_stack)
        assert customer.payments(order_id[1]) == [], "nothing may be charged before the yes"

        widget.tap("Yes, pay")
        expect(widget.log).to_contain_text("Paid ¥33.00")
        paid = widget.card("order")
        expect(paid).to_contain_text("paid")
        expect(paid).to_contain_text("Pickup code")
        qr = paid.locator("img.ow-pickup-qr")
        expect(qr).to_be_visible()  # drawn, not only present
        assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
        code = paid.locator("dt:text-is('Pickup code') + dd").inner_text()
        assert re.fullmatch(r"\d{3}", code), code
        assert scanned(qr.get_attribute("src") or "") == [code]
        context.close()

    orders = customer.orders()
    assert [(o["id"], o["status"], o["total"]) for o in orders] == [(order_id[1], "paid", 3300)]
    assert [p["amount"] for p in customer.payments(order_id[1])] == [3300]
    assert not [line for line in widget.console if "error" in line.lower()], widget.console
    # Every card the stack sent is one the widget's schema describes (its cards read them).
    sent = [frame["message"] for frame in widget.received if frame["type"] == "bot_message"]
    assert {"menu", "cart", "readback", "order"} <= {
        key for m in sent for key in m.get("custom", {})
    }
    for message in sent:
        assert_satisfies_schema(message)
