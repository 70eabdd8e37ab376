"""The merchant platform's settings: every tunable, read from the environment in one place.

Defaults run on a laptop with nothing configured (SQLite under `var/`, real time).
`Settings.from_env()` reads `ORDERLY_*` variables (see docs/configuration.md); tests build
`Settings(...)` directly, or `settings.replace(...)`, and never touch the process environment.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, validator

from contracts.rate_limits import rate_rule
from contracts.settings import OrderlySettings, SettingsError

__all__ = ["PLATFORM_TIMEZONE", "Settings", "SettingsError"]

SQLITE_FILE_NAME = "merchant.sqlite3"
# The sandbox merchants' zone: opening hours, breakfast and "today" are read in it.
PLATFORM_TIMEZONE = ZoneInfo("Asia/Shanghai")
PIN_FORMAT = re.compile(r"^[0-9]{4,8}$")
# HS256 keys and the service token: at least 256 bits of randomness, e.g.
# `python -c "import secrets; print(secrets.token_urlsafe(32))"` (43 characters).
MIN_SECRET_LENGTH = 32
LONGEST_SIGN_IN_WAIT_S = 60


class Settings(OrderlySettings):
    """Configuration of one merchant platform process.

    Secrets (`jwt_secret`, `service_token`) are excluded from `repr` so that
    logging the settings never prints them. Without `jwt_secret` the app signs with a
    throwaway key (tokens then verify nowhere else); without `service_token` only customer
    tokens are accepted.
    """

    database_url: str | None = Field(
        default=None,
        env="DATABASE_URL",
        description="e.g. `postgresql://postgres@127.0.0.1:5432/test`; "
        "unset: SQLite `$ORDERLY_DATA_DIR/merchant.sqlite3`",
    )
    data_dir: Path = Field(
        default=Path("var"),
        description="where the SQLite file lives (relative to the working directory, "
        "created on start)",
    )
    packs_dir: Path | None = Field(
        default=None,
        description="the folder of merchant packs, one folder each (`packs/<id>/`), all "
        "loaded on start; unset: `packs/` beside `merchant/`",
    )
    fixed_now: datetime | None = Field(
        default=None,
        env="ORDERLY_NOW",
        description='fixes "now", e.g. `2026-11-24T08:00:00+08:00` (no offset: Shanghai '
        "time); unset: real time",
    )
    host: str = Field(
        default="127.0.0.1", env="ORDERLY_MERCHANT_HOST", description="where to listen"
    )
    port: int = Field(
        default=8088, env="ORDERLY_MERCHANT_PORT", ge=1, le=65535, description="where to listen"
    )
    log_level: str = Field(default="INFO", description="logging level (no level ever logs a PIN)")
    pin_lockout_minutes: int = Field(
        default=15, ge=1, description="how long voice payment stays locked"
    )
    pin_max_attempts: int = Field(
        default=3, ge=1, description="wrong PINs in a row before the lock"
    )
    pin_verification_ttl_seconds: int = Field(
        default=300, ge=1, description="how long a PIN verification can be used"
    )
    uncollected_after_minutes: int = Field(
        default=30,
        ge=1,
        description="how long a ready order waits at the counter before it is marked "
        "uncollected (the sandbox keeps the money)",
    )
    notification_wait_seconds: float = Field(
        default=25.0,
        gt=0,
        description="the longest `POST /notifications/claim?wait=` holds a request open "
        "waiting for a change of the customer's orders",
    )
    notification_poll_seconds: float = Field(
        default=0.5,
        gt=0,
        description="how often a waiting notification request looks for a change "
        "(a customer hears of it at most this much later)",
    )
    max_line_quantity: int = Field(
        default=20, ge=1, description="largest quantity of one order line"
    )
    max_order_lines: int = Field(default=30, ge=1, description="most lines in one order")
    max_stay_nights: int = Field(default=30, ge=1, description="most nights of one booking")
    max_booking_days_ahead: int = Field(
        default=365, ge=1, description="how far ahead a booking's check-in may be (days)"
    )
    sandbox_balance: int = Field(default=50_000, ge=0, description="new accounts' balance (fen)")
    voice_pay_limit: int = Field(
        default=10_000, ge=0, description="new accounts' voice-pay limit (fen)"
    )
    default_merchant_id: str = Field(default="golden-crumb", description="new accounts' merchant")
    default_store_id: str = Field(default="gc-peoples-square", description="new accounts' store")
    sqlite_busy_timeout_seconds: int = Field(
        default=30, ge=1, description="how long a SQLite write waits for another"
    )
    jwt_secret: str | None = Field(
        default=None,
        repr=False,
        description="HS256 key of customer tokens, at least 32 characters; unset: a "
        "throwaway key per process (a warning says so); the launcher makes one in `var/secrets/`",
    )
    service_token: str | None = Field(
        default=None,
        repr=False,
        description="the action server's credential, at least 32 characters; unset: only "
        "customer tokens are accepted; the launcher makes one in `var/secrets/`",
    )
    token_ttl_seconds: int = Field(default=3600, ge=1, description="lifetime of a customer token")
    password_checks_per_client: str = Field(
        default="20/minute",
        description="sign-ins, sign-ups and PIN changes one client address may try",
    )
    password_checks_total: str = Field(
        default="120/minute",
        description="password hashes the platform computes for everyone together (each costs "
        "tens of milliseconds of CPU on purpose)",
    )
    wrong_passwords_per_client_and_id: str = Field(
        default="5/minute",
        description="wrong passwords for one customer id from one client address; then that "
        "client waits (a window of at most a minute)",
    )
    wrong_passwords_per_id: str = Field(
        default="30/minute",
        description="wrong passwords for one customer id from all clients together; then "
        "everyone waits (a window of at most a minute)",
    )
    trusted_proxies: tuple[str, ...] = Field(
        default=("127.0.0.1",),
        description="addresses whose `X-Forwarded-For` names the client (the Rasa server "
        "signing in demo customers; a load balancer)",
    )
    jwks_url: str | None = Field(
        default=None,
        description="set when customers sign in with a real OIDC provider: the sandbox's "
        "sign-up, sign-in and PIN route are then off",
    )
    confirmation_ttl_seconds: int = Field(
        default=600, ge=1, description="how long after placing an order its confirmation can pay"
    )
    daily_no_pin_limit: int = Field(
        default=20_000,
        ge=0,
        env="ORDERLY_DAILY_NO_PIN_LIMIT_FEN",
        description="captured payments without a PIN per customer and local day (fen)",
    )
    metrics_token: str | None = Field(
        default=None,
        repr=False,
        description="when set, `GET /metrics` needs `Authorization: Bearer <token>`",
    )
    max_request_bytes: int = Field(
        default=262_144, ge=1, description="largest request body (declared `Content-Length`)"
    )

    @validator("fixed_now")
    def _local_time_without_offset(cls, value: datetime | None) -> datetime | None:  # noqa: N805
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=PLATFORM_TIMEZONE)
        return value

    @validator("log_level")
    def _upper_case_level(cls, value: str) -> str:  # noqa: N805
        return value.upper()

    @validator("password_checks_per_client", "password_checks_total")
    def _a_rate(cls, value: str) -> str:  # noqa: N805
        return rate_rule(value)

    @validator("wrong_passwords_per_client_and_id", "wrong_passwords_per_id")
    def _a_short_lock(cls, value: str) -> str:  # noqa: N805
        # A stranger hammering an id may delay its customer by at most a minute at a time.
        return rate_rule(value, longest_window_s=LONGEST_SIGN_IN_WAIT_S)

    @validator("jwt_secret", "service_token")
    def _long_enough(cls, value: str | None) -> str | None:  # noqa: N805
        if value is not None and len(value) < MIN_SECRET_LENGTH:
            raise ValueError(f"must be at least {MIN_SECRET_LENGTH} characters")
        return value

    def resolved_database_url(self) -> str:
        """`DATABASE_URL` if set, else the SQLite file in the data directory."""
        if self.database_url:
            # Heroku-style URLs name a scheme SQLAlchemy 1.4 no longer accepts.
            if self.database_url.startswith("postgres://"):
                return "postgresql://" + self.database_url[len("postgres://") :]
            return self.database_url
        return f"sqlite:///{self.data_dir / SQLITE_FILE_NAME}"
