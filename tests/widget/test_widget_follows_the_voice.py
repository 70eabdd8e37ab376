"""One conversation across speaker, screen and terminal, on the real stack (issue 18 §4).

A customer speaks to the voice client while the widget is open in Chromium as the same
customer: the widget shows the cart and the readback as they are spoken, a tap on its "Yes,
pay" answers the question the speaker asked, and the voice client says "Paid". The same
from the shell (its own REST transport and notification listener, as `make shell` uses
them): start there, finish on the widget. The PIN is asked for only on the device that is
paying, and the screen beside it never shows a digit. Another customer's widget, open all
along, sees nothing of it. Outcomes are checked on the merchant platform. Saves the
screenshot the README shows (``docs/screenshots/widget-follows-the-voice.png``).

Playwright's sync API holds this thread's event loop, so the voice client runs on a loop
of its own in a second thread.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from clients.shell.notifications import NotificationListener, TurnElsewhere, Unasked
from clients.shell.transport import RestTransport
from clients.sign_in import GivenToken
from clients.voice_client.audio import Pcm
from clients.voice_client.connection import Turn, VoiceConnection
from launch.stack import ROOT, Stack
from speech.synthesis import SynthesizerSettings, load_synthesizer
from tests.widget.conftest import DESKTOP
from tests.widget.widget_page import ANSWER_TIMEOUT_MS, WidgetPage, demo_url

pytestmark = pytest.mark.slow

T = TypeVar("T")
SCREENSHOT = ROOT / "docs" / "screenshots" / "widget-follows-the-voice.png"
TURN_TIMEOUT_S = ANSWER_TIMEOUT_MS / 1000
# The demo page's note about a new customer: its password and its random payment PIN.
DEMO_NOTE = re.compile(r"password is (?P<password>\w+) and payment PIN (?P<pin>[0-9]+)")


class VoiceClient:
    """The voice client (clients/voice_client) on its own event loop and thread."""

    def __init__(self, url: str, token: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.connection = self._run(VoiceConnection.open(url, token))

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(TURN_TIMEOUT_S + 30)

    def say(self, pcm: Pcm) -> Turn:
        async def speak() -> Turn:
            await self.connection.start(pcm.sample_rate)
            return await self.connection.speak(pcm, timeout_s=TURN_TIMEOUT_S)

        return self._run(speak())

    def next_turn_taken_elsewhere(self) -> Turn:
        """The next turn the customer took on another device, as this client heard it."""

        async def wait() -> Turn:
            while True:
                turn = await self.connection.next_complete(timeout_s=TURN_TIMEOUT_S)
                if turn.elsewhere is not None:
                    return turn

        return self._run(wait())

    def close(self) -> None:
        self._run(self.connection.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


class Shell:
    """The shell's transport and notification listener, as `make shell` wires them."""

    def __init__(self, stack: Stack, token: str) -> None:
        tokens = GivenToken(token)
        self.transport = RestTransport(stack.config.rasa_url, tokens, timeout=TURN_TIMEOUT_S)
        self.shown: list[Unasked] = []
        self._shown = threading.Condition()
        self.listener = NotificationListener(
            stack.config.rasa_url, tokens, self._show, device=self.transport.device, wait=5.0
        ).start()

    def _show(self, unasked: Unasked) -> None:
        with self._shown:
            self.shown.append(unasked)
            self._shown.notify_all()

    def says(self, text: str) -> str:
        return " ".join(m.text or "" for m in self.transport.send(text))

    def turns_elsewhere(self, until: str) -> list[TurnElsewhere]:
        """The turns shown here that were taken elsewhere, once one's answer holds ``until``."""

        def turns() -> list[TurnElsewhere]:
            return [turn for unasked in self.shown for turn in unasked.turns]

        def arrived() -> bool:
            return any(until in (m.text or "") for turn in turns() for m in turn.reply)

        with self._shown:
            assert self._shown.wait_for(arrived, TURN_TIMEOUT_S), self.shown
            return turns()

    def close(self) -> None:
        self.listener.stop()
        self.transport.close()


@pytest.fixture(scope="module")
def speak() -> Any:
    """Text -> deterministic Piper speech, as the voice tests make it."""
    voice = load_synthesizer(SynthesizerSettings(engine="piper", deterministic=True))

    def make(text: str) -> Pcm:
        audio = voice.synthesize(text)
        return Pcm(audio.pcm, audio.sample_rate)

    return make


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    opened = browser.new_context(viewport=DESKTOP)
    yield opened
    opened.close()


@pytest.fixture
def stranger(browser: Browser, running_stack: Stack) -> Iterator[WidgetPage]:
    """Another customer's widget, open all along."""
    other = browser.new_context(viewport=DESKTOP)
    yield WidgetPage(other.new_page(), demo_url(running_stack.config.rasa_url)).open()
    other.close()


def voice_url(stack: Stack) -> str:
    return stack.config.rasa_url.replace("http://", "ws://") + "/webhooks/voice/ws"


def assert_saw_nothing(stranger: WidgetPage) -> None:
    assert not [m for m in stranger.received if m["type"] in ("shared_turn", "bot_message")]
    expect(stranger.page.locator(".ow-cart, .ow-readback, .ow-elsewhere")).to_have_count(0)


