"""The Rasa process as the launcher starts it keeps the libraries' noise off its console."""

from __future__ import annotations

import subprocess
import sys

from contracts.settings import child_environment
from launch.settings import ROOT

NOISE = ("DeprecationWarning", "MovedIn20Warning", "pkg_resources", "cuda", "TensorRT")


def test_starting_rasa_prints_no_deprecation_warnings_or_tensorflow_notes() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "launch.rasa_process", "--version"],
        cwd=ROOT,
        # "1" as a parent that imported jax (this test process may have) hands it down.
        env=child_environment({"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "1"}),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    console = run.stdout + run.stderr
    assert "Rasa Version" in console and "3.6.21" in console
    assert [word for word in NOISE if word in console] == [], console
