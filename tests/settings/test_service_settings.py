"""The one settings mechanism every service shares (contracts.settings)."""

from __future__ import annotations

import pytest
from pydantic import Field

from contracts.settings import OrderlySettings, SettingsError


class Shop(OrderlySettings):
    """A service's settings as the services declare them."""

    port: int = Field(default=8000, ge=1, description="where to listen")
    database_url: str | None = Field(default=None, env="DATABASE_URL", description="the store")
    api_key: str | None = Field(default=None, repr=False, description="a secret")
    allowed_origins: list[str] = Field(default=[], env=(), description="from code only")
    channels: tuple[str, ...] = Field(default=("rest",), description="a list")
    limits: dict[str, int] = Field(default={}, description="a map")


class Booth(OrderlySettings):
    greeting: str = Field(default="hello", description="what the booth says")

    class Config:
        env_prefix = "ORDERLY_BOOTH_"


def test_each_field_reads_its_prefixed_variable_or_the_one_it_names() -> None:
    shop = Shop.from_env({"ORDERLY_PORT": "9000", "DATABASE_URL": "sqlite:///x"})
    assert (shop.port, shop.database_url) == (9000, "sqlite:///x")
    booth = Booth.from_env({"ORDERLY_BOOTH_GREETING": "hi", "ORDERLY_GREETING": "no"})
    assert booth.greeting == "hi"
    assert Shop.variables("port") == ["ORDERLY_PORT"]
    assert Shop.variables("database_url") == ["DATABASE_URL"]
    assert Shop.variables("allowed_origins") == []


def test_names_are_case_insensitive_and_blank_means_unset() -> None:
    assert Shop.from_env({"orderly_port": "9001"}).port == 9001
    assert Shop.from_env({"ORDERLY_PORT": "  ", "DATABASE_URL": ""}) == Shop()


def test_building_in_code_never_reads_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORDERLY_PORT", "9002")
    assert Shop().port == 8000
    assert Shop.from_env().port == 9002


def test_the_environment_overrides_values_given_to_from_env() -> None:
    # The voice channel passes its credentials.yml section this way.
    given = {"port": 7000, "allowed_origins": ["https://shop.example"]}
    shop = Shop.from_env({"ORDERLY_PORT": "7001", "ORDERLY_ALLOWED_ORIGINS": '["x"]'}, **given)
    assert (shop.port, shop.allowed_origins) == (7001, ["https://shop.example"])
    assert Shop.from_env({}, **given).port == 7000


def test_a_bad_value_names_the_variable_the_field_and_the_value() -> None:
    with pytest.raises(SettingsError) as raised:
        Shop.from_env({"ORDERLY_PORT": "eighty"})
    assert str(raised.value) == "ORDERLY_PORT must be a whole number, got 'eighty' (port)."
    with pytest.raises(SettingsError, match=r"^port must be at least 1, got 0\.$"):
        Shop(port=0)
    with pytest.raises(SettingsError, match="prot is not a known setting"):
        Shop(prot=1)


def test_secrets_stay_out_of_repr_and_errors() -> None:
    secret = "s3cr3t-value-that-must-not-leak"
    shop = Shop(api_key=secret)
    assert shop.api_key == secret
    assert secret not in repr(shop) and secret not in str(shop)

    with pytest.raises(SettingsError) as raised:
        Shop(api_key=["not", "text", secret])  # type: ignore[arg-type]
    assert "api_key" in str(raised.value) and secret not in str(raised.value)


def test_settings_are_frozen_and_replace_validates() -> None:
    shop = Shop()
    with pytest.raises(TypeError):
        shop.port = 1  # type: ignore[misc]
    assert shop.replace(port=8001).port == 8001 and shop.port == 8000
    with pytest.raises(SettingsError, match="port must be at least 1"):
        shop.replace(port=0)


def test_lists_are_comma_separated_or_json_and_maps_json() -> None:
    environ = {"ORDERLY_CHANNELS": "rest, voice ,", "ORDERLY_LIMITS": '{"a": 1}'}
    shop = Shop.from_env(environ)
    assert (shop.channels, shop.limits) == (("rest", "voice"), {"a": 1})
    assert Shop.from_env({"ORDERLY_CHANNELS": '["a,b"]'}).channels == ("a,b",)
    with pytest.raises(SettingsError, match=r"ORDERLY_LIMITS must be JSON \(limits\)"):
        Shop.from_env({"ORDERLY_LIMITS": "a=1"})
