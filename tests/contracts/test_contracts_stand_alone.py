"""contracts/ ships in every service's image (the action server's holds only actions/ and
contracts/, the merchant's only merchant/ and contracts/): it may import the standard
library, pydantic, the metrics and log libraries and itself, nothing else."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
# telemetry.py and rate_limits.py: the metrics, log format and rate notation every service
# shares come from libraries every service's requirements pin (prometheus-client,
# structlog, limits); still no Orderly part.
ALLOWED = {"pydantic", "contracts", "__future__", "prometheus_client", "structlog", "limits"} | set(
    sys.stdlib_module_names
)


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_contracts_import_only_the_standard_library_pydantic_and_themselves() -> None:
    found = {path.name: imported(path) - ALLOWED for path in sorted(CONTRACTS.glob("*.py"))}
    assert {name: extra for name, extra in found.items() if extra} == {}
