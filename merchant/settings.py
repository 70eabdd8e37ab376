"""The merchant platform's settings: every tunable read from the environment in one place.

Defaults run on a laptop with nothing configured (SQLite under `var/`, real time).
Tests build a `Settings` directly or with `dataclasses.replace` instead of touching
the process environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

SQLITE_FILE_NAME = "merchant.sqlite3"
# The sandbox merchants' zone: opening hours, breakfast and "today" are read in it.
PLATFORM_TIMEZONE = ZoneInfo("Asia/Shanghai")
PIN_FORMAT = re.compile(r"^[0-9]{4,8}$")
# HS256 keys and the service token: at least 256 bits of randomness, e.g.
# `python -c "import secrets; print(secrets.token_urlsafe(32))"` (43 characters).
MIN_SECRET_LENGTH = 32


class SettingsError(ValueError):
    """An environment variable holds a value the platform cannot use."""


@dataclass(frozen=True)
class Settings:
    """Configuration of one merchant platform process.

    Secrets (`sandbox_pin`, `jwt_secret`, `service_token`) are excluded from `repr` so that
    logging the settings never prints them. Without `jwt_secret` the app signs with a
    throwaway key (tokens then verify nowhere else); without `service_token` only customer
    tokens are accepted.
    """

    database_url: str | None = None
    data_dir: Path = Path("var")
    fixed_now: datetime | None = None
    host: str = "127.0.0.1"
    port: int = 8088
    log_level: str = "INFO"
    pin_lockout_minutes: int = 15
    pin_max_attempts: int = 3
    pin_verification_ttl_seconds: int = 300
    asap_prep_minutes: int = 10
    max_line_quantity: int = 20
    max_order_lines: int = 30
    sandbox_balance: int = 50_000
    voice_pay_limit: int = 10_000
    sandbox_pin: str = field(default="246810", repr=False)
    default_merchant_id: str = "golden-crumb"
    default_store_id: str = "gc-peoples-square"
    sqlite_busy_timeout_seconds: int = 30
    jwt_secret: str | None = field(default=None, repr=False)
    service_token: str | None = field(default=None, repr=False)
    token_ttl_seconds: int = 3600
    sign_in_max_attempts: int = 5
    sign_in_lockout_minutes: int = 15
    confirmation_ttl_seconds: int = 600
    daily_no_pin_limit: int = 20_000
    max_request_bytes: int = 262_144

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from `environ` (default: the process environment)."""
        env = _Environment(os.environ if environ is None else environ)
        defaults = cls()
        settings = cls(
            database_url=env.optional("DATABASE_URL"),
            data_dir=Path(env.text("ORDERLY_DATA_DIR", str(defaults.data_dir))),
            fixed_now=env.instant("ORDERLY_NOW"),
            host=env.text("ORDERLY_MERCHANT_HOST", defaults.host),
            port=env.integer("ORDERLY_MERCHANT_PORT", defaults.port),
            log_level=env.text("ORDERLY_LOG_LEVEL", defaults.log_level).upper(),
            pin_lockout_minutes=env.integer(
                "ORDERLY_PIN_LOCKOUT_MINUTES", defaults.pin_lockout_minutes
            ),
            pin_max_attempts=env.integer("ORDERLY_PIN_MAX_ATTEMPTS", defaults.pin_max_attempts),
            pin_verification_ttl_seconds=env.integer(
                "ORDERLY_PIN_VERIFICATION_TTL_SECONDS",
                defaults.pin_verification_ttl_seconds,
            ),
            asap_prep_minutes=env.integer("ORDERLY_ASAP_PREP_MINUTES", defaults.asap_prep_minutes),
            max_line_quantity=env.integer("ORDERLY_MAX_LINE_QUANTITY", defaults.max_line_quantity),
            max_order_lines=env.integer("ORDERLY_MAX_ORDER_LINES", defaults.max_order_lines),
            sandbox_balance=env.integer("ORDERLY_SANDBOX_BALANCE", defaults.sandbox_balance),
            voice_pay_limit=env.integer("ORDERLY_VOICE_PAY_LIMIT", defaults.voice_pay_limit),
            sandbox_pin=env.pin("ORDERLY_SANDBOX_PIN", defaults.sandbox_pin),
            default_merchant_id=env.text(
                "ORDERLY_DEFAULT_MERCHANT_ID", defaults.default_merchant_id
            ),
            default_store_id=env.text("ORDERLY_DEFAULT_STORE_ID", defaults.default_store_id),
            sqlite_busy_timeout_seconds=env.integer(
                "ORDERLY_SQLITE_BUSY_TIMEOUT_SECONDS",
                defaults.sqlite_busy_timeout_seconds,
            ),
            jwt_secret=env.optional("ORDERLY_JWT_SECRET"),
            service_token=env.optional("ORDERLY_SERVICE_TOKEN"),
            token_ttl_seconds=env.integer("ORDERLY_TOKEN_TTL_SECONDS", defaults.token_ttl_seconds),
            sign_in_max_attempts=env.integer(
                "ORDERLY_SIGN_IN_MAX_ATTEMPTS", defaults.sign_in_max_attempts
            ),
            sign_in_lockout_minutes=env.integer(
                "ORDERLY_SIGN_IN_LOCKOUT_MINUTES", defaults.sign_in_lockout_minutes
            ),
            confirmation_ttl_seconds=env.integer(
                "ORDERLY_CONFIRMATION_TTL_SECONDS", defaults.confirmation_ttl_seconds
            ),
            daily_no_pin_limit=env.integer(
                "ORDERLY_DAILY_NO_PIN_LIMIT_FEN", defaults.daily_no_pin_limit
            ),
            max_request_bytes=env.integer("ORDERLY_MAX_REQUEST_BYTES", defaults.max_request_bytes),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse settings that would make the platform misbehave later, with a clear reason."""
        for name in (
            "pin_lockout_minutes",
            "pin_max_attempts",
            "pin_verification_ttl_seconds",
            "max_line_quantity",
            "max_order_lines",
            "sqlite_busy_timeout_seconds",
            "token_ttl_seconds",
            "sign_in_max_attempts",
            "sign_in_lockout_minutes",
            "confirmation_ttl_seconds",
            "max_request_bytes",
        ):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1.")
        for name in (
            "asap_prep_minutes",
            "sandbox_balance",
            "voice_pay_limit",
            "daily_no_pin_limit",
        ):
            if getattr(self, name) < 0:
                raise SettingsError(f"{name} must not be negative.")
        if not PIN_FORMAT.match(self.sandbox_pin):
            raise SettingsError("ORDERLY_SANDBOX_PIN must be 4 to 8 digits.")
        # Never echo a secret's value, only its name.
        for variable, secret in (
            ("ORDERLY_JWT_SECRET", self.jwt_secret),
            ("ORDERLY_SERVICE_TOKEN", self.service_token),
        ):
            if secret is not None and len(secret) < MIN_SECRET_LENGTH:
                raise SettingsError(f"{variable} must be at least {MIN_SECRET_LENGTH} characters.")

    def resolved_database_url(self) -> str:
        """`DATABASE_URL` if set, else the SQLite file in the data directory."""
        if self.database_url:
            # Heroku-style URLs name a scheme SQLAlchemy 1.4 no longer accepts.
            if self.database_url.startswith("postgres://"):
                return "postgresql://" + self.database_url[len("postgres://") :]
            return self.database_url
        return f"sqlite:///{self.data_dir / SQLITE_FILE_NAME}"


class _Environment:
    """Typed reads of environment variables; a bad value names the variable."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def optional(self, name: str) -> str | None:
        value = self._environ.get(name, "").strip()
        return value or None

    def text(self, name: str, default: str) -> str:
        return self.optional(name) or default

    def integer(self, name: str, default: int) -> int:
        value = self.optional(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError as error:
            raise SettingsError(f"{name} must be a whole number, got {value!r}.") from error

    def instant(self, name: str) -> datetime | None:
        value = self.optional(name)
        if value is None:
            return None
        try:
            # Python 3.10's parser does not read the "Z" suffix.
            instant = datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", value))
        except ValueError as error:
            raise SettingsError(
                f"{name} must be an ISO 8601 time such as 2026-11-24T08:00:00+08:00, got {value!r}."
            ) from error
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=PLATFORM_TIMEZONE)
        return instant

    def pin(self, name: str, default: str) -> str:
        # Never echo the value: it is a PIN.
        return self.optional(name) or default
