"""The demo page's sign-in: ``POST /webhooks/widget/demo-session``, sandbox only.

The route signs a demo customer up (then in) at the merchant platform and gives it a
PIN. Here the platform's identity routes are a stand-in with the same contract, so the
route's own rules are tested: off unless configured, only demo ids, the same demo
customer again when the page sends its id back, a PIN of its own, a throttle. The real
sign-in is covered by the widget's browser tests against the running stack.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import pytest_asyncio
import yaml
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import RasaException

from channels.identity import IdentitySettings
from channels.settings import RasaSettings
from channels.widget import WidgetInput
from launch.stack import ROOT, Stack, StackConfig
from tests.channels.serving import free_port, serve_channels

pytestmark = pytest.mark.asyncio(loop_scope="module")


class SignInStandIn:
    """The merchant's identity routes, same contract: sign-up creates (409 when taken),
    sign-in checks (401 for an unknown id or a wrong password), PUT /identity/pin needs the
    customer's token and password."""

    def __init__(self) -> None:
        self.passwords: dict[str, str] = {}
        self.calls: list[dict[str, Any]] = []
        self.pins: dict[str, str] = {}

    def answer(
        self, method: str, path: str, body: dict[str, Any], headers: Any
    ) -> tuple[int, dict[str, Any]]:
        self.calls.append({**body, "path": path, "forwarded_for": headers.get("X-Forwarded-For")})
        customer = body.get("customer_id")
        token = {"token": f"token-for-{customer}", "expires_in": 3600}
        refused = {"error": {"code": "invalid_credentials", "message": "No."}}
        if (method, path) == ("POST", "/identity/sign-up"):
            if customer in self.passwords:
                return 409, {"error": {"code": "customer_id_taken"}}
            self.passwords[customer] = body["password"]
            return 201, token
        if (method, path) == ("POST", "/identity/sign-in"):
            ok = self.passwords.get(customer) == body["password"]
            return (200, token) if ok else (401, refused)
        if (method, path) == ("PUT", "/identity/pin"):
            customer = str(headers.get("Authorization", "")).removeprefix("Bearer token-for-")
            if self.passwords.get(customer) != body.get("password"):
                return 401, refused
            self.pins[customer] = body["pin"]
            return 200, {"pin_set": True}
        return 404, {"error": {"code": "not_found"}}


@pytest.fixture(scope="module")
def merchant() -> Iterator[tuple[str, SignInStandIn]]:
    state = SignInStandIn()

    class Handler(BaseHTTPRequestHandler):
        def reply(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status, answer = state.answer(self.command, self.path, body, self.headers)
            payload = json.dumps(answer)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload.encode())

        do_POST = do_PUT = reply

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
    def __init__(self, on: str, off: str, down: str, scripted: str) -> None:
        self.on, self.off, self.down, self.scripted = on, off, down, scripted


