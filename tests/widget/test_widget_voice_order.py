"""A whole spoken order: Chromium's fake microphone plays espeak-ng speech into the widget.

Chromium takes one wav per launch (``--use-file-for-fake-audio-capture``) and plays it
from the start each time the page opens the microphone, so each turn is one browser
launch. The customer's localStorage goes from one launch to the next, exactly as a
reload keeps it, so every turn continues the same conversation. Speech is
recognised by the real Whisper (tiny.en) in the voice channel; the order is checked
on the merchant platform.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from launch.stack import Stack
from tests.customer import Customer
from tests.widget.conftest import DESKTOP, FAKE_MICROPHONE_ARGS, LaunchBrowser, SpeechFile
from tests.widget.widget_page import WidgetPage, demo_url

pytestmark = pytest.mark.slow

# Long enough to hold only the wav's lead-in silence: a press that says nothing.
SILENT_PRESS_S = 0.15


def test_spoken_order_is_heard_answered_aloud_and_paid_once(
    launch_browser: LaunchBrowser, speech_file: SpeechFile, running_stack: Stack
) -> None:
    storage: Any = None  # the customer's localStorage, carried from launch to launch
    order_id = ""
    for turn, said in enumerate(["two hash browns and a large latte", "that's all", "yes"]):
        wav, seconds = speech_file(said)
        browser = launch_browser(*FAKE_MICROPHONE_ARGS, f"--use-file-for-fake-audio-capture={wav}")
        try:
            context = browser.new_context(viewport=DESKTOP, storage_state=storage)
            widget = WidgetPage(context.new_page(), demo_url(running_stack.config.rasa_url)).open()
            # The first reply is barged in on while it is spoken: no waiting for its end.
            widget.hold_to_talk(seconds, wait_answered=turn != 0)
            heard = widget.page.locator(".ow-user").last
            expect(heard).not_to_have_class(re.compile("ow-pending"))
            if turn == 0:
                expect(heard).to_contain_text(re.compile("latte", re.IGNORECASE))
                expect(widget.card("cart").locator(".ow-total")).to_have_text("¥33.00")
                barge_in_with_the_microphone(widget)
            elif turn == 1:
                readback = widget.card("readback")
                expect(readback.locator(".ow-total")).to_have_text("¥33.00")
                order_id = readback.locator("caption").inner_text().rsplit(" ", 1)[-1]
            else:
                expect(widget.log).to_contain_text("Paid ¥33.00")
            storage = context.storage_state()
            sender = widget.sender
        finally:
            browser.close()

    customer = Customer.on_stack(running_stack, sender=sender)
    assert [(o["id"], o["status"]) for o in customer.orders()] == [(order_id, "paid")]
    assert [p["amount"] for p in customer.payments(order_id)] == [3300]


def barge_in_with_the_microphone(widget: WidgetPage) -> None:
    """Pressing the mic while the reply is spoken silences it at once; the server cancels it."""
    speaking = widget.page.locator(".ow-speaking")
    expect(speaking).to_be_visible()
    widget.page.get_by_role("button", name="Hold to talk").focus()
    widget.page.keyboard.down(" ")
    expect(speaking).to_be_hidden()
    widget.wait_captured(SILENT_PRESS_S)
    widget.page.keyboard.up(" ")
    widget.wait_answered()  # both turns ended: the one cut short and the silent press
    expect(widget.log).to_contain_text("didn't hear anything")
    widget.wait_for_frame(lambda m: m.get("outcome") == "no_speech", timeout_s=30)
    ends = [m["outcome"] for m in widget.received if m["type"] == "turn_end"]
    assert ends == ["cancelled", "no_speech"], widget.received
