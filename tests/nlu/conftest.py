"""Shared fixtures for the NLU tests: the Golden Crumb lexicon and a parser over it."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback_lexicon import LexiconServer, serve_lexicon

from bot.nlu.lexicon import LEXICON_URL_ENV
from bot.nlu.order_parser import OrderParser
from contracts.lexicon import Lexicon
from tests.nlu.heard_by_the_model import agents, crumb, inn, kettle

# Registered here, once, so every file that hears through the trained model shares one load.
__all__ = ["agents", "crumb", "inn", "kettle"]

LEXICON_FILE = Path(__file__).parent / "lexicon.json"


@pytest.fixture(autouse=True)
def _no_lexicon_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's ORDERLY_LEXICON_URL must not redirect the tests' servers."""
    monkeypatch.delenv(LEXICON_URL_ENV, raising=False)


@pytest.fixture(scope="session")
def lexicon_json() -> dict[str, Any]:
    """The Golden Crumb lexicon as the action server serves it."""
    with open(LEXICON_FILE, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@pytest.fixture(scope="session")
def lexicon(lexicon_json: dict[str, Any]) -> Lexicon:
    return Lexicon.from_json(lexicon_json)


@pytest.fixture(scope="session")
def parser(lexicon: Lexicon) -> OrderParser:
    return OrderParser(lexicon)


@pytest.fixture
def lexicon_server(lexicon_json: dict[str, Any]) -> Iterator[LexiconServer]:
    """Serves tests/nlu/lexicon.json over real HTTP on loopback until the test ends."""
    with serve_lexicon(lexicon_json) as server:
        yield server


@pytest.fixture
def closed_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/lexicon"
