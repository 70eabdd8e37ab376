"""Fixtures for the merchant platform: the real app on a real database, with a movable clock.

`api` (and its HTTP client, `client`, which speaks for customer `u1` with the service
token) is the app behind FastAPI's TestClient on a fresh SQLite file per test, with a
fresh random JWT key and service token. `any_api` runs a test twice, on SQLite and, when a server is
reachable, on PostgreSQL: the key scenarios use it. Each test session migrates and seeds
one throwaway PostgreSQL database (`orderly_test_<random>`) once; each test gets a copy of
it (`CREATE DATABASE ... TEMPLATE`, a fifth of a second, where seeding 5,300 stores took
four), dropped after the test, and the template at the end. Set
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
from sqlalchemy.engine import Engine, make_url

from merchant.app import create_app
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
def seeded_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str]]:
    """The server's admin connection and a database of this session, migrated and seeded
    once: each test's database is a copy of it (`postgres_url`). Dropped at the end."""
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
        url = str(make_url(POSTGRES_ADMIN_URL).set(database=name))
        secret = new_secret()
        seeding = Settings(
            data_dir=tmp_path_factory.mktemp("postgres-seed"),
            database_url=url,
            jwt_secret=secret,
            service_token=secret,
        )
        # Closed before any copy: PostgreSQL copies a template nobody is connected to.
        create_app(seeding).state.runtime.database.dispose()
        yield admin, name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url(seeded_postgres: tuple[Engine, str]) -> Iterator[str]:
    """A database of this test alone, holding what a freshly seeded platform holds."""
    admin, template = seeded_postgres
    name = f"{template}_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield str(make_url(POSTGRES_ADMIN_URL).set(database=name))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
        app.state.runtime.database.dispose()
