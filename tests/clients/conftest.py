"""A tiny real HTTP server on loopback answering like Rasa's REST channel and the sign-in.

It replays canned, Rasa-shaped replies; like the real channel it refuses a message
without a token it issued (401), and like the merchant's ``POST /identity/sign-up`` and
``/sign-in`` it creates customers and issues tokens, and takes ``PUT /identity/pin``. So
the shell's transport and its whole loop, sign-in included, can be tested without
training a model. The real Rasa stack (REST channel, secure-input channel,
actions, merchant) is exercised by the end-to-end tests in tests/e2e.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

WEBHOOK = "/webhooks/rest/webhook"
SIGN_IN = "/identity/sign-in"
SIGN_UP = "/identity/sign-up"
PIN = "/identity/pin"
NOTIFICATIONS = "/webhooks/rest/notifications"

# The canned long poll's wait when there is no news.
NEWS_WAIT_SECONDS = 0.2
# Given the decoded request body, return the HTTP status and the raw response body.
Answer = Callable[[dict[str, Any]], tuple[int, bytes]]


def rasa_reply(*messages: dict[str, Any]) -> tuple[int, bytes]:
    """A 200 reply carrying bot messages, each addressed to the recipient like Rasa does."""
    return 200, json.dumps([{"recipient_id": "someone", **m} for m in messages]).encode()


@dataclass
class CannedRasa:
    """The running server: its base URL, every request body it got, and how it answers."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    answer: Answer = lambda _body: rasa_reply()
    # Sign-in: every request, the customers' passwords, the tokens still valid.
    sign_ins: list[dict[str, Any]] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)
    valid_tokens: dict[str, str] = field(default_factory=dict)
    senders: list[str] = field(default_factory=list)
    # PUT /identity/pin: each accepted change as (customer, pin); the shell's own check.
    pins: list[tuple[str, str]] = field(default_factory=list)
    # GET /webhooks/rest/notifications: each poll takes the next of these bodies (bot
    # messages), or answers none after a short wait, as the channel's long poll does.
    news: list[list[dict[str, Any]]] = field(default_factory=list)
    news_polls: int = 0

    def expire_tokens(self) -> None:
        self.valid_tokens.clear()

    # Tests reach the helper through the fixture: importing from conftest is fragile.
    reply = staticmethod(rasa_reply)


def _handler_for(canned: CannedRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if not self.path.startswith(NOTIFICATIONS) or token not in canned.valid_tokens:
                self._respond(404 if token in canned.valid_tokens else 401, b"{}")
                return
            canned.news_polls += 1
            if not canned.news:
                time.sleep(NEWS_WAIT_SECONDS)
            # An entry is the news' messages, or a whole body (turns taken elsewhere).
            entry = canned.news.pop(0) if canned.news else []
            body = entry if isinstance(entry, dict) else {"messages": entry}
            self._respond(200, json.dumps(body).encode())

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            if self.path in (SIGN_IN, SIGN_UP):
                self._sign_in(body, sign_up=self.path == SIGN_UP)
                return
            if self.path != WEBHOOK:
                self._respond(404, b'{"error": "not found"}')
                return
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in canned.valid_tokens:
                error = {
                    "code": "token_expired",
                    "message": "The token has expired; sign in again.",
                }
                self._respond(401, json.dumps({"error": error}).encode())
                return
            canned.senders.append(canned.valid_tokens[token])
            canned.received.append(body)
            self._respond(*canned.answer(body))

        def do_PUT(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            customer = canned.valid_tokens.get(token)
            if self.path != PIN or customer is None:
                self._respond(401, b'{"error": {"message": "Sign in first."}}')
            elif canned.passwords.get(customer) != body.get("password"):
                self._respond(401, b'{"error": {"message": "Wrong password."}}')
            else:
                canned.pins.append((customer, body["pin"]))
                self._respond(200, b'{"pin_set": true}')

        def _sign_in(self, body: dict[str, Any], sign_up: bool) -> None:
            """Sign-up creates (409 when taken); sign-in only checks (401 when unknown)."""
            canned.sign_ins.append({**body, "sign_up": sign_up})
            customer, password = body["customer_id"], body["password"]
            if sign_up and customer in canned.passwords:
                self._respond(409, b'{"error": {"code": "customer_id_taken"}}')
                return
            if sign_up:
                canned.passwords[customer] = password
            if canned.passwords.get(customer) != password:
                error = {"code": "invalid_credentials", "message": "Wrong password."}
                self._respond(401, json.dumps({"error": error}).encode())
                return
            token = f"tok-{len(canned.sign_ins)}"
            canned.valid_tokens[token] = customer
            self._respond(200, json.dumps({"token": token, "expires_in": 3600}).encode())

        def _respond(self, status: int, payload: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep pytest's output clean

    return Handler


@pytest.fixture
def canned_rasa() -> Iterator[CannedRasa]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    canned = CannedRasa(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler_for(canned)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield canned
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL nothing listens on, as when `make serve` is not running."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
