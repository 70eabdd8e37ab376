"""Is a PIN kept anywhere? The one scan every test uses on stores, logs and pages.

A PIN counts only as a whole token: never as six digits inside a longer run of letters,
hex or digits (a tracker message id ``f38b135790054b81…`` holds ``135790``), nor after a
decimal point (the microseconds of a timestamp). It is looked for in every form a store
could keep it: the digits, the digits spaced out, full-width digits, and those as the
JSON escapes a tracker writes.

``StoreScan`` scans a folder of stores again and again, reading only what changed since
its last scan, so a test can scan after every few steps without re-reading every database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

# Not after a letter, digit or decimal point, and not before a letter or digit.
_BEFORE = rb"(?<![0-9A-Za-z.])"
_AFTER = rb"(?![0-9A-Za-z])"
# SQLite's page size: a database changes a page at a time.
PAGE_BYTES = 4096


def stored_forms(pin: str) -> list[bytes]:
    """The bytes a store would hold for ``pin``: plain, spaced, full-width, JSON-escaped."""
    return [
        pin.encode(),
        " ".join(pin).encode(),
        "".join(chr(ord(digit) + 0xFEE0) for digit in pin).encode(),
        "".join(f"\\uff1{digit}" for digit in pin).encode(),
    ]


def pin_pattern(*pins: str) -> re.Pattern[bytes]:
    """One pattern matching any stored form of any of ``pins`` as a whole token."""
    forms = sorted({form for pin in pins for form in stored_forms(pin)}, key=len, reverse=True)
    return re.compile(_BEFORE + b"(?:" + b"|".join(map(re.escape, forms)) + b")" + _AFTER)


def holds_pin(data: str | bytes, *pins: str) -> bool:
    raw = data.encode() if isinstance(data, str) else data
    return pin_pattern(*pins).search(raw) is not None


def stored_files(folder: Path) -> Iterator[Path]:
    """Every file the services wrote under ``folder``: databases, logs, runtime config."""
    return (path for path in sorted(folder.rglob("*")) if path.is_file())


def files_holding(folder: Path, *pins: str) -> list[str]:
    """The files under ``folder`` that hold any of ``pins``."""
    pattern = pin_pattern(*pins)
    return [str(path) for path in stored_files(folder) if pattern.search(path.read_bytes())]


def changed_spans(old: bytes, new: bytes, page: int = PAGE_BYTES) -> list[tuple[int, int]]:
    """The byte ranges of ``new`` whose pages differ from ``old`` (adjacent pages merged)."""
    size = -(-len(new) // page) * page
    if size == 0:
        return []
    before = np.zeros(size, np.uint8)
    kept = min(len(old), size)
    before[:kept] = np.frombuffer(old, np.uint8, count=kept)
    after = np.zeros(size, np.uint8)
    after[: len(new)] = np.frombuffer(new, np.uint8)
    changed = (before != after).reshape(-1, page).any(axis=1)
    # Where a run of changed pages starts and ends: alternate edges of the 0/1 sequence.
    edges = np.flatnonzero(np.diff(np.concatenate(([0], changed.astype(np.int8), [0]))))
    starts, ends = edges[::2], edges[1::2]
    return [
        (int(a) * page, min(int(b) * page, len(new))) for a, b in zip(starts, ends, strict=True)
    ]


class StoreScan:
    """Finds the PINs written under ``folder`` since the previous scan.

    Logs (``*.log``) only grow: each scan reads them on from where the last one ended, up
    to the last full line. Other files (SQLite databases, their WAL, config) change in
    place: each scan compares them with the previous scan's copy page by page and looks
    only at the pages that changed. A file leaks when its changed pages hold more PINs
    than the same pages did before, so a PIN left by an earlier failure is not blamed on
    the next example, while a replay of the failing one fails again.
    """

    def __init__(self, folder: Path, *pins: str) -> None:
        self.folder = folder
        self.pattern = pin_pattern(*pins)
        self.longest = max(len(form) for pin in pins for form in stored_forms(pin))
        self._log_offsets: dict[Path, int] = {}
        self._copies: dict[Path, bytes] = {}

    def new_leaks(self) -> list[str]:
        """A line per file that gained a PIN since the last scan, with what surrounds it."""
        leaks = []
        for path in stored_files(self.folder):
            found = self._new_in_log(path) if path.suffix == ".log" else self._new_in_file(path)
            if found is not None:
                content, at = found
                context = content[max(0, at - 200) : at + 200].decode(errors="replace")
                leaks.append(f"a PIN in {path}: ...{context}...")
        return leaks

    def _new_in_log(self, path: Path) -> tuple[bytes, int] | None:
        start = self._log_offsets.get(path, 0)
        with path.open("rb") as log:
            log.seek(start)
            content = log.read()
        content = content[: content.rfind(b"\n") + 1]  # no line scanned in two halves
        self._log_offsets[path] = start + len(content)
        hit = self.pattern.search(content)
        return (content, hit.start()) if hit else None

    def _new_in_file(self, path: Path) -> tuple[bytes, int] | None:
        new = path.read_bytes()
        old = self._copies.get(path, b"")
        self._copies[path] = new
        spans = changed_spans(old, new)
        hits = [hit for span in spans for hit in self._hits_touching(new, span)]
        if len(hits) > sum(len(self._hits_touching(old, span)) for span in spans):
            return new, hits[-1]
        return None

    def _hits_touching(self, data: bytes, span: tuple[int, int]) -> list[int]:
        """Where PINs overlapping ``data[span]`` start (read with enough context around)."""
        start, end = span
        window = self.pattern.finditer(
            data, max(0, start - self.longest), min(len(data), end + self.longest + 1)
        )
        return [hit.start() for hit in window if hit.end() > start and hit.start() < end]
