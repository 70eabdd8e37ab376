"""`python -m merchant.migrations regenerate|upgrade|check`.

- `regenerate` (`make migration`) rewrote the initial revision from `merchant.models` while
  no database had to be preserved. Since revision 0002 (which erases the shared PIN's
  hashes in existing databases) it refuses: add revisions with
  `alembic -c merchant/alembic.ini revision --autogenerate -m "what changed"`.
- `upgrade` migrates the configured database (DATABASE_URL, else the SQLite file).
- `check` exits non-zero when the models and the migrations disagree.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from alembic.autogenerate import compare_metadata, produce_migrations, render_python_code
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from merchant.migrations import INITIAL_REVISION, MIGRATIONS_DIR, include_name, upgrade
from merchant.models import FIRST_ORDER_NUMBER, Base
from merchant.settings import Settings

INITIAL_FILE = MIGRATIONS_DIR / "versions" / f"{INITIAL_REVISION}_initial.py"

# The parts of the schema autogenerate cannot see: where order numbers start.
INITIAL_TEMPLATE = '''"""Initial schema of the sandbox merchant platform.

Generated from merchant/models.py by `python -m merchant.migrations regenerate`
(`make migration`) on {date}. Regenerate it rather than editing it by hand while no
deployed database depends on it.

Revision ID: {revision}
Revises:
"""

from alembic import op
import sqlalchemy as sa

import merchant.models

revision = "{revision}"
down_revision = None
branch_labels = None
depends_on = None

FIRST_ORDER_NUMBER = {first_order_number}


def upgrade() -> None:
{upgrades}
    _number_orders_from(FIRST_ORDER_NUMBER)


def downgrade() -> None:
{downgrades}


def _number_orders_from(first: int) -> None:
    """Make the first order number `first` (a speakable id such as 1001)."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # The integer primary key is a SERIAL, whose sequence the model names.
        op.execute(f"ALTER SEQUENCE orders_number_seq RESTART WITH {{first}}")
    elif dialect == "sqlite":
        op.execute(f"INSERT INTO sqlite_sequence (name, seq) VALUES ('orders', {{first - 1}})")
'''


def regenerate() -> Path:
    later = [p.name for p in INITIAL_FILE.parent.glob("*.py") if p.name != INITIAL_FILE.name]
    if later:
        raise SystemExit(
            f"Later revisions exist ({', '.join(sorted(later))}): the initial one stays as it "
            "is. Add a revision: alembic -c merchant/alembic.ini revision --autogenerate -m ..."
        )
    engine = create_engine("sqlite://", future=True)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        script = produce_migrations(context, Base.metadata)
    engine.dispose()
    assert script.upgrade_ops is not None and script.downgrade_ops is not None
    text = INITIAL_TEMPLATE.format(
        date=datetime.now(timezone.utc).date().isoformat(),
        revision=INITIAL_REVISION,
        first_order_number=FIRST_ORDER_NUMBER,
        upgrades=_body(render_python_code(script.upgrade_ops)),
        downgrades=_body(render_python_code(script.downgrade_ops)),
    )
    for stale in INITIAL_FILE.parent.glob(f"{INITIAL_REVISION}_*.py"):
        stale.unlink()
    INITIAL_FILE.write_text(text)
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if Path(ruff).exists():
        subprocess.run([ruff, "format", "--quiet", str(INITIAL_FILE)], check=False)
        subprocess.run([ruff, "check", "--fix", "--quiet", str(INITIAL_FILE)], check=False)
    return INITIAL_FILE


def differences(url: str) -> list[object]:
    """Migrate a database at `url` and list how it differs from the models."""
    engine = create_engine(url, future=True)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include_name}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _body(code: str) -> str:
    lines = [line for line in code.splitlines() if not line.strip().startswith("# ###")]
    return "\n".join("    " + line.strip() if line.strip() else "" for line in lines) or "    pass"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m merchant.migrations", description=__doc__)
    parser.add_argument("command", choices=["regenerate", "upgrade", "check"])
    args = parser.parse_args()
    if args.command == "regenerate":
        print(f"wrote {regenerate()}")
        return 0
    url = Settings.from_env().resolved_database_url()
    if args.command == "upgrade":
        engine = create_engine(url, future=True)
        upgrade(engine)
        engine.dispose()
        return 0
    found = differences(url)
    for difference in found:
        print(difference)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
