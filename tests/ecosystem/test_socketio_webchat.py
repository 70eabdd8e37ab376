"""A Rasa webchat's socket.io client in Chromium completes a paid order with the whole assistant.

The page (webchat.html) loads the stock ``socket.io-client`` from npm (``make test`` installs
it from tests/ecosystem/package-lock.json; nothing comes from a CDN) and sends exactly the
events rasa-webchat sends. Playwright serves the page at the Rasa server's own origin, as a
site that embeds a webchat would be (the stack allows that origin). Outcomes are checked on
the merchant platform.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from launch.stack import Stack
from tests.customer import Customer, new_sender
from tests.tokens import mint_token

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
CLIENT = HERE / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
TURN_TIMEOUT_MS = 60_000


class Webchat:
    """The page, driven as a person's webchat would be: connect, type, read the replies."""

    def __init__(self, page: Page, rasa_url: str) -> None:
        self.page = page
        self.url = f"{rasa_url}/ecosystem/webchat.html"
        page.route(self.url, lambda route: _serve(route, HERE / "webchat.html", "text/html"))
        page.route(
            f"{rasa_url}/ecosystem/socket.io.min.js",
            lambda route: _serve(route, CLIENT, "text/javascript"),
        )
        page.set_default_timeout(TURN_TIMEOUT_MS)

    def open(self, auth: dict[str, str] | None = None) -> Webchat:
        self.page.goto(self.url)
        self.page.evaluate("auth => webchat.connect(auth)", auth)
        return self

    def wait_session(self) -> str:
        self.page.wait_for_function("() => webchat.session !== null")
        return str(self.page.evaluate("webchat.session"))

    def say(self, text: str, until: str, token: str | None = None) -> list[dict[str, Any]]:
        """Type ``text``; wait for a reply matching the regular expression ``until``."""
        before = int(self.page.evaluate("webchat.received.length"))
        header = f"Bearer {token}" if token else None
        self.page.evaluate("([text, header]) => webchat.send(text, header)", [text, header])
        self.page.wait_for_function(
            "([n, pattern]) => webchat.received.slice(n)"
            ".some(m => new RegExp(pattern).test(JSON.stringify(m)))",
            arg=[before, until],
        )
        return list(self.page.evaluate("n => webchat.received.slice(n)", before))

    def refusal(self) -> dict[str, Any]:
        self.page.wait_for_function("() => webchat.refusals.length > 0")
        return dict(self.page.evaluate("webchat.refusals[0]"))


def _serve(route: Route, path: Path, content_type: str) -> None:
    route.fulfill(path=path, content_type=content_type)


@pytest.fixture
def webchat(browser: Browser, running_stack: Stack) -> Iterator[Webchat]:
    if not CLIENT.exists():
        pytest.fail(f"no socket.io client at {CLIENT}: run `make node-packages` (make test does)")
    context = browser.new_context()
    yield Webchat(context.new_page(), running_stack.config.rasa_url)
    context.close()


def joined(replies: list[dict[str, Any]]) -> str:
    return " ".join(str(reply.get("text", "")) for reply in replies)


def custom(replies: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [r["custom"][kind] for r in replies if kind in r.get("custom", {})]
    assert found, replies
    return dict(found[-1])


def test_a_webchat_orders_and_pays_as_the_tokens_customer(
    webchat: Webchat, running_stack: Stack
) -> None:
    customer_id = new_sender("webchat")
    token = mint_token(customer_id)
    webchat.open()
    session_id = webchat.wait_session()

    cart = custom(webchat.say("a cola", until='"cart"', token=token), "cart")
    assert cart["total"] > 0
    replies = webchat.say("that's all", until='"readback"', token=token)
    order_id = str(custom(replies, "readback")["order_id"])
    customer = Customer.on_stack(running_stack, sender=customer_id)
    assert customer.payments(order_id) == [], "nothing may be charged before the yes"
    paid = webchat.say("yes", until="Paid ¥", token=token)
    assert re.search(r"Paid ¥\d+\.\d\d", joined(paid)), paid

    [order] = customer.orders()
    assert (order["id"], order["status"]) == (order_id, "paid")
    assert [p["amount"] for p in customer.captured(order_id)] == [order["total"]]
    # The session id the widget keeps named nobody: no order was made for it.
    assert Customer.on_stack(running_stack, sender=session_id).orders() == []


def test_the_auth_payload_at_connect_signs_the_webchat_in_and_no_pin_is_asked(
    webchat: Webchat, running_stack: Stack
) -> None:
    # A customer with a PIN of their own: the PIN step is reached, and refused here.
    customer = Customer.with_own_pin(running_stack, "730418", sender=new_sender("webchat"))
    webchat.open(auth={"token": mint_token(customer.sender)})
    webchat.wait_session()
    webchat.say("nine egg and sausage muffins", until='"cart"')  # over the no-PIN limit
    replies = webchat.say("that's all", until='"readback"')
    order_id = str(custom(replies, "readback")["order_id"])
    at_pin_step = webchat.say("yes", until="can't take a PIN here")
    said = joined(at_pin_step)
    assert "widget" in said and "voice" in said, said
    assert "secure_input" not in str(at_pin_step)
    assert customer.captured(order_id) == []


def test_without_a_token_nothing_is_ordered(webchat: Webchat, running_stack: Stack) -> None:
    webchat.open()
    session_id = webchat.wait_session()
    [refusal] = webchat.say("a cola", until="token_missing")
    assert refusal["error"] == {"code": "token_missing"} and "Sign in" in refusal["text"]
    assert Customer.on_stack(running_stack, sender=session_id).orders() == []


def test_a_wrong_token_is_refused_at_connect_and_with_a_message(webchat: Webchat) -> None:
    forged = mint_token("alice", secret="a-guess-at-the-secret-0123456789abcdef")
    webchat.open(auth={"token": forged})
    assert webchat.refusal() == {
        "message": "The token is not valid.",
        "data": {"code": "token_invalid"},
    }
    webchat.open()
    webchat.wait_session()
    [refusal] = webchat.say("a cola", until="token_invalid", token=forged)
    assert refusal["error"] == {"code": "token_invalid"}
