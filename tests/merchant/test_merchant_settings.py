"""Settings from the environment and the movable clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from merchant.clock import Clock
from merchant.settings import PLATFORM_TIMEZONE, Settings, SettingsError


def test_defaults_run_on_a_laptop() -> None:
    settings = Settings.from_env({})
    assert settings.resolved_database_url() == "sqlite:///var/merchant.sqlite3"
    assert (settings.host, settings.port) == ("127.0.0.1", 8088)
    assert (settings.pin_max_attempts, settings.pin_lockout_minutes) == (3, 15)
    assert settings.pin_verification_ttl_seconds == 300
    assert settings.fixed_now is None
    assert (settings.jwt_secret, settings.service_token) == (None, None)
    assert (settings.token_ttl_seconds, settings.confirmation_ttl_seconds) == (3600, 600)
    assert (settings.wrong_passwords_per_client_and_id, settings.wrong_passwords_per_id) == (
        "5/minute",
        "30/minute",
    )
    assert settings.trusted_proxies == ("127.0.0.1",) and settings.jwks_url is None
    assert settings.daily_no_pin_limit == 20_000


def test_environment_overrides() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
            "ORDERLY_DATA_DIR": "/srv/orderly",
            "ORDERLY_NOW": "2026-11-24T08:00:00+08:00",
            "ORDERLY_MERCHANT_PORT": "9099",
            "ORDERLY_PIN_LOCKOUT_MINUTES": "30",
            "ORDERLY_PIN_MAX_ATTEMPTS": "5",
            "ORDERLY_PIN_VERIFICATION_TTL_SECONDS": "60",
            "ORDERLY_TOKEN_TTL_SECONDS": "900",
            "ORDERLY_CONFIRMATION_TTL_SECONDS": "120",
            "ORDERLY_DAILY_NO_PIN_LIMIT_FEN": "0",
            "ORDERLY_WRONG_PASSWORDS_PER_ID": "10/minute",
            "ORDERLY_TRUSTED_PROXIES": "10.0.0.2, 10.0.0.3",
        }
    )
    assert (settings.token_ttl_seconds, settings.confirmation_ttl_seconds) == (900, 120)
    assert (settings.daily_no_pin_limit, settings.wrong_passwords_per_id) == (0, "10/minute")
    assert settings.trusted_proxies == ("10.0.0.2", "10.0.0.3")
    assert settings.resolved_database_url() == "postgresql://postgres@127.0.0.1:5432/test"
    assert settings.data_dir == Path("/srv/orderly")
    assert settings.fixed_now == datetime(2026, 11, 24, 0, 0, tzinfo=timezone.utc)
    assert (settings.port, settings.pin_lockout_minutes, settings.pin_max_attempts) == (9099, 30, 5)
    assert settings.pin_verification_ttl_seconds == 60


def test_now_without_offset_is_shanghai_time_and_z_is_utc() -> None:
    local = Settings.from_env({"ORDERLY_NOW": "2026-11-24T08:00:00"}).fixed_now
    assert local == datetime(2026, 11, 24, 8, 0, tzinfo=PLATFORM_TIMEZONE)
    utc = Settings.from_env({"ORDERLY_NOW": "2026-11-24T00:00:00Z"}).fixed_now
    assert utc == local


@pytest.mark.parametrize(
    ("environ", "mentions"),
    [
        ({"ORDERLY_NOW": "breakfast"}, "ORDERLY_NOW"),
        ({"ORDERLY_MERCHANT_PORT": "eighty"}, "ORDERLY_MERCHANT_PORT"),
        ({"ORDERLY_PIN_MAX_ATTEMPTS": "0"}, "pin_max_attempts"),
        ({"ORDERLY_SANDBOX_BALANCE": "-1"}, "sandbox_balance"),
        ({"ORDERLY_CONFIRMATION_TTL_SECONDS": "0"}, "confirmation_ttl_seconds"),
        ({"ORDERLY_DAILY_NO_PIN_LIMIT_FEN": "-5"}, "daily_no_pin_limit"),
    ],
)
def test_bad_environment_is_named(environ: dict[str, str], mentions: str) -> None:
    with pytest.raises(SettingsError, match=mentions):
        Settings.from_env(environ)


def test_fixed_clock_moves_only_when_told() -> None:
    start = datetime.fromisoformat("2026-11-24T08:00:00+08:00")
    clock = Clock(PLATFORM_TIMEZONE, start)
    assert clock.now() == start and clock.now().utcoffset() == timedelta(hours=8)
    clock.advance(timedelta(minutes=16))
    assert clock.now().isoformat() == "2026-11-24T08:16:00+08:00"
    clock.set(datetime.fromisoformat("2026-11-24T12:00:00+00:00"))
    assert clock.now().isoformat() == "2026-11-24T20:00:00+08:00"


def test_real_clock_follows_real_time() -> None:
    clock = Clock(PLATFORM_TIMEZONE)
    before = datetime.now(timezone.utc).replace(microsecond=0)
    now = clock.now()
    assert before <= now <= datetime.now(timezone.utc) + timedelta(seconds=1)
    clock.advance(timedelta(hours=1))
    assert clock.now() - now >= timedelta(hours=1)
