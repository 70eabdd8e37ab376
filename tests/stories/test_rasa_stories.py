"""Runs `rasa test` on the test stories: any wrong intent, entity or action fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from launch.stack import MODEL, ROOT, Stack

pytestmark = pytest.mark.slow
STORIES = Path(__file__).parent


def test_every_story_is_predicted_exactly(running_stack: Stack, tmp_path: Path) -> None:
    rasa = str(Path(sys.executable).with_name("rasa"))
    result = subprocess.run(
        [
            rasa, "test", "core", "--model", str(MODEL), "--stories", str(STORIES),
            "--fail-on-prediction-errors", "--out", str(tmp_path / "results"),
        ],
        cwd=ROOT,
        env=running_stack.environment(),  # the NLU reads the live menu from this stack
        capture_output=True,
        text=True,
        timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    failed = tmp_path / "results" / "failed_test_stories.yml"
    assert not failed.exists() or "None of the test stories failed" in failed.read_text()
