"""The once-built check of action-server replies accepts and refuses what Rasa's own does."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import jsonschema
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from contracts.telemetry import TURN_HEADER, turn
from launch.rasa_process import action_calls
from launch.stack import ROOT

REPLIES: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "cart", "value": [1]}], "responses": [{"text": "Hi"}]},
    {"events": [{"no_event_key": True}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [], "responses": "nope"},
]


def stock_verdict(reply: dict[str, Any]) -> str | None:
    try:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as error:
        return error.message
    return None


@pytest.mark.parametrize("reply", REPLIES)
def test_the_patched_check_agrees_with_rasas(reply: dict[str, Any]) -> None:
    action_calls.install()
    action = RemoteAction("action_x", EndpointConfig("http://127.0.0.1:9"))
    expected = stock_verdict(reply)
    if expected is None:
        assert action._validate_action_result(reply) is True
    else:
        with pytest.raises(jsonschema.ValidationError) as raised:
            action._validate_action_result(reply)
        assert raised.value.message.startswith(expected)
        assert "Failed to validate Action server response" in raised.value.message


EVENT_TYPES = [
    branch["properties"]["event"]["const"]
    for branch in RemoteAction.action_response_format_spec()["properties"]["events"]["items"][
        "oneOf"
    ]
]
FIELDS = ["name", "value", "timestamp", "text", "metadata", "parse_data", "policy",
          "confidence", "data", "intent", "entities", "date_time", "kill_on_user_msg",
          "input_channel", "message_id", "action_text", "hide_rule_turn"]  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
# Mostly well-typed events, as an action server sends them, so that most replies pass.
plausible_events = st.fixed_dictionaries(
    {"event": st.sampled_from(EVENT_TYPES)},
    optional={
        "name": st.text(max_size=5),
        "value": json_values,
        "timestamp": st.none() | st.floats(allow_nan=False),
        "text": st.none() | st.text(max_size=5),
        "metadata": st.none() | st.dictionaries(st.text(max_size=4), json_values, max_size=2),
    },
)
events = st.one_of(
    plausible_events,
    st.fixed_dictionaries(
        {"event": st.sampled_from([*EVENT_TYPES, "no_such_event"]) | json_values},
        optional={field: json_values for field in FIELDS},
    ),
    json_values,
)
replies = st.fixed_dictionaries(
    {},
    optional={
        "events": st.lists(plausible_events, max_size=4)
        | st.lists(events, max_size=4)
        | json_values,
        "responses": st.lists(st.dictionaries(st.text(max_size=4), json_values), max_size=2)
        | json_values,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replies)
def test_the_per_event_check_agrees_with_rasas_on_any_reply(reply: dict[str, Any]) -> None:
    """Whatever an action server sends, the verdict and the message are Rasa's own."""
    test_the_patched_check_agrees_with_rasas(reply)


async def test_action_calls_share_one_connection_and_drop_it_when_idle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One kept connection instead of a new one per call; never reused past its idle time."""
    monkeypatch.setattr(action_calls, "KEEP_ALIVE_SECONDS", 0.3)
    action_calls.install()
    peers: list[int] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername")[1])  # type: ignore[union-attr]
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", token="secret")
    try:
        for _ in range(3):
            assert await endpoint.request(json={"next_action": "x"}, method="post") == {
                "events": [],
                "responses": [],
            }
        assert len(peers) == 3 and len(set(peers)) == 1
        await asyncio.sleep(0.8)
        await endpoint.request(json={"next_action": "x"}, method="post")
        assert len(set(peers)) == 2  # the idle connection was dropped, a new one made
    finally:
        await runner.cleanup()


async def test_each_action_call_carries_the_turn_id_of_the_message_that_caused_it() -> None:
    """The action server's log lines of a turn then carry the same id as the channel's."""
    action_calls.install()
    received: list[str | None] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append(request.headers.get(TURN_HEADER))
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", token="secret")
    try:
        with turn("a1b2c3d4e5f6") as first:
            await endpoint.request(json={"next_action": "x"}, method="post")
        with turn() as second:
            await endpoint.request(json={"next_action": "x"}, method="post")
        await endpoint.request(json={"next_action": "x"}, method="post")  # no turn
    finally:
        await runner.cleanup()
    assert received == [first, second, None]


def test_the_launcher_refuses_to_patch_a_rasa_release_the_patches_were_not_written_for() -> None:
    from launch.rasa_process.__main__ import install_patches

    with pytest.raises(SystemExit, match="written for Rasa 3.6.21; this is Rasa 3.7.0"):
        install_patches("3.7.0")


def test_importing_the_tracker_store_patches_nothing() -> None:
    code = (
        "import rasa.utils.endpoints as e; before = e.EndpointConfig.session; "
        "import launch.rasa_process.tracker_store; "
        "assert e.EndpointConfig.session is before, 'patched on import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
