"""Shared fixtures: the whole assistant running as a user runs it (``python -m launch serve``)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from launch.stack import MODEL, Stack, StackConfig
from tests.tokens import TEST_JWT_SECRET
from tests.widget.network import RELAY_PORT

# Marks the tests that need the stack, a browser or speech engines slow, and keeps that
# work out of every other test (make test-fast); hands modules to the pytest-xdist workers
# longest first (tests/scheduling.py).
pytest_plugins = ["tests.slow_marks", "tests.scheduling", "pytester"]

# A weekday morning in Shanghai: breakfast is served and every store is open.
MORNING = "2026-11-24T08:00:00+08:00"
LOOPBACK = ("127.0.0.1", "localhost")
# Every test customer and browser signs in from 127.0.0.1, hundreds a minute when the
# payment model runs: the per-address and platform-wide throttles (tested on their own in
# tests/merchant and tests/widget) would refuse the next file's customers.
ONE_ADDRESS_FOR_EVERYONE = {
    "ORDERLY_PASSWORD_CHECKS_PER_CLIENT": "100000/minute",
    "ORDERLY_PASSWORD_CHECKS_TOTAL": "100000/minute",
    "ORDERLY_DEMO_SESSIONS_PER_CLIENT": "100000/minute",
    "ORDERLY_DEMO_SESSIONS_TOTAL": "100000/minute",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Merchant platform, action server and Rasa on free ports, with a fixed morning clock.

    Logs, the merchant database and the tracker store live in one temporary folder
    (``stack.config.data_dir``) so tests can inspect everything the services wrote.
    """
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make model` (make test does)")
    data_dir: Path = tmp_path_factory.mktemp("stack")
    rasa_port = free_port()
    # Browser pages come from Rasa itself or through the widget tests' relay.
    origins = [f"http://{host}:{port}" for port in (rasa_port, RELAY_PORT) for host in LOOPBACK]
    config = StackConfig(
        data_dir=data_dir,
        merchant_port=free_port(),
        actions_port=free_port(),
        rasa_port=rasa_port,
        wyoming_port=free_port(),
        env={
            "ORDERLY_NOW": MORNING,
            "ORDERLY_LOG_LEVEL": "DEBUG",
            "LOG_LEVEL": "DEBUG",
            # Known to the tests, so they can mint customer tokens (tests/tokens.py).
            "ORDERLY_JWT_SECRET": TEST_JWT_SECRET,
            "ORDERLY_CORS_ORIGINS": " ".join(origins),
            **ONE_ADDRESS_FOR_EVERYONE,
        },
    )
    with Stack(config) as stack:
        yield stack
