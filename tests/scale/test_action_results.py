"""The once-built check of action-server replies accepts and refuses what Rasa's own does."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot import action_results

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
    action_results.install()
    action = RemoteAction("action_x", EndpointConfig("http://127.0.0.1:9"))
    expected = stock_verdict(reply)
    if expected is None:
        assert action._validate_action_result(reply) is True
    else:
        with pytest.raises(jsonschema.ValidationError) as raised:
            action._validate_action_result(reply)
        assert raised.value.message.startswith(expected)
        assert "Failed to validate Action server response" in raised.value.message