def widget(merchant_url: str, **settings: Any) -> WidgetInput:
    return WidgetInput(
        settings=RasaSettings(merchant_url=merchant_url, **settings),
        identity=IdentitySettings(secret="server-secret"),
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def widgets(merchant: tuple[str, SignInStandIn]) -> AsyncIterator[Widgets]:
    url, _ = merchant
    on = widget(url, demo_sign_in=True, demo_sessions_per_client="1000/minute")
    off = widget(url)
    down = widget(f"http://127.0.0.1:{free_port()}", demo_sign_in=True)
    scripted = widget(url, demo_sign_in=True, demo_pin="4071")
    async with AsyncExitStack() as stack:
        bases = [
            await stack.enter_async_context(serve_channels([w], no_dialogue))
            for w in (on, off, down, scripted)
        ]
        yield Widgets(*(f"{b}/webhooks/widget" for b in bases))


async def post(url: str, body: dict[str, Any] | None = None) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(f"{url}/demo-session", json=body or {})


async def test_the_demo_session_is_off_unless_the_environment_turns_it_on() -> None:
    assert RasaSettings.from_env({}).demo_sign_in is False
    assert RasaSettings.from_env({"ORDERLY_DEMO_SIGN_IN": "1"}).demo_sign_in is True
    with pytest.raises(RasaException, match="ORDERLY_DEMO_SIGN_IN"):
        WidgetInput.from_credentials({"demo_sign_in": True})


async def test_the_route_exists_only_when_demo_sign_in_is_on(widgets: Widgets) -> None:
    answer = await post(widgets.off)
    assert answer.status_code == 404
    assert "Demo sign-in is off" in answer.json()["error"]["message"]


async def test_a_page_gets_a_demo_customer_with_a_pin_of_its_own_and_keeps_it(
    widgets: Widgets, merchant: tuple[str, SignInStandIn]
) -> None:
    _, state = merchant
    first = (await post(widgets.on)).json()
    customer = first["customer_id"]
    assert re.fullmatch(r"demo-[0-9a-f]{32}", customer)
    assert first["token"] == f"token-for-{customer}"
    # Shown once: the random PIN the customer was given, and the password Settings asks.
    assert re.fullmatch(r"[0-9]{6}", first["pin"]) and state.pins[customer] == first["pin"]
    assert first["password"] == state.passwords[customer]
    again = (await post(widgets.on, {"customer_id": customer})).json()
    assert again["customer_id"] == customer
    assert "pin" not in again and "password" not in again
    own = [c for c in state.calls if c.get("customer_id") == customer]
    assert [c["path"] for c in own] == ["/identity/sign-up", "/identity/sign-in"]
    assert own[0]["password"] == own[1]["password"]
    assert own[0]["forwarded_for"] == "127.0.0.1"  # the browser, for the merchant's throttle


async def test_two_demo_customers_get_two_pins(widgets: Widgets) -> None:
    pins = {(await post(widgets.on)).json()["pin"] for _ in range(6)}
    assert len(pins) > 1


async def test_a_scripted_demo_gives_every_new_customer_its_pin(
    widgets: Widgets, merchant: tuple[str, SignInStandIn]
) -> None:
    _, state = merchant
    answer = (await post(widgets.scripted)).json()
    assert state.pins[answer["customer_id"]] == "4071" and "pin" not in answer


async def test_one_browser_cannot_start_demo_sessions_without_end(
    merchant: tuple[str, SignInStandIn],
) -> None:
    url, _ = merchant
    limited = widget(url, demo_sign_in=True, demo_sessions_per_client="2/minute")
    async with serve_channels([limited], no_dialogue) as base:
        answers = [await post(f"{base}/webhooks/widget") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60


async def test_the_settings_panel_sets_the_pin_through_the_widgets_own_origin(
    widgets: Widgets, merchant: tuple[str, SignInStandIn]
) -> None:
    _, state = merchant
    first = (await post(widgets.on)).json()
    headers = {"Authorization": f"Bearer {first['token']}"}
    async with httpx.AsyncClient(timeout=10) as client:
        chosen = await client.put(
            f"{widgets.on}/pin",
            json={"password": first["password"], "pin": "88231"},
            headers=headers,
        )
        wrong = await client.put(
            f"{widgets.on}/pin", json={"password": "not it", "pin": "11111"}, headers=headers
        )
        huge = await client.put(f"{widgets.on}/pin", content=b"x" * 5000, headers=headers)
    assert (chosen.status_code, chosen.json()) == (200, {"pin_set": True})
    assert wrong.status_code == 401 and state.pins[first["customer_id"]] == "88231"
    assert huge.status_code == 413


async def test_a_page_cannot_sign_in_as_a_real_customer(
    widgets: Widgets, merchant: tuple[str, SignInStandIn]
) -> None:
    _, state = merchant
    answer = (await post(widgets.on, {"customer_id": "alice"})).json()
    assert answer["customer_id"].startswith("demo-")
    assert "alice" not in [c.get("customer_id") for c in state.calls]


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


async def test_the_launcher_turns_the_demo_on_and_the_image_and_manifests_leave_it_off() -> None:
    environment = Stack(StackConfig()).environment()
    assert RasaSettings.from_env(environment).demo_sign_in is True
    deployed = [path for path in (ROOT / "deploy").rglob("*") if path.is_file()]
    assert deployed and not [str(p) for p in deployed if "DEMO_SIGN_IN" in p.read_text()]
    widget = yaml.safe_load((ROOT / "credentials.yml").read_text())["channels.widget.WidgetInput"]
    assert "demo_sign_in" not in (widget or {})
