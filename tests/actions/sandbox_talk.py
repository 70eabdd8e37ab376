"""Conversations at a sandbox merchant: the real sandbox platform in-process, heard by the
lexicon its catalogues serve, so its aliases are the real ones (the fake backend has none).
Each message is heard as the merchant in use sells, as the Rasa process does
(launch/rasa_process/merchant_in_use.py). tests/actions/conftest.py has the fixtures,
`golden_crumb` and `copper_kettle`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from actions.lexicon import build_lexicon
from actions.settings import Settings
from bot.nlu.order_parser import OrderParser
from tests.actions.conversation import Conversation
from tests.actions.sandbox_merchant import BASE_URL, sandbox_backend

GOLDEN_CRUMB = "golden-crumb"
COPPER_KETTLE = "copper-kettle"
HARBOUR_INN = "harbour-inn"


class SandboxTalk:
    """A conversation at one sandbox merchant, heard by its own lexicon."""

    def __init__(self, talk: Conversation, parser: OrderParser, client: httpx.AsyncClient) -> None:
        self.talk = talk
        self.parser = parser
        # The platform itself, as a client of the customer's own (a channel, the shell).
        self.client = client

    async def say(
        self,
        text: str,
        intent: str = "order_item",
        confidence: float = 0.99,
        ranking: dict[str, float] | None = None,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        return await self.talk.say(
            text,
            intent,
            *self.parser.parse(text, self.merchant_in_use()),
            confidence=confidence,
            metadata=metadata,
            ranking=ranking,
        )

    def merchant_in_use(self) -> str:
        """The `merchant_id` slot, else the merchant conversations start with."""
        return str(self.talk.slots.get("merchant_id") or self.talk.settings.merchant_id)

    def lines(self) -> list[tuple[str, int, dict[str, Any]]]:
        return [(line["sku"], line["quantity"], line["options"]) for line in self.talk.cart]


# The parser of each starting merchant, built once per test process: every test's platform
# starts from the same seeded packs (tests/seeded_merchant.py), so the lexicon it serves is
# the same, and building it (every merchant's menu and stores) took 1-2 s per test.
_PARSERS: dict[str, OrderParser] = {}


async def sandbox_conversation(tmp_path: Path, merchant_id: str) -> AsyncIterator[SandboxTalk]:
    backend, _, client = sandbox_backend(tmp_path, merchant_id)
    settings = Settings(
        merchant_url=BASE_URL,
        merchant_id=merchant_id,
        merchant_service_token=backend._settings.merchant_service_token,
    )
    if merchant_id not in _PARSERS:
        _PARSERS[merchant_id] = OrderParser(await build_lexicon(backend, merchant_id))
    parser = _PARSERS[merchant_id]
    yield SandboxTalk(Conversation(backend=backend, settings=settings), parser, client)
    await client.aclose()
