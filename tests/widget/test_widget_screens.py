"""The widget at desktop and phone widths, used with the keyboard alone.

Saves the screenshots the README shows (``docs/screenshots/widget-*.png``): a cart
and the readback waiting for a yes, taken from a real conversation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from launch.stack import ROOT, Stack
from tests.widget.conftest import DESKTOP, PHONE
from tests.widget.widget_page import WidgetPage, demo_url

pytestmark = pytest.mark.slow

SCREENSHOTS = ROOT / "docs" / "screenshots"
# How far a keyboard user may have to travel to a control: the widget's own controls ahead
# of the message field (the location button among them), with room for one more.
MAX_TABS = 8


@pytest.mark.parametrize(
    "name, viewport, phone",
    [("desktop", DESKTOP, False), ("phone", PHONE, True)],
)
def test_readback_fits_the_screen_and_is_saved_as_a_screenshot(
    browser: Browser, running_stack: Stack, name: str, viewport: dict[str, int], phone: bool
) -> None:
    context = browser.new_context(
        viewport=viewport, is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1
    )
    widget = WidgetPage(context.new_page(), demo_url(running_stack.config.rasa_url)).open()
    page = widget.page
    widget.type("two hash browns and a large latte")
    widget.type("that's all")
    expect(widget.card("readback").locator(".ow-total")).to_have_text("¥33.00")
    if page.locator(".ow-speaking").is_visible():
        page.get_by_role("button", name="Stop speaking").click()  # a still, not mid-sentence

    width = viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    for control in ("Message to Orderly", "Hold to talk", "Send", "Yes, pay"):
        box = page.get_by_label(control).or_(page.get_by_role("button", name=control)).last
        bounds = box.bounding_box()
        assert bounds is not None and 0 <= bounds["x"] and bounds["x"] + bounds["width"] <= width
        assert bounds["height"] >= 40, f"{control} is too small to tap"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"widget-{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 20_000
    context.close()


def test_keyboard_alone_orders_and_focus_is_always_visible(
    browser: Browser, running_stack: Stack
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    widget = WidgetPage(context.new_page(), demo_url(running_stack.config.rasa_url)).open()
    page = widget.page
    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("button", name="Hold to talk")).to_have_attribute(
        "aria-pressed", "false"
    )

    message_field = page.get_by_label("Message to Orderly")
    tab_to(page, message_field, "Tab")
    page.keyboard.type("a hash brown")
    page.keyboard.press("Enter")
    widget.wait_answered()
    page.keyboard.type("check out")
    page.keyboard.press("Enter")
    widget.wait_answered()

    # Back from the message field, past "Stop" (if still speaking) and "No, change it".
    tab_to(page, page.get_by_role("button", name="Yes, pay"), "Shift+Tab")
    page.keyboard.press("Enter")
    widget.wait_answered()
    expect(widget.log).to_contain_text("Paid ¥7.00")
    assert [o["status"] for o in widget.customer(running_stack).orders()] == ["paid"]
    context.close()


def tab_to(page: Page, target: Locator, key: str) -> None:
    """Press ``key`` until ``target`` has the focus, checking the focus shows at every step."""
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        assert_focus_visible(page)
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached with {MAX_TABS} presses of {key}")


def assert_focus_visible(page: Page) -> None:
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, f"focus is not visible: {outline}"
