"""``pip install ... | python -m launch.progress``: pip's output as a few lines of progress.

``make install`` on a fresh clone takes minutes (TensorFlow comes with Rasa). Quiet, it looked
hung; verbose, it scrolls hundreds of lines. This keeps one line per ``EVERY`` packages
collected, says when installing starts and ends, and passes every warning and error through.
Standard library only: it runs before the virtualenv exists.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator

EVERY = 25
PASSED_THROUGH = ("ERROR", "WARNING", "error:", "note:", "hint:")


def condensed(lines: Iterable[str]) -> Iterator[str]:
    collected = 0
    latest = ""
    for raw in lines:
        line = raw.rstrip("\n")
        text = line.strip()
        if text.startswith("Collecting "):
            collected += 1
            latest = text.split()[1]
            if collected % EVERY == 0:
                yield f"  {collected} packages collected (now {latest})"
        elif text.startswith("Installing collected packages"):
            count = len(text.split(":", 1)[1].split(",")) if ":" in text else collected
            yield f"  {collected} packages collected; installing {count} (a minute or two)..."
        elif text.startswith("Successfully installed"):
            yield f"  installed {len(text.split()) - 2} packages"
        elif text.startswith(PASSED_THROUGH) or (
            line and line[0] not in " \t" and "error" in text.lower()
        ):
            yield line


def main() -> int:
    for line in condensed(sys.stdin):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
