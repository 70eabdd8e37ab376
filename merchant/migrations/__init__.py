"""The merchant platform's schema, managed by Alembic migrations (SQLite and PostgreSQL).

`upgrade(engine)` brings a database to the newest revision; the platform calls it at
start-up (`Database.create_schema`), so `make run` (SQLite) and `make serve-scaled`
(PostgreSQL) build their tables the same way. On PostgreSQL an advisory lock makes
several processes starting at once migrate one after the other.

The initial revision (`versions/0001_initial.py`) is generated from `merchant.models`
by `python -m merchant.migrations regenerate` (`make migration`). Since 0002 (databases
migrated to 0001 must lose the shared PIN's hashes), changes are new revisions:
`alembic -c merchant/alembic.ini revision --autogenerate -m "what changed"`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent
# Any fixed 64-bit number: the key of the PostgreSQL advisory lock taken while migrating.
ADVISORY_LOCK_KEY = 7_261_004_811
INITIAL_REVISION = "0001"
# A table every revision has: a database that has it but no `alembic_version` was
# made by `create_all` before migrations existed.
SENTINEL_TABLE = "orders"


# Tables the engines keep for themselves, never described by the models.
ENGINE_TABLES = frozenset({"sqlite_sequence", "alembic_version"})


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Autogenerate's filter: compare our tables, not the engines' bookkeeping."""
    return not (type_ == "table" and name in ENGINE_TABLES)


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic configuration for this folder, bound to a connection or a URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Migrate the database behind `engine` to the newest revision."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it (batch mode), and dropping the old copy
            # of a table others refer to fails while foreign keys are enforced. Off for the
            # migration (the pragma is ignored inside a transaction, so on the driver's
            # connection before one begins), checked before it commits, on again after.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                _upgrade(connection)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration broke references: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Released at the end of this transaction.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    config = alembic_config(connection)
    if _made_before_migrations(connection):
        # `create_all` of these models (Database.create_schema drops older ones first).
        command.stamp(config, "head")
    command.upgrade(config, "head")


def is_migrated(engine: Engine) -> bool:
    """Whether Alembic keeps this database's revision (False for a new or older one)."""
    with engine.connect() as connection:
        return "alembic_version" in set(inspect(connection).get_table_names())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _made_before_migrations(connection: Connection) -> bool:
    tables = set(inspect(connection).get_table_names())
    return SENTINEL_TABLE in tables and "alembic_version" not in tables
