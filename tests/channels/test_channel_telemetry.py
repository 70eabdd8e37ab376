"""The Rasa server's side of watching it run: each REST turn gets an id, a count, a duration
and a log line, and /metrics serves them at Rasa's root (credentials.yml MetricsInput)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from prometheus_client import REGISTRY
from rasa.core.channels.channel import UserMessage

from channels.identity import IdentitySettings, TokenVerifier
from channels.pin_policy import PinGate
from channels.pin_store import InMemoryPendingPins
from channels.rest import SecureRestInput
from channels.telemetry import MetricsInput
from contracts.telemetry import current_turn
from tests.channels.serving import serve_channels
from tests.json_logs import json_logs
from tests.tokens import TEST_JWT_SECRET, mint_token

pytestmark = pytest.mark.asyncio(loop_scope="module")

METRICS_TOKEN = "scraper-0123456789"


class Dialogue:
    """Answers with the turn id it ran under; "crash" makes it fail like a broken action."""

    def __init__(self) -> None:
        self.turn_ids: list[str | None] = []

    async def __call__(self, message: UserMessage) -> None:
        self.turn_ids.append(current_turn())
        if message.text == "crash":
            raise RuntimeError("the dialogue broke")
        await message.output_channel.send_text_message(message.sender_id, "ok")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served() -> AsyncIterator[tuple[str, Dialogue]]:
    dialogue = Dialogue()
    rest = SecureRestInput(
        verifier=TokenVerifier(IdentitySettings(secret=TEST_JWT_SECRET)),
        gate=PinGate(InMemoryPendingPins(), allowed_submit_urls=["http://merchant.test"]),
    )
    async with serve_channels([rest, MetricsInput(METRICS_TOKEN)], dialogue) as url:
        yield url, dialogue


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def say(url: str, text: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(
            f"{url}/webhooks/rest/webhook",
            json={"message": text},
            headers={"Authorization": f"Bearer {mint_token('alice')}"},
        )


async def test_each_turn_is_counted_timed_and_logged_under_its_own_id(
    served: tuple[str, Dialogue],
) -> None:
    url, dialogue = served
    answered = sample("orderly_turns_total", channel="rest", outcome="answered")
    timed = sample("orderly_turn_seconds_count", channel="rest")
    with json_logs("rasa") as logs:
        assert (await say(url, "hi")).status_code == 200
        assert (await say(url, "two lattes")).status_code == 200
        turns = [r for r in logs.records() if r["event"] == "turn"]
    first, second = dialogue.turn_ids[-2:]
    assert first and second and first != second
    assert [(t["turn_id"], t["channel"], t["outcome"]) for t in turns] == [
        (first, "rest", "answered"),
        (second, "rest", "answered"),
    ]
    assert sample("orderly_turns_total", channel="rest", outcome="answered") == answered + 2
    assert sample("orderly_turn_seconds_count", channel="rest") == timed + 2


async def test_a_failed_turn_is_counted_as_an_error(served: tuple[str, Dialogue]) -> None:
    url, _ = served
    errors = sample("orderly_errors_total", where="rest turn")
    assert (await say(url, "crash")).status_code == 200
    assert sample("orderly_turns_total", channel="rest", outcome="failed") >= 1
    assert sample("orderly_errors_total", where="rest turn") == errors + 1


async def test_metrics_are_served_at_the_root_to_whoever_has_the_token(
    served: tuple[str, Dialogue],
) -> None:
    url, _ = served
    await say(url, "hello")
    async with httpx.AsyncClient() as client:
        refused = await client.get(f"{url}/metrics")
        scraped = await client.get(
            f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
    assert refused.status_code == 401
    assert scraped.status_code == 200
    assert 'orderly_turns_total{channel="rest",outcome="answered"}' in scraped.text
    assert "orderly_turn_seconds_bucket" in scraped.text
    assert "orderly_voice_stage_seconds" in scraped.text
