"""A customer using the widget in a real browser page, as a test drives it.

Every wait is on something the page shows: the connection status, the log's
``aria-busy`` (true from the moment a turn starts until the server's ``turn_end``
for it, so after its reply audio too), a card. No sleeps. Websocket frames are
recorded too, so a test can check what went over the wire (the PIN left once, a
barge-in cancelled audio).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Locator, Page, WebSocket, expect

from launch.stack import Stack
from tests.customer import Customer

# Whisper on two cores, Rasa and the merchant all answer within this; most turns take ~2 s.
ANSWER_TIMEOUT_MS = 90_000
CONNECT_TIMEOUT_MS = 30_000
SENDER_KEY = "orderly-widget:default:sender"


def demo_url(base_url: str) -> str:
    return f"{base_url}/webhooks/widget/demo"


@dataclass
class WidgetPage:
    page: Page
    url: str
    sent: list[str | bytes] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.set_default_timeout(ANSWER_TIMEOUT_MS)
        self.page.on("websocket", self._record)
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))

    def open(self) -> WidgetPage:
        self.page.goto(self.url)
        self.wait_online()
        return self

    def wait_online(self) -> None:
        self.page.locator('.ow[data-connection="open"]').wait_for(timeout=CONNECT_TIMEOUT_MS)

    @property
    def sender(self) -> str:
        return str(self.page.evaluate(f"localStorage.getItem('{SENDER_KEY}')"))

    def customer(self, stack: Stack) -> Customer:
        """The same customer as seen by the merchant platform."""
        return Customer.on_stack(stack, sender=self.sender)

    @property
    def log(self) -> Locator:
        return self.page.get_by_role("log", name="Conversation")

    @property
    def status(self) -> Locator:
        return self.page.get_by_role("status")

    def card(self, kind: str) -> Locator:
        """The newest card of a kind: menu, cart, readback, order."""
        return self.page.locator(f".ow-{kind}").last

    def type(self, text: str) -> None:
        self.send(text)
        self.wait_answered()

    def send(self, text: str) -> None:
        """Type and send without waiting for the turn to end (to act while it is spoken)."""
        self.page.get_by_label("Message to Orderly").fill(text)
        self.page.get_by_label("Message to Orderly").press("Enter")

    def tap(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).last.click()
        self.wait_answered()

    def wait_answered(self) -> None:
        expect(self.log).to_have_attribute("aria-busy", "false", timeout=ANSWER_TIMEOUT_MS)

    def hold_to_talk(self, seconds: float, wait_answered: bool = True) -> None:
        """Hold the mic (with the keyboard, as a keyboard user does) for ``seconds`` of audio."""
        mic = self.page.get_by_role("button", name="Hold to talk")
        mic.focus()
        self.page.keyboard.down(" ")
        expect(self.page.locator(".ow-live")).to_be_visible()
        self.wait_captured(seconds)
        self.page.keyboard.up(" ")
        if wait_answered:
            self.wait_answered()

    def wait_captured(self, seconds: float) -> None:
        self.page.wait_for_function(
            "ms => Number(document.querySelector('.ow-live').dataset.capturedMs) >= ms",
            arg=seconds * 1000,
        )

    def wait_for_frame(self, wanted: Callable[[dict[str, Any]], bool], timeout_s: float) -> None:
        """Wait until a received server message matches (the page keeps running meanwhile)."""
        deadline = time.monotonic() + timeout_s
        while not any(wanted(message) for message in self.received):
            if time.monotonic() > deadline:
                raise AssertionError(f"no such server message within {timeout_s} s")
            self.page.wait_for_timeout(50)  # lets Playwright deliver the frame events

    def _record(self, socket: WebSocket) -> None:
        socket.on("framesent", lambda payload: self.sent.append(payload))
        socket.on("framereceived", self._received)

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, str):
            self.received.append(json.loads(payload))
