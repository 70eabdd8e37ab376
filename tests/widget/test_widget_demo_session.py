"""The demo page's sign-in: ``POST /webhooks/widget/demo-session``, sandbox only.

The route signs a demo customer in at the merchant platform. Here the platform's
``/identity/sign-in`` is a stand-in with the same contract (the first sign-in of an
id creates it with that password; a wrong password is 401), so the route's own
rules are tested: off unless configured, only demo ids, the same demo customer
again when the page sends its id back. The real sign-in is covered by the widget's
browser tests against the running stack.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import pytest_asyncio
from rasa.core.channels.channel import UserMessage

from channels.widget import WidgetInput
from tests.channels.serving import free_port, serve_channels

pytestmark = pytest.mark.asyncio(loop_scope="module")


class SignInStandIn:
    def __init__(self) -> None:
        self.passwords: dict[str, str] = {}
        self.calls: list[dict[str, Any]] = []


@pytest.fixture(scope="module")
def merchant() -> Iterator[tuple[str, SignInStandIn]]:
    state = SignInStandIn()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.calls.append(body)
            known = state.passwords.setdefault(body["customer_id"], body["password"])
            ok = self.path == "/identity/sign-in" and known == body["password"]
            answer = {"token": f"token-for-{body['customer_id']}", "expires_in": 3600}
            payload = json.dumps(answer if ok else {"error": {"code": "invalid_credentials"}})
            self.send_response(200 if ok else 401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload.encode())

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", state
    server.shutdown()
    server.server_close()


async def no_dialogue(message: UserMessage) -> None:
    raise AssertionError("the widget channel never talks to the dialogue")


class Widgets:
    def __init__(self, on: str, off: str, down: str) -> None:
        self.on, self.off, self.down = on, off, down


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def widgets(merchant: tuple[str, SignInStandIn]) -> AsyncIterator[Widgets]:
    url, _ = merchant
    on = WidgetInput(demo_sign_in=True, merchant_url=url, demo_secret="server-secret")
    async with serve_channels([on], no_dialogue) as base:
        off = WidgetInput(demo_sign_in=False, merchant_url=url)
        down = WidgetInput(
            demo_sign_in=True, merchant_url=f"http://127.0.0.1:{free_port()}", demo_secret="s"
        )
        async with serve_channels([off], no_dialogue) as off_base:
            async with serve_channels([down], no_dialogue) as down_base:
                yield Widgets(
                    *(f"{b}/webhooks/widget/demo-session" for b in (base, off_base, down_base))
                )


async def post(url: str, body: dict[str, Any] | None = None) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(url, json=body or {})


async def test_the_route_exists_only_when_demo_sign_in_is_on(widgets: Widgets) -> None:
    answer = await post(widgets.off)
    assert answer.status_code == 404
    assert "Demo sign-in is off" in answer.json()["error"]["message"]


async def test_a_page_gets_a_demo_customer_and_keeps_it(
    widgets: Widgets, merchant: tuple[str, SignInStandIn]
) -> None:
    _, state = merchant
    first = (await post(widgets.on)).json()
    assert re.fullmatch(r"demo-[0-9a-f]{32}", first["customer_id"])
    assert first["token"] == f"token-for-{first['customer_id']}"
    again = (await post(widgets.on, {"customer_id": first["customer_id"]})).json()
    assert again["customer_id"] == first["customer_id"]
    # The same derived password both times; never one a page chose.
    own = [c for c in state.calls if c["customer_id"] == first["customer_id"]]
    assert len(own) == 2 and own[0]["password"] == own[1]["password"]
    assert "password" not in first


async def test_a_page_cannot_sign_in_as_a_real_customer(
    widgets: Widgets, merchant: tuple[str, SignInStandIn]
) -> None:
    _, state = merchant
    answer = (await post(widgets.on, {"customer_id": "alice"})).json()
    assert answer["customer_id"].startswith("demo-")
    assert "alice" not in [c["customer_id"] for c in state.calls]


async def test_a_demo_id_made_with_another_secret_starts_a_new_demo_customer(
    widgets: Widgets, merchant: tuple[str, SignInStandIn]
) -> None:
    _, state = merchant
    taken = "demo-" + "0" * 32
    state.passwords[taken] = "a password from another server secret"
    answer = (await post(widgets.on, {"customer_id": taken})).json()
    assert answer["customer_id"] != taken and answer["token"]


async def test_a_merchant_that_is_down_is_a_clear_503(widgets: Widgets) -> None:
    answer = await post(widgets.down)
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "sign_in_unavailable"
