"""The trained model hearing a conversation at the sandbox merchants: the fixtures of
tests/nlu/test_edits_heard_by_the_model.py and test_corrections_heard_by_the_model.py,
registered once by tests/nlu/conftest.py so both files share one load of the model.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback_lexicon import serve_lexicon

from actions.lexicon import build_lexicon
from actions.settings import Settings
from bot.nlu.lexicon import LEXICON_URL_ENV
from launch.stack import MODEL
from tests.actions.conversation import Conversation
from tests.actions.sandbox_merchant import BASE_URL, sandbox_backend
from tests.actions.test_composed_orders import lines

GOLDEN_CRUMB, COPPER_KETTLE, HARBOUR_INN = "golden-crumb", "copper-kettle", "harbour-inn"


class Heard:
    """A conversation whose every message goes through the trained model first."""

    def __init__(self, agent: Any, talk: Conversation) -> None:
        self.agent = agent
        self.talk = talk

    async def say(self, text: str) -> str:
        parsed = await self.agent.parse_message(text)
        return await self.talk.say(
            text,
            parsed["intent"]["name"],
            *parsed["entities"],
            confidence=parsed["intent"]["confidence"],
            ranking={i["name"]: i["confidence"] for i in parsed.get("intent_ranking", [])},
        )

    def lines(self) -> list[tuple[str, int, dict[str, Any]]]:
        return lines(self.talk)

    def reads_back(self) -> bool:
        return bool(self.talk.slots.get("awaiting_order"))


class Agents:
    """The trained model per merchant, each loaded with that merchant's lexicon on first use
    (served until the session ends: the extractor fetches it on the first message)."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory, servers: contextlib.ExitStack):
        self.tmp_path_factory = tmp_path_factory
        self.servers = servers
        self.loaded: dict[str, Any] = {}

    def __getitem__(self, merchant: str) -> Any:
        if merchant not in self.loaded:
            # Asked for from an async fixture, whose loop is running: load on a thread of
            # its own, where building the lexicon may run a loop of its own.
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
                self.loaded[merchant] = worker.submit(self._load, merchant).result()
        return self.loaded[merchant]

    def _load(self, merchant: str) -> Any:
        from rasa.core.agent import Agent

        backend, _, client = sandbox_backend(self.tmp_path_factory.mktemp(merchant), merchant)
        lexicon = asyncio.run(build_lexicon(backend, merchant))
        asyncio.run(client.aclose())
        server = self.servers.enter_context(serve_lexicon(lexicon.dict()))
        before = os.environ.get(LEXICON_URL_ENV)
        os.environ[LEXICON_URL_ENV] = server.url
        try:
            return Agent.load(str(MODEL))
        finally:
            if before is None:
                os.environ.pop(LEXICON_URL_ENV, None)
            else:
                os.environ[LEXICON_URL_ENV] = before


# Per session, not per module: several files use it, and each load takes 20-40 s.
@pytest.fixture(scope="session")
def agents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agents]:
    """The trained model, loaded once per merchant the session's tests talk to."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make model`")
    with contextlib.ExitStack() as servers:
        yield Agents(tmp_path_factory, servers)


async def _heard(agents: Agents, tmp_path: Path, merchant: str) -> AsyncIterator[Heard]:
    backend, _, client = sandbox_backend(tmp_path, merchant)
    settings = Settings(
        merchant_url=BASE_URL,
        merchant_id=merchant,
        merchant_service_token=backend._settings.merchant_service_token,
    )
    yield Heard(agents[merchant], Conversation(backend=backend, settings=settings))
    await client.aclose()


@pytest.fixture
async def crumb(agents: Agents, tmp_path: Path) -> AsyncIterator[Heard]:
    async for heard in _heard(agents, tmp_path, GOLDEN_CRUMB):
        yield heard


@pytest.fixture
async def kettle(agents: Agents, tmp_path: Path) -> AsyncIterator[Heard]:
    async for heard in _heard(agents, tmp_path, COPPER_KETTLE):
        yield heard


@pytest.fixture
async def inn(agents: Agents, tmp_path: Path) -> AsyncIterator[Heard]:
    """Harbour Inn, the booking merchant."""
    async for heard in _heard(agents, tmp_path, HARBOUR_INN):
        yield heard
