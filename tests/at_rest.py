"""Looking for a secret where it must not be: as a whole token, never as digits inside a
longer run of hex or digits (a tracker's message id `f38b135790054b81…` holds no PIN)."""

from __future__ import annotations

import re
from pathlib import Path


def token_pattern(secret: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])")


def holds(text: str, secret: str) -> bool:
    """Whether `text` holds `secret` as a token of its own."""
    return token_pattern(secret).search(text) is not None


def files_containing(folder: Path, secret: str) -> list[str]:
    """Every file under `folder` that holds `secret` as a token of its own."""
    pattern = re.compile(token_pattern(secret).pattern.encode())
    return [
        str(path)
        for path in folder.rglob("*")
        if path.is_file() and pattern.search(path.read_bytes()) is not None
    ]
