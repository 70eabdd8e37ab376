"""Services trust each other only with a credential: Rasa -> action server, and CORS.

The action server runs as ``python -m launch serve`` runs it (a real process on a free
port); CORS is Rasa's own (``rasa.server.configure_cors``) given the origins the
launcher passes to ``rasa run --cors``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from rasa.core.channels.channel import UserMessage
from rasa.server import configure_cors

from channels.identity import IdentitySettings, TokenVerifier
from channels.rest import SecureRestInput
from channels.widget import WidgetInput
from launch.stack import ROOT, StackConfig
from tests.channels.serving import free_port, serve_channels

ACTION_TOKEN = "test-action-token-0123456789"


def start_action_server(port: int, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "actions"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "ORDERLY_ACTION_TOKEN"},
            "PYTHONPATH": str(ROOT),
            "ORDERLY_ACTIONS_PORT": str(port),
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture(scope="module")
def action_server() -> Iterator[str]:
    port = free_port()
    process = start_action_server(port, ORDERLY_ACTION_TOKEN=ACTION_TOKEN)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the action server did not start"
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def webhook_call(channel: str = "rest") -> dict[str, object]:
    return {
        "next_action": "action_that_does_not_exist",
        "sender_id": "alice",
        "tracker": {"sender_id": "alice", "latest_input_channel": channel, "events": []},
        "domain": {},
        "version": "3.6.21",
    }


def test_the_action_server_refuses_to_start_without_its_token() -> None:
    process = start_action_server(free_port())
    output, _ = process.communicate(timeout=120)
    assert process.returncode != 0
    assert b"ORDERLY_ACTION_TOKEN" in output


@pytest.mark.parametrize("params", [{}, {"token": "guess"}], ids=["no-token", "wrong-token"])
def test_webhook_without_the_action_token_is_401(action_server: str, params: dict) -> None:
    answer = httpx.post(f"{action_server}/webhook", params=params, json=webhook_call())
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"
    assert httpx.get(f"{action_server}/actions").status_code == 401


def test_rasa_with_the_token_reaches_the_actions(action_server: str) -> None:
    # Exactly how Rasa's EndpointConfig sends it: the `token` query parameter.
    answer = httpx.post(
        f"{action_server}/webhook", params={"token": ACTION_TOKEN}, json=webhook_call()
    )
    assert answer.status_code == 404  # rasa-sdk's own answer: no such action
    assert "action_that_does_not_exist" in answer.text
    assert httpx.get(f"{action_server}/actions", params={"token": ACTION_TOKEN}).is_success
    assert httpx.get(f"{action_server}/health").is_success


def test_rasa_shell_conversations_are_turned_away(action_server: str) -> None:
    answer = httpx.post(
        f"{action_server}/webhook", params={"token": ACTION_TOKEN}, json=webhook_call("cmdline")
    )
    assert answer.status_code == 200
    assert answer.json()["events"] == []
    assert "make shell" in answer.json()["responses"][0]["text"]


def test_endpoints_give_rasa_the_action_token() -> None:
    text = (ROOT / "endpoints.yml").read_text()
    assert "token: ${ORDERLY_ACTION_TOKEN}" in text


# --- CORS ----------------------------------------------------------------------------


def test_the_launcher_allows_only_the_demo_pages_origin_by_default(tmp_path: Path) -> None:
    config = StackConfig(data_dir=tmp_path, rasa_port=5005)
    assert config.cors_origins == ["http://localhost:5005", "http://127.0.0.1:5005"]
    custom = StackConfig(data_dir=tmp_path, env={"ORDERLY_CORS_ORIGINS": "https://shop.test"})
    assert custom.cors_origins == ["https://shop.test"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def rasa_with_cors() -> AsyncIterator[str]:
    origins = StackConfig(rasa_port=5005).cors_origins

    async def no_dialogue(message: UserMessage) -> None:
        raise AssertionError("no dialogue here")

    channels = [
        SecureRestInput(verifier=TokenVerifier(IdentitySettings(secret="s" * 32))),
        WidgetInput(),
    ]
    async with serve_channels(
        channels, no_dialogue, configure=lambda app: configure_cors(app, origins)
    ) as url:
        yield url


@pytest.mark.asyncio(loop_scope="module")
async def test_cors_answers_only_the_configured_origins(rasa_with_cors: str) -> None:
    async with httpx.AsyncClient() as client:
        for origin, allowed in [
            ("http://localhost:5005", True),
            ("http://127.0.0.1:5005", True),
            ("https://evil.example", False),
        ]:
            preflight = await client.options(
                f"{rasa_with_cors}/webhooks/rest/webhook",
                headers={
                    "Origin": origin,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization, content-type",
                },
            )
            page = await client.get(
                f"{rasa_with_cors}/webhooks/widget/demo", headers={"Origin": origin}
            )
            for answer in (preflight, page):
                granted = answer.headers.get("access-control-allow-origin")
                assert (granted == origin) is allowed, (origin, answer.headers)
                assert granted != "*"
