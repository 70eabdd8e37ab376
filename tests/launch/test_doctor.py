"""`python -m launch doctor` finds what would stop `make run`, and says what to do."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from channels.voice.settings import VoiceSettings
from launch import doctor
from launch.progress import condensed
from launch.settings import ROOT
from tests.conftest import free_port


@pytest.fixture
def listening() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield int(server.getsockname()[1])


def test_only_python_3_10_runs_rasa() -> None:
    assert doctor.check_python((3, 10, 13)).status == "ok"
    refused = doctor.check_python((3, 12, 1))
    assert refused.status == "fail"
    assert "3.10" in refused.detail and "PYTHON=" in refused.fix


def test_a_package_at_another_version_than_pinned_is_named() -> None:
    versions = {"rasa": "3.6.21", "httpx": "0.27.0"}
    finding = doctor.check_requirements(
        {"rasa": "3.6.21", "httpx": "0.28.1", "jiwer": "4.0.0"}, versions.get
    )
    assert finding.status == "fail"
    assert "httpx 0.27.0 (wants 0.28.1)" in finding.detail
    assert "jiwer missing" in finding.detail
    assert finding.fix == "make install"


def test_the_requirement_files_pins_are_read() -> None:
    pins = doctor.pinned()
    assert pins["rasa"] == "3.6.21"
    assert "pytest" in pins


def test_a_model_trained_from_other_data_is_stale(tmp_path: Path) -> None:
    model, cached = tmp_path / "orderly.tar.gz", tmp_path / "orderly-abc.tar.gz"
    assert doctor.check_model(model, cached).status == "fail"  # none at all
    model.write_bytes(b"old model")
    stale = doctor.check_model(model, cached)
    assert stale.status == "fail" and "make model" in stale.fix
    cached.write_bytes(b"new model")
    assert doctor.check_model(model, cached).status == "fail"
    model.write_bytes(b"new model")
    assert doctor.check_model(model, cached).status == "ok"


def test_speech_weights_of_the_configured_engines_are_looked_for(tmp_path: Path) -> None:
    whisper, piper = doctor.check_speech(VoiceSettings(asr_model="base"), tmp_path)
    assert whisper.status == "warn" and "first use" in whisper.detail  # not unpacked yet
    assert piper.status == "ok"
    missing = doctor.check_speech(VoiceSettings(asr_model=str(tmp_path / "nowhere")), tmp_path)[0]
    assert missing.status == "fail"
    voice = VoiceSettings(tts_voice=str(tmp_path / "gone.onnx"))
    assert doctor.check_speech(voice, tmp_path)[1].status == "fail"


def test_secrets_readable_by_others_or_too_short_are_problems(tmp_path: Path) -> None:
    (tmp_path / "jwt_secret").write_text("x" * 43)
    (tmp_path / "jwt_secret").chmod(0o644)
    (tmp_path / "service_token").write_text("y" * 43)
    (tmp_path / "service_token").chmod(0o600)
    findings = {
        f.subject: f for f in doctor.check_secrets(tmp_path, {"ORDERLY_ACTION_TOKEN": "s3cr3t"})
    }
    assert findings["ORDERLY_JWT_SECRET"].status == "fail"
    assert findings["ORDERLY_JWT_SECRET"].fix == f"chmod 600 {tmp_path / 'jwt_secret'}"
    assert findings["ORDERLY_SERVICE_TOKEN"].status == "ok"
    assert findings["ORDERLY_ACTION_TOKEN"].status == "fail"
    assert "s3cr3t" not in findings["ORDERLY_ACTION_TOKEN"].detail, "a secret is never shown"
    fresh = doctor.check_secrets(tmp_path / "none", {})
    assert all(f.status == "ok" and "first start" in f.detail for f in fresh)


def test_a_port_in_use_is_named_with_the_setting_that_moves_it(listening: int) -> None:
    free = free_port()
    taken, unused = doctor.check_ports(
        "127.0.0.1", {"ORDERLY_RASA_PORT": listening, "ORDERLY_MERCHANT_PORT": free}
    )
    assert taken.status == "fail" and "ORDERLY_RASA_PORT" in taken.fix
    assert unused.status == "ok"


def test_databases_are_checked_only_when_configured_and_unreachable_ones_fail() -> None:
    assert doctor.check_postgres(None) is None
    assert doctor.check_redis(None) is None
    port = free_port()
    postgres = doctor.check_postgres(f"postgresql://nobody@127.0.0.1:{port}/none")
    redis = doctor.check_redis(f"redis://127.0.0.1:{port}/0")
    assert postgres is not None and postgres.status == "fail"
    assert redis is not None and redis.status == "fail"


def test_the_report_says_what_to_fix_and_the_command_fails_on_a_problem(
    tmp_path: Path, listening: int
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ORDERLY_RASA_PORT": str(listening),
        "ORDERLY_ACTIONS_PORT": str(free_port()),
        "ORDERLY_MERCHANT_PORT": str(free_port()),
        "ORDERLY_DATA_DIR": str(tmp_path),
    }
    run = subprocess.run(
        [sys.executable, "-m", "launch", "doctor"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert f"FAIL  port {listening}" in run.stdout
    assert "ORDERLY_RASA_PORT=... make run" in run.stdout
    assert "ok    python" in run.stdout
    assert "problem(s) to fix" in run.stdout


def test_pips_output_becomes_a_few_lines_of_progress_keeping_errors() -> None:
    pip = [f"Collecting package{n}==1.0" for n in range(1, 61)]
    pip += ["  Downloading package60-1.0.whl (2 MB)", "WARNING: pip is old"]
    pip += ["Installing collected packages: a, b, c", "Successfully installed a-1 b-2 c-3"]
    pip += ["ERROR: No matching distribution found for nothing==9"]
    assert list(condensed(pip)) == [
        "  25 packages collected (now package25==1.0)",
        "  50 packages collected (now package50==1.0)",
        "WARNING: pip is old",
        "  60 packages collected; installing 3 (a minute or two)...",
        "  installed 3 packages",
        "ERROR: No matching distribution found for nothing==9",
    ]
