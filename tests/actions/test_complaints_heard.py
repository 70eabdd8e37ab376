"""Complaints, their withdrawal and a yes naming the amount, heard by the trained model
(models/orderly.tar.gz) and answered by the real actions (the fake Golden Crumb merchant).

tests/actions/test_complaints.py gives each message the intent the model gives it; here the
model itself decides, because in the blind round DIET's reading was the fault: "never mind,
it's correct. That's everything" was a plain yes, "sorry, my mistake, the order is right.
That's all" was not understood, "that's not what I told you" was a no.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.nlu.lexicon import LEXICON_URL_ENV
from launch.stack import MODEL
from tests.actions.conversation import Conversation
from tests.actions.test_composed_orders import FAKE_SKUS, lines
from tests.nlu.loopback_lexicon import serve_lexicon

pytestmark = pytest.mark.slow  # loads the trained model (about 20 s)

LEXICON = Path(__file__).parents[1] / "nlu" / "lexicon.json"

Say = Callable[[Conversation, str], Awaitable[str]]


@pytest.fixture(scope="module")
async def heard() -> AsyncIterator[Say]:
    """Says a message in a conversation as the trained model hears it."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make model`")
    from rasa.core.agent import Agent

    with serve_lexicon(json.loads(LEXICON.read_text(encoding="utf-8"))) as server:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(LEXICON_URL_ENV, server.url)
            patch.setenv("RASA_TELEMETRY_ENABLED", "false")
            agent = Agent.load(str(MODEL))

            async def say(talk: Conversation, text: str) -> str:
                parsed: dict[str, Any] = await agent.parse_message(text)
                entities = [
                    {**e, "value": FAKE_SKUS.get(e["value"], e["value"])}
                    if e["entity"] == "item"
                    else e
                    for e in parsed["entities"]
                ]
                intent = parsed["intent"]
                return await talk.say(
                    text, intent["name"], *entities, confidence=float(intent["confidence"])
                )

            yield say


@pytest.mark.parametrize(
    "withdrawal",
    [
        "oh sorry, it was right all along. that's everything",
        "my bad, the cart is correct, nothing else",
        "never mind, it's fine as it is. that's it",
    ],
)
async def test_a_withdrawn_complaint_with_a_closing_reads_back_and_a_yes_pays(
    heard: Say, withdrawal: str
) -> None:
    talk = Conversation()
    await heard(talk, "a hash brown and a soy milk")
    reply = await heard(talk, "hold on, that's not what I wanted")
    assert "What should I change?" in reply and talk.question != "pay", reply
    reply = await heard(talk, withdrawal)
    assert talk.question == "pay", reply
    reply = await heard(talk, "yes")
    assert [c.amount for c in talk.backend.charges] == [1200], reply
    assert lines(talk) == [] and "Paid" in reply


@pytest.mark.parametrize("complaint", ["hmm, this isn't what I told you", "you misheard me"])
async def test_a_complaint_then_a_restatement_then_a_yes_naming_the_amount(
    heard: Say, complaint: str
) -> None:
    talk = Conversation()
    await heard(talk, "two youtiao and a latte")
    reply = await heard(talk, complaint)
    assert "What should I change?" in reply and talk.question != "pay", reply
    await heard(talk, "I said a youtiao and a hash brown")
    assert lines(talk) == [("youtiao", 1, {}), ("hash-brown", 1, {})]
    await heard(talk, "that's all")
    reply = await heard(talk, "yes, pay 12 yuan")
    assert talk.backend.charges == [] and talk.question == "pay", reply
    reply = await heard(talk, "yes, pay the 11 yuan please")
    assert [c.amount for c in talk.backend.charges] == [1100], reply
