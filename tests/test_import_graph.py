"""The parts import one another one way only: the README's drawing, checked.

Each part has a layer; a part may import parts of lower layers and never one of its own
layer or above, so the graph has no cycles and no arrow running back up.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "contracts": 0,
    "speech": 1,
    "bot": 1,
    "actions": 1,
    "merchant": 1,
    "clients": 1,
    "channels": 2,
    "launch": 3,
    "benchmarks": 4,
}


def imported_parts(part: str) -> dict[str, set[str]]:
    """Each other part ``part`` imports, with the files that import it."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / part).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in LAYERS and top != part:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_part_imports_only_parts_below_it() -> None:
    upward = {
        f"{part} -> {other}": sorted(files)
        for part in LAYERS
        for other, files in imported_parts(part).items()
        if LAYERS[other] >= LAYERS[part]
    }
    assert upward == {}


def test_every_top_level_package_has_a_layer() -> None:
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages == set(LAYERS)
