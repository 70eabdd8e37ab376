"""Alembic's entry point: migrate the connection `merchant.migrations.upgrade` hands over,
or, from the `alembic` command line, the platform's configured database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from merchant.migrations import include_name
from merchant.models import Base
from merchant.settings import Settings

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or Settings.from_env().resolved_database_url()
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as own_connection:
            _run(own_connection)
    finally:
        engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
