"""Fixtures for the merchant platform: the real app on a real database, with a movable clock.

`api` (and its HTTP client, `client`, which speaks for customer `u1` with the service
token) is the app behind FastAPI's TestClient on a fresh SQLite file per test, with a
fresh random JWT key and service token. `any_api` runs a test twice, on SQLite and, when a server is
reachable, on PostgreSQL: the key scenarios use it. Each test session creates a
throwaway PostgreSQL database (`orderly_test_<random>`) and drops it at the end. Set
`ORDERLY_TEST_POSTGRES_URL` to point at another server (default
`postgresql://postgres@127.0.0.1:5432/postgres`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from merchant_harness import BREAKFAST_TIME, Api, new_secret
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from merchant.app import create_app
from merchant.db import Database
from merchant.settings import Settings
from tests.seeded_merchant import seeded_data_dir

POSTGRES_ADMIN_URL = os.environ.get(
    "ORDERLY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        fixed_now=BREAKFAST_TIME,
        jwt_secret=new_secret(),
        service_token=new_secret(),
    )


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    # A copy of a seeded database: the same start, without writing 5,300 stores again.
    seeded_data_dir(settings.data_dir)
    with Api(create_app(settings)) as api:
        yield api


@pytest.fixture
def client(api: Api) -> TestClient:
    return api.http


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test session, dropped afterwards."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to connect means: no server here
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error.__class__}")
    name = f"orderly_test_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(make_url(POSTGRES_ADMIN_URL).set(database=name))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_api(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Api]:
    """The platform on SQLite, then on PostgreSQL (skipped when no server is reachable)."""
    if request.param == "sqlite":
        seeded_data_dir(settings.data_dir)
        with Api(create_app(settings)) as api:
            yield api
        return
    url = request.getfixturevalue("postgres_url")
    app = create_app(settings.replace(database_url=url))
    try:
        with Api(app) as api:
            yield api
    finally:
        # Start the next test from empty tables (create_app migrates and re-seeds).
        database = Database(url, sqlite_busy_timeout_seconds=settings.sqlite_busy_timeout_seconds)
        database.drop_schema()
        database.dispose()
