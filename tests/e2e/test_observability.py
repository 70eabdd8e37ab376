"""Watching the running stack: after one paid conversation, every service's /metrics shows
its histograms and counters, and the payment turn's id is in the logs of all three."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from launch.stack import Stack
from tests.customer import Customer

pytestmark = pytest.mark.slow


def new_records(log: Path, offset: int) -> list[dict[str, Any]]:
    """The lines written since ``offset``: each must be one JSON object."""
    with log.open("rb") as file:
        file.seek(offset)
        lines = file.read().decode().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_one_conversation_shows_in_every_services_metrics_and_one_turn_id_in_every_log(
    running_stack: Stack,
) -> None:
    logs = {
        name: running_stack.config.log_dir / f"{name}.log"
        for name in ("rasa", "actions", "merchant")
    }
    offsets = {name: path.stat().st_size for name, path in logs.items()}
    customer = Customer.on_stack(running_stack)
    customer.say("two hash browns")
    customer.say("that's all")
    reply = customer.say("yes")
    assert "Paid" in reply, customer.replies

    config = running_stack.config
    rasa = httpx.get(f"{config.rasa_url}/metrics").text
    actions = httpx.get(f"{config.actions_url}/metrics").text
    merchant = httpx.get(f"{config.merchant_url}/metrics").text
    assert 'orderly_turns_total{channel="rest",outcome="answered"}' in rasa
    assert 'orderly_turn_seconds_bucket{channel="rest",le="0.5"}' in rasa
    assert "orderly_action_seconds_bucket" in actions
    assert 'orderly_orders_total{outcome="placed"}' in merchant
    assert 'orderly_payments_total{outcome="captured"}' in merchant
    assert (
        'orderly_merchant_request_seconds_bucket{le="0.5",method="POST",route="/payments",status="201"}'
        in merchant
    )

    records = {name: new_records(path, offsets[name]) for name, path in logs.items()}
    paying = [r for r in records["rasa"] if r["event"] == "turn"][-1]
    turn_id = paying["turn_id"]
    assert (paying["service"], paying["channel"], paying["outcome"]) == ("rasa", "rest", "answered")
    in_actions = [r for r in records["actions"] if r.get("turn_id") == turn_id]
    in_merchant = [r for r in records["merchant"] if r.get("turn_id") == turn_id]
    action = next(r for r in in_actions if r["event"] == "action")
    assert action["outcome"] == "done"
    assert f'orderly_action_seconds_count{{action="{action["action"]}",outcome="done"}}' in actions
    assert any(r["event"] == "request" and r["route"] == "/payments" for r in in_merchant)
    assert all(r["service"] == name for name, lines in records.items() for r in lines)
