"""Copper Kettle conversations: the real sandbox merchant, heard by the lexicon its catalogue
serves, so its aliases are the real ones (tests/actions/conftest.py has the fixture)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sandbox_merchant import BASE_URL, sandbox_backend

from actions.lexicon import build_lexicon
from actions.settings import Settings
from bot.nlu.order_parser import OrderParser
from tests.actions.conversation import Conversation

COPPER_KETTLE = "copper-kettle"


class CopperKettle:
    """A conversation at the Copper Kettle sandbox merchant, heard by its own lexicon."""

    def __init__(self, talk: Conversation, parser: OrderParser) -> None:
        self.talk = talk
        self.parser = parser

    async def say(self, text: str, intent: str = "order_item", confidence: float = 0.99) -> str:
        return await self.talk.say(text, intent, *self.parser.parse(text), confidence=confidence)

    def lines(self) -> list[tuple[str, int, dict[str, Any]]]:
        return [(line["sku"], line["quantity"], line["options"]) for line in self.talk.cart]


async def copper_kettle_conversation(tmp_path: Path) -> AsyncIterator[CopperKettle]:
    backend, _, client = sandbox_backend(tmp_path, COPPER_KETTLE)
    settings = Settings(
        merchant_url=BASE_URL,
        merchant_id=COPPER_KETTLE,
        merchant_service_token=backend._settings.merchant_service_token,
    )
    parser = OrderParser(await build_lexicon(backend, COPPER_KETTLE))
    yield CopperKettle(Conversation(backend=backend, settings=settings), parser)
    await client.aclose()
