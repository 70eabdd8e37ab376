"""Engine and sessions for SQLite (the laptop default) or PostgreSQL (`DATABASE_URL`).

Every write path takes row locks (`SELECT ... FOR UPDATE`) on PostgreSQL. SQLite has no
row locks, so each SQLite transaction starts with `BEGIN IMMEDIATE`: transactions run one
at a time, which is plenty for a sandbox and makes every check-then-write safe.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from merchant import migrations
from merchant.models import Base

log = logging.getLogger(__name__)


class Database:
    """One engine plus a session factory; `sessions.begin()` opens a unit of work."""

    def __init__(self, url: str, *, sqlite_busy_timeout_seconds: int) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            in_memory = self.url.database in (None, "", ":memory:")
            # SQLAlchemy 1.4 gives file databases no pool: every unit of work opened a
            # new connection and re-ran the pragmas below. Keep connections (2.0's default).
            pooling: dict[str, Any] = {} if in_memory else {"poolclass": QueuePool}
            self.engine: Engine = create_engine(
                self.url,
                future=True,
                hide_parameters=True,
                **pooling,
                connect_args={
                    "timeout": sqlite_busy_timeout_seconds,
                    "check_same_thread": False,
                },
            )
            _configure_sqlite(self.engine, sqlite_busy_timeout_seconds)
        else:
            # hide_parameters keeps bound values (hashes, transcripts) out of error text.
            self.engine = create_engine(
                self.url, future=True, hide_parameters=True, pool_pre_ping=True
            )
        self.sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)

    def create_schema(self) -> None:
        """Migrate the database to the newest schema (Alembic, see merchant/migrations).

        A sandbox database written before migrations existed is adopted as it is when its
        tables match the models, and dropped and recreated when an older version wrote it
        (a table lacks a column, or refuses a value this version stores): sandbox data is
        disposable."""
        if not migrations.is_migrated(self.engine):
            outdated = outdated_tables(self.engine)
            if outdated:
                log.warning(
                    "the sandbox database predates this version (%s); recreating it empty",
                    ", ".join(outdated),
                )
                Base.metadata.drop_all(self.engine)
        migrations.upgrade(self.engine)

    def drop_schema(self) -> None:
        """Drop every table, the migrations' bookkeeping included (tests start afresh)."""
        Base.metadata.drop_all(self.engine)
        with self.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))

    def dispose(self) -> None:
        self.engine.dispose()


def outdated_tables(engine: Engine) -> list[str]:
    """Existing tables whose columns do not match the models: a missing column, a column
    the models allow to be null but the table does not, or a leftover required column."""
    inspector = inspect(engine)
    existing = set(inspector.get_table_names())
    outdated = []
    for table in Base.metadata.sorted_tables:
        if table.name not in existing:
            continue
        found = {column["name"]: column for column in inspector.get_columns(table.name)}
        wanted = {column.name: column for column in table.columns}
        missing_or_stricter = any(
            name not in found or (column.nullable and not found[name]["nullable"])
            for name, column in wanted.items()
        )
        leftover_required = any(
            name not in wanted and not column["nullable"] and column.get("default") is None
            for name, column in found.items()
        )
        if missing_or_stricter or leftover_required:
            outdated.append(table.name)
    return outdated


def _configure_sqlite(engine: Engine, busy_timeout_seconds: int) -> None:
    """Per connection: WAL, a busy timeout, foreign keys; and BEGIN IMMEDIATE transactions.

    WAL lets readers (order lists, menus) go on while a payment writes. The busy timeout
    makes a second writer wait for the first instead of failing with "database is locked".
    Let SQLAlchemy, not the sqlite3 module, issue BEGIN, and make it BEGIN IMMEDIATE: the
    sqlite3 module's own transaction handling defers BEGIN until the first write, so two
    requests could both read "unpaid" before either writes. This is the recipe from
    SQLAlchemy's SQLite dialect documentation ("Serializable isolation / Savepoints").
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        # An in-memory database answers "memory" and stays as it is.
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute(f"PRAGMA busy_timeout = {busy_timeout_seconds * 1000:d}")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
