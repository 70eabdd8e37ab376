"""Fixtures shared by the tracker-level dialogue tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.actions.copper_kettle import CopperKettle, copper_kettle_conversation


@pytest.fixture
async def copper_kettle(tmp_path: Path) -> AsyncIterator[CopperKettle]:
    """A conversation at the Copper Kettle sandbox merchant (tests/actions/copper_kettle.py)."""
    async for conversation in copper_kettle_conversation(tmp_path):
        yield conversation