def test_the_screen_follows_the_voice_and_a_tap_pays_what_the_speaker_read_back(
    context: BrowserContext, stranger: WidgetPage, running_stack: Stack, speak: Any
) -> None:
    widget = WidgetPage(context.new_page(), demo_url(running_stack.config.rasa_url)).open()
    customer = widget.customer(running_stack)
    speaker = VoiceClient(voice_url(running_stack), str(customer.token))
    try:
        turn = speaker.say(speak("two hash browns and a medium americano"))
        assert (turn.custom("cart") or {}).get("total") == 2600, turn.bot_messages
        elsewhere = widget.page.locator(".ow-elsewhere")
        expect(elsewhere.last).to_contain_text("On your other device")
        expect(elsewhere.last).to_contain_text(re.compile("hash", re.IGNORECASE))
        expect(widget.card("cart").locator(".ow-total")).to_have_text("¥26.00")

        turn = speaker.say(speak("that's all"))
        readback = turn.custom("readback")
        assert readback is not None and readback["total"] == 2600, turn.bot_messages
        expect(widget.card("readback").locator(".ow-total")).to_have_text("¥26.00")
        # Shown, and not taken for an answer the widget awaits: its log is not left busy.
        expect(widget.log).to_have_attribute("aria-busy", "false")
        widget.page.get_by_role("button", name="Yes, pay").last.scroll_into_view_if_needed()
        widget.page.screenshot(path=str(SCREENSHOT))

        widget.tap("Yes, pay")
        expect(widget.log).to_contain_text("Paid ¥26.00")
        shared = {m["turn"] for m in widget.received if m["type"] == "shared_turn"}
        assert len(shared) == 2, widget.received  # the order, and "that's all"
        audio = [m for m in widget.received if m["type"] == "reply_audio" and m["turn"] in shared]
        assert audio == []  # the widget asked for them shown, not spoken (`shared_turns`)
        heard = speaker.next_turn_taken_elsewhere()
        assert heard.elsewhere is not None and heard.elsewhere["said"] == "/affirm"
        assert heard.bot_texts[0].startswith("Paid ¥26.00"), heard.bot_texts
        assert heard.sentences[0].startswith("Paid 26 yuan"), heard.sentences
        assert len(heard.audio) > 22_050, "the speaker said it aloud"
    finally:
        speaker.close()
    order_id = str(readback["order_id"])
    assert [p["amount"] for p in customer.payments(order_id)] == [2600]
    assert_saw_nothing(stranger)


def test_start_on_the_shell_and_finish_on_the_widget(
    context: BrowserContext, stranger: WidgetPage, running_stack: Stack
) -> None:
    widget = WidgetPage(context.new_page(), demo_url(running_stack.config.rasa_url)).open()
    customer = widget.customer(running_stack)
    shell = Shell(running_stack, str(customer.token))
    try:
        assert "Your cart" in shell.says("two hash browns")
        expect(widget.card("cart").locator(".ow-total")).to_have_text("¥14.00")
        assert "Shall I pay ¥14.00" in shell.says("that's all")
        readback = widget.card("readback")
        expect(readback.locator(".ow-total")).to_have_text("¥14.00")
        order_id = readback.locator("caption").inner_text().rsplit(" ", 1)[-1]

        widget.tap("Yes, pay")
        expect(widget.log).to_contain_text("Paid ¥14.00")
        shown = shell.turns_elsewhere(until="Paid ¥14.00")
        # Only the widget's turn: the shell is never shown its own turns again.
        assert [turn.said for turn in shown] == ["/affirm"], shown
    finally:
        shell.close()
    assert [p["amount"] for p in customer.payments(order_id)] == [1400]
    assert_saw_nothing(stranger)


def test_the_pin_is_asked_on_the_paying_device_and_the_screen_never_shows_a_digit(
    context: BrowserContext, running_stack: Stack
) -> None:
    widget = WidgetPage(context.new_page(), demo_url(running_stack.config.rasa_url)).open()
    note = DEMO_NOTE.search(widget.log.inner_text())
    assert note is not None, widget.log.inner_text()
    pin = note["pin"]
    widget.page.locator(".ow-note").first.evaluate("note => note.remove()")  # the note only
    customer = widget.customer(running_stack)
    shell = Shell(running_stack, str(customer.token))
    try:
        shell.says("six large lattes")  # ¥114.00: over the ¥100.00 limit, so a PIN is due
        readback = shell.says("that's all")
        order_id = re.search(r"for order (\d+)", readback)
        assert order_id is not None, readback
        assert "PIN" in shell.says("yes")  # the shell pays: it is asked there
        expect(widget.log).to_contain_text("Your PIN is asked for on your other device")
        expect(widget.page.get_by_label("Payment PIN entry")).to_be_hidden()
        expect(widget.page.get_by_label("Message to Orderly")).to_be_enabled()

        assert "Paid ¥114.00" in shell.says(pin)
        expect(widget.log).to_contain_text("Paid ¥114.00")
        expect(widget.page.locator(".ow-elsewhere.ow-secret")).to_have_count(1)
    finally:
        shell.close()
    # Every turn of the shell's, the PIN's masked, and so again after a reload.
    for reloaded in (False, True):
        if reloaded:
            widget.page.reload()
            widget.wait_online()
        expect(widget.page.locator(".ow-elsewhere")).to_have_count(4)
        expect(widget.page.locator(".ow-elsewhere.ow-secret")).to_have_count(1)
        assert pin not in widget.page.content() + widget.page.inner_text("body")
        storage = widget.page.evaluate("JSON.stringify(Object.entries(localStorage))")
        assert pin not in storage
    assert pin not in json.dumps(widget.received)
    assert not [m for m in widget.received if "secure_input" in json.dumps(m)]
    assert [p["amount"] for p in customer.payments(order_id[1])] == [11400]
