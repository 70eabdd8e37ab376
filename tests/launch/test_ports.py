"""ORDERLY_RASA_PORT, ORDERLY_ACTIONS_PORT and ORDERLY_MERCHANT_PORT move a service for everyone,
and a port already taken stops the launcher at once, saying which."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions.settings import Settings as ActionSettings
from bot.nlu.settings import LexiconSettings
from channels.settings import RasaSettings
from clients.settings import ClientSettings
from clients.shell.__main__ import parse_args
from launch.scaled import ScaledConfig, ScaledStack
from launch.settings import LaunchSettings
from launch.stack import PortInUse, Stack, StackConfig, port_in_use
from merchant.settings import Settings as MerchantSettings
from tests.conftest import free_port

MOVED = {
    "ORDERLY_RASA_PORT": "6005",
    "ORDERLY_ACTIONS_PORT": "6055",
    "ORDERLY_MERCHANT_PORT": "6088",
    "ORDERLY_WYOMING_PORT": "10600",
}


@pytest.fixture
def listening() -> Iterator[int]:
    """A port something listens on."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield int(server.getsockname()[1])


def test_every_service_listens_where_its_port_setting_says() -> None:
    launch = LaunchSettings.from_env(MOVED)
    assert launch.ports == {"merchant": 6088, "actions": 6055, "rasa": 6005, "wyoming": 10600}
    assert MerchantSettings.from_env(MOVED).port == 6088
    assert ActionSettings.from_env(MOVED).port == 6055
    config = StackConfig.from_settings(launch)
    assert (config.rasa_url, config.actions_url, config.merchant_url) == (
        "http://127.0.0.1:6005",
        "http://127.0.0.1:6055",
        "http://127.0.0.1:6088",
    )


def test_every_caller_finds_a_moved_service_without_a_url_setting() -> None:
    assert ActionSettings.from_env(MOVED).merchant_url == "http://127.0.0.1:6088"
    assert RasaSettings.from_env(MOVED).merchant_url == "http://127.0.0.1:6088"
    assert LexiconSettings.from_env(MOVED).lexicon_url == "http://127.0.0.1:6055/lexicon"
    clients = ClientSettings.from_env(MOVED)
    assert (clients.rasa_url, clients.merchant_url) == (
        "http://127.0.0.1:6005",
        "http://127.0.0.1:6088",
    )
    assert clients.voice_url == "ws://127.0.0.1:6005/webhooks/voice/ws"
    shell = parse_args([], clients)
    assert (shell.server, shell.merchant) == ("http://127.0.0.1:6005", "http://127.0.0.1:6088")


def test_a_url_setting_still_wins_over_the_port() -> None:
    given = {**MOVED, "ORDERLY_MERCHANT_URL": "https://merchant.example/"}
    assert ActionSettings.from_env(given).merchant_url == "https://merchant.example"
    assert RasaSettings.from_env(given).merchant_url == "https://merchant.example"
    secure = ClientSettings.from_env({"ORDERLY_RASA_URL": "https://shop.example"})
    assert secure.voice_url == "wss://shop.example/webhooks/voice/ws"


def test_the_launcher_hands_its_ports_to_the_services_it_starts(tmp_path: Path) -> None:
    config = StackConfig(
        data_dir=tmp_path, rasa_port=6005, actions_port=6055, merchant_port=6088, wyoming_port=10600
    )
    env = Stack(config).environment()
    assert {name: env[name] for name in MOVED} == MOVED
    assert env["ORDERLY_MERCHANT_URL"] == "http://127.0.0.1:6088"
    assert env["ORDERLY_LEXICON_URL"] == "http://127.0.0.1:6055/lexicon"


def test_a_port_in_use_stops_the_launch_at_once_naming_the_port_and_its_setting(
    tmp_path: Path, listening: int
) -> None:
    config = StackConfig(
        data_dir=tmp_path, rasa_port=listening, actions_port=free_port(), merchant_port=free_port()
    )
    started = time.monotonic()
    with pytest.raises(PortInUse) as refused:
        Stack(config).start()
    assert time.monotonic() - started < 5, "refused before starting anything"
    assert f"port {listening} (ORDERLY_RASA_PORT)" in str(refused.value)
    assert "make doctor" in str(refused.value)
    assert not (tmp_path / "logs" / "merchant.log").exists(), "nothing was started"


def test_the_scaled_launcher_checks_its_replicas_ports_too(tmp_path: Path, listening: int) -> None:
    config = ScaledConfig(
        data_dir=tmp_path,
        rasa_port=free_port(),
        actions_port=free_port(),
        merchant_port=free_port(),
        rasa_replica_ports=(free_port(), listening),
        actions_replica_ports=(free_port(), free_port()),
    )
    with pytest.raises(PortInUse, match=f"port {listening} \\(Rasa replica 2\\)"):
        ScaledStack(config).start()


def test_a_closed_port_is_free_and_a_listening_one_is_not(listening: int) -> None:
    assert port_in_use("127.0.0.1", listening)
    assert not port_in_use("127.0.0.1", free_port())
