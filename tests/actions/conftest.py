"""Fixtures shared by the tracker-level dialogue tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.actions.sandbox_talk import (
    COPPER_KETTLE,
    GOLDEN_CRUMB,
    HARBOUR_INN,
    SandboxTalk,
    sandbox_conversation,
)


@pytest.fixture
async def golden_crumb(tmp_path: Path) -> AsyncIterator[SandboxTalk]:
    """A conversation at the Golden Crumb sandbox merchant (tests/actions/sandbox_talk.py)."""
    async for conversation in sandbox_conversation(tmp_path, GOLDEN_CRUMB):
        yield conversation


@pytest.fixture
async def copper_kettle(tmp_path: Path) -> AsyncIterator[SandboxTalk]:
    """A conversation at the Copper Kettle sandbox merchant (tests/actions/sandbox_talk.py)."""
    async for conversation in sandbox_conversation(tmp_path, COPPER_KETTLE):
        yield conversation


@pytest.fixture
async def harbour_inn(tmp_path: Path) -> AsyncIterator[SandboxTalk]:
    """A conversation at Harbour Inn, the sandbox's booking merchant (a hotel chain)."""
    async for conversation in sandbox_conversation(tmp_path, HARBOUR_INN):
        yield conversation
