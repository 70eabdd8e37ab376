"""Trains the Rasa model only when its inputs changed, reusing a cached model otherwise.

The cache (``~/.cache/orderly/models``, or ``ORDERLY_MODEL_CACHE``: launch/settings.py) is
keyed by a hash of everything training reads, so a fresh clone with unchanged data skips
training.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from contracts.settings import child_environment
from launch.settings import LaunchSettings
from launch.stack import MODEL, ROOT

INPUTS = ["config.yml", "bot/domain", "data", "bot/nlu", "requirements.txt"]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:20]


def cached_model(settings: LaunchSettings) -> Path:
    """Where the model trained from the current inputs is (or will be) cached."""
    return settings.model_cache / f"orderly-{fingerprint()}.tar.gz"


def main() -> int:
    settings = LaunchSettings.from_env()
    cache_dir = settings.model_cache
    cached = cached_model(settings)
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    if cached.exists():
        shutil.copyfile(cached, MODEL)
        print(f"Model unchanged: reused {cached}")
        return 0
    print(
        "Training the model: its data changed, or this is the first run (about 3 minutes on "
        f"2 cores; cached in {cache_dir} for next time)...",
        flush=True,
    )
    rasa = str(Path(sys.executable).with_name("rasa"))
    command = [
        rasa, "train", "--config", "config.yml", "--domain", "bot/domain", "--data", "data",
        "--out", str(MODEL.parent), "--fixed-model-name", MODEL.name.removesuffix(".tar.gz"),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, env=child_environment({"PYTHONPATH": str(ROOT)}))
    if result.returncode != 0:
        return result.returncode
    cache_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MODEL, cached)
    return 0


if __name__ == "__main__":
    sys.exit(main())
