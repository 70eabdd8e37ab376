"""The scaled topology as `make serve-scaled` starts it, on private PostgreSQL and Redis.

One stack serves every fault test of a module (starting two Rasa replicas costs about a
minute). The database and Redis are private to the test run, so restarting PostgreSQL
disturbs nothing else on the machine.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from launch.scaled import ScaledConfig, ScaledStack
from launch.stack import MODEL
from tests.conftest import MORNING, ONE_ADDRESS_FOR_EVERYONE, free_port
from tests.scale.engines import PrivatePostgres, PrivateRedis, missing_engines


@pytest.fixture(scope="module")
def engines_folder() -> Iterator[Path]:
    # Not under pytest's tmp_path: that is private to root, and PostgreSQL runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="orderly-scale-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def private_postgres(engines_folder: Path) -> Iterator[PrivatePostgres]:
    reason = missing_engines()
    if reason:
        pytest.skip(reason)
    postgres = PrivatePostgres(engines_folder / "postgres", free_port()).create()
    yield postgres
    postgres.stop()


@pytest.fixture(scope="module")
def private_redis(engines_folder: Path) -> Iterator[PrivateRedis]:
    redis = PrivateRedis(engines_folder / "redis", free_port()).start()
    yield redis
    redis.stop()


@pytest.fixture(scope="module")
def scaled_stack(
    tmp_path_factory: pytest.TempPathFactory,
    private_postgres: PrivatePostgres,
    private_redis: PrivateRedis,
) -> Iterator[ScaledStack]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make model` (make test does)")
    if shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists():
        pytest.fail("haproxy is not installed: run `make system-packages` (make test does)")
    config = ScaledConfig(
        data_dir=tmp_path_factory.mktemp("scaled"),
        merchant_port=free_port(),
        actions_port=free_port(),
        rasa_port=free_port(),
        wyoming_port=free_port(),
        rasa_replica_ports=(free_port(), free_port()),
        actions_replica_ports=(free_port(), free_port()),
        postgres_port=private_postgres.port,
        redis_port=private_redis.port,
        env={"ORDERLY_NOW": MORNING, "ORDERLY_LOG_LEVEL": "DEBUG", **ONE_ADDRESS_FOR_EVERYONE},
    )
    with ScaledStack(config) as stack:
        yield stack
