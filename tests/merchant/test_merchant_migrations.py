"""The Alembic migrations build exactly the schema merchant/models.py describes.

When this fails after a model change, run `make migration` (it regenerates the initial
revision) and commit the result.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from conftest import POSTGRES_ADMIN_URL
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from merchant.db import Database
from merchant.hashing import hash_secret
from merchant.migrations import (
    INITIAL_REVISION,
    alembic_config,
    current_revision,
    head_revision,
    upgrade,
)
from merchant.migrations.__main__ import differences
from merchant.models import FIRST_ORDER_NUMBER, Base


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error.__class__}")
    name = f"orderly_migrations_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(make_url(POSTGRES_ADMIN_URL).set(database=name))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_migrations_match_the_models_on_sqlite(tmp_path: Path) -> None:
    assert differences(f"sqlite:///{tmp_path / 'm.sqlite3'}") == [], "run `make migration`"


def test_the_migrations_match_the_models_on_postgres(fresh_postgres: str) -> None:
    assert differences(fresh_postgres) == [], "run `make migration`"
    engine = create_engine(fresh_postgres, future=True)
    with engine.connect() as connection:
        first = connection.execute(text("SELECT nextval('orders_number_seq')")).scalar()
    engine.dispose()
    assert first == FIRST_ORDER_NUMBER


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}", future=True)
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_a_database_made_before_migrations_is_adopted(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}", future=True)
    Base.metadata.create_all(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert "orders" in inspect(engine).get_table_names()
    engine.dispose()


def test_upgrading_erases_the_once_shared_pin_from_existing_accounts(tmp_path: Path) -> None:
    """Databases at 0001 gave every account the hash of one published PIN (246810)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}", future=True)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), INITIAL_REVISION)
        connection.execute(
            text(
                "INSERT INTO accounts (customer_id, balance, currency, voice_pay_limit, "
                "default_merchant_id, default_store_id, pin_hash, failed_pin_attempts, "
                "created_at) VALUES ('old', 50000, 'CNY', 10000, 'golden-crumb', "
                "'gc-peoples-square', :hash, 0, '2026-11-01 00:00:00')"
            ),
            {"hash": hash_secret("246810")},
        )
    upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT pin_hash, pin_digits FROM accounts")).one()
    engine.dispose()
    assert tuple(row) == (None, None)


def test_a_sandbox_with_customers_upgrades_with_its_foreign_keys_enforced(tmp_path: Path) -> None:
    """`make run` on a clone that already has customers: the platform's own engine enforces
    foreign keys, and SQLite alters a table by copying it, so dropping the old `accounts`
    (which `credentials` refers to) failed and the platform did not start."""
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), INITIAL_REVISION)
        connection.execute(
            text(
                "INSERT INTO accounts (customer_id, balance, currency, voice_pay_limit, "
                "default_merchant_id, default_store_id, pin_hash, failed_pin_attempts, "
                "created_at) VALUES ('old', 50000, 'CNY', 10000, 'golden-crumb', "
                "'gc-peoples-square', 'x', 0, '2026-11-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO credentials (customer_id, password_hash, failed_attempts, "
                "created_at) VALUES ('old', 'y', 0, '2026-11-01 00:00:00')"
            )
        )
    engine.dispose()
    database = Database(url, sqlite_busy_timeout_seconds=5)
    database.create_schema()
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT customer_id FROM credentials")).scalars().all() == [
            "old"
        ]
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.engine.dispose()
