"""The environment is read by the settings modules only, so every variable is a declared,
documented and validated setting (docs/configuration.md) and a service's settings are
built in one place.

Allowed outside them: setting a library's own knob before the library loads
(``os.environ.setdefault(...)``, ``os.environ["TF_CPP_MIN_LOG_LEVEL"] = ...``), which reads
no setting. A launcher hands its environment to a child with
``contracts.settings.child_environment``.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "actions",
    "benchmarks",
    "bot",
    "channels",
    "clients",
    "contracts",
    "launch",
    "merchant",
    "scripts",
    "speech",
)
SETTINGS_MODULE = "settings.py"
# os.environ, except os.environ.setdefault(...) and os.environ[...] = ...; getenv; a bare environ.
READ = re.compile(
    r"\bos\.environ\b(?!\.setdefault\(|\[[^\]]+\]\s*=[^=])"
    r"|\bgetenv\b"
    r"|from os import [^\n]*\benviron\b"
)


def environment_reads(root: Path = ROOT) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if path.name == SETTINGS_MODULE:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if READ.search(line):
                    found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_only_settings_modules_read_the_environment() -> None:
    assert environment_reads() == []


def test_the_check_finds_every_way_of_reading(tmp_path: Path) -> None:
    code = tmp_path / "channels" / "sneaky.py"
    code.parent.mkdir()
    code.write_text(
        "import os\n"
        "from os import environ\n"
        "a = os.environ.get('ORDERLY_X')\n"
        "b = os.getenv('ORDERLY_Y')\n"
        "c = os.environ['ORDERLY_Z']\n"
        "d = {**os.environ}\n"
        "os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')\n"
        "os.environ['TF_CPP_MIN_LOG_LEVEL'] = '2'\n"
        "e = os.environ['ORDERLY_Z'] == 'x'\n"
    )
    (tmp_path / "channels" / "settings.py").write_text("import os\nx = os.environ\n")
    assert [hit.split(":")[1] for hit in environment_reads(tmp_path)] == [
        "2",
        "3",
        "4",
        "5",
        "6",
        "9",
    ]
