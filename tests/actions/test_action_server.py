"""The action server as Rasa meets it: a real process, the backend wired in once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

ROOT = Path(__file__).parents[2]
TOKEN = "test-action-token"


@pytest.fixture(scope="module")
def log_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("actions") / "actions.log"


@pytest.fixture(scope="module")
def action_server(log_file: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ORDERLY_ACTIONS_PORT": str(port),
        "ORDERLY_MERCHANT_BACKEND": "tests.actions.fake_backend:ConfiguredFakeBackend",
        "ORDERLY_ACTION_TOKEN": TOKEN,
    }
    log = log_file.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "actions"], cwd=ROOT, env=env,
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the action server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def call(action: str, text: str, intent: str, entities: list[dict[str, str]]) -> dict[str, object]:
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities}
    return {
        "next_action": action,
        "sender_id": "alice",
        "version": "3.6.2",
        "domain": {},
        "tracker": {
            "sender_id": "alice",
            "slots": {},
            "latest_message": message,
            "events": [{"event": "user", "text": text, "parse_data": message}],
            "latest_action_name": "action_listen",
        },
    }


def test_an_action_call_without_the_token_is_refused(action_server: str) -> None:
    body = call("action_update_cart", "a hash brown", "order_item", [])
    response = httpx.post(f"{action_server}/webhook", json=body)
    assert response.status_code == 401
    response = httpx.post(f"{action_server}/webhook", params={"token": "wrong"}, json=body)
    assert response.status_code == 401


def test_actions_run_with_the_configured_backend(action_server: str) -> None:
    entities = [{"entity": "item", "value": "hash-brown", "group": "1"}]
    body = call("action_update_cart", "a hash brown", "order_item", entities)
    response = httpx.post(f"{action_server}/webhook", params={"token": TOKEN}, json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    slots = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
    assert slots["cart"] == [{"sku": "hash-brown", "quantity": 1, "options": {}}]
    assert result["responses"][0]["custom"]["cart"]["total"] == 700
    listed = httpx.get(f"{action_server}/actions", params={"token": TOKEN}).json()
    names = {a["name"] for a in listed}
    assert {"action_answer", "action_update_cart", "action_session_start"} <= names


def test_the_lexicon_is_served_from_the_same_backend(action_server: str) -> None:
    lexicon = httpx.get(f"{action_server}/lexicon").json()
    assert "latte" in {item["sku"] for item in lexicon["items"]}


def test_an_unchanged_lexicon_is_answered_not_modified(action_server: str) -> None:
    first = httpx.get(f"{action_server}/lexicon")
    etag = first.headers["etag"]
    again = httpx.get(f"{action_server}/lexicon", headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    other = httpx.get(f"{action_server}/lexicon", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200 and other.json() == first.json()


def test_a_bearer_token_works_too_and_actions_are_listed_only_with_it(action_server: str) -> None:
    assert httpx.get(f"{action_server}/actions").status_code == 401
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.get(f"{action_server}/actions", headers=headers).status_code == 200


def test_rasa_shell_conversations_are_refused(action_server: str) -> None:
    """Issue 10, finding 8: `rasa shell` (channel cmdline) bypasses the PIN guard."""
    body = call("action_update_cart", "a hash brown", "order_item", [])
    body["tracker"]["latest_input_channel"] = "cmdline"  # type: ignore[index]
    result = httpx.post(f"{action_server}/webhook", params={"token": TOKEN}, json=body).json()
    assert result["events"] == [] and "make shell" in result["responses"][0]["text"]


def test_each_action_call_is_timed_and_logged_under_the_turn_id_rasa_sent(
    action_server: str, log_file: Path
) -> None:
    entities = [{"entity": "item", "value": "hash-brown", "group": "1"}]
    body = call("action_update_cart", "a hash brown", "order_item", entities)
    turn = {"X-Orderly-Turn": "5ca1ab1e0001"}
    sent = httpx.post(f"{action_server}/webhook", params={"token": TOKEN}, json=body, headers=turn)
    assert sent.status_code == 200
    unknown = call("action_made_up_by_a_caller_123", "hi", "greet", [])
    assert (
        httpx.post(f"{action_server}/webhook", params={"token": TOKEN}, json=unknown).status_code
        == 404
    )
    metrics = httpx.get(f"{action_server}/metrics").text
    assert 'orderly_action_seconds_count{action="action_update_cart",outcome="done"}' in metrics
    # A name the server does not know never becomes a series of its own.
    assert "action_made_up_by_a_caller_123" not in metrics
    assert 'orderly_action_seconds_count{action="unknown",outcome="failed"}' in metrics
    lines = [json.loads(line) for line in log_file.read_text().splitlines() if line.strip()]
    assert all(line["service"] == "actions" for line in lines)
    logged = [line for line in lines if line.get("turn_id") == "5ca1ab1e0001"]
    assert {"event": "action", "action": "action_update_cart", "outcome": "done"}.items() <= logged[
        -1
    ].items()
