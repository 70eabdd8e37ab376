"""Settings of the launchers: ``python -m launch`` (``make run``, ``serve``, ``doctor``...).

Read once by ``python -m launch`` (``LaunchSettings.from_env()``) and handed to the stack it
starts; the launcher passes the ports on to every service and client it starts, so one
variable moves a service for all of them. Variables: docs/configuration.md.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, validator

from contracts.settings import OrderlySettings, SettingsError

__all__ = ["LaunchSettings", "SettingsError"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PORTS = {"rasa": 5005, "actions": 5055, "merchant": 8088, "wyoming": 10500}


class LaunchSettings(OrderlySettings):
    """What the launcher starts where. Relative paths are relative to the repository."""

    rasa_port: int = Field(
        default=DEFAULT_PORTS["rasa"], ge=1, le=65535, description="the Rasa server's port"
    )
    actions_port: int = Field(
        default=DEFAULT_PORTS["actions"],
        ge=1,
        le=65535,
        description="the action server's port (its own setting of the same name)",
    )
    merchant_port: int = Field(
        default=DEFAULT_PORTS["merchant"],
        ge=1,
        le=65535,
        description="the merchant platform's port (its own setting of the same name)",
    )
    wyoming_port: int = Field(
        default=DEFAULT_PORTS["wyoming"],
        ge=1,
        le=65535,
        description="Home Assistant's Wyoming services, served by the Rasa process "
        "(channels/wyoming, its own setting of the same name)",
    )
    data_dir: Path = Field(
        default=Path("var"),
        description="logs, databases, secrets and the shell's identity of the started services",
    )
    cors_origins: tuple[str, ...] = Field(
        default=(),
        description="pages allowed to call Rasa from a browser; empty: the demo page Rasa "
        "serves itself (`http://localhost:$ORDERLY_RASA_PORT`)",
    )
    model_cache: Path = Field(
        default=Path("~/.cache/orderly/models"),
        description="trained models by fingerprint of their inputs (`launch/train.py`)",
    )
    demo_staff_password: str | None = Field(
        default=None,
        repr=False,
        min_length=8,
        description="`make run`/`make serve` with demo sign-in: the password of the demo staff "
        "accounts (one per demo store); unset: a new random one each start, printed once",
    )
    postgres_host: str = Field(default="127.0.0.1", description="`make serve-scaled`'s PostgreSQL")
    postgres_port: int = Field(default=5432, ge=1, le=65535, description="its port")
    postgres_user: str = Field(default="postgres", description="its user")
    postgres_password: str = Field(default="", repr=False, description="its password")
    redis_host: str = Field(default="127.0.0.1", description="`make serve-scaled`'s Redis")
    redis_port: int = Field(default=6379, ge=1, le=65535, description="its port")
    redis_password: str = Field(default="", repr=False, description="its password (none: empty)")

    @validator("data_dir", "model_cache")
    def _from_the_repository(cls, value: Path) -> Path:  # noqa: N805
        value = value.expanduser()
        return value if value.is_absolute() else ROOT / value

    @property
    def ports(self) -> dict[str, int]:
        """Each service's port by name, in the order they start."""
        return {
            "merchant": self.merchant_port,
            "actions": self.actions_port,
            "rasa": self.rasa_port,
            "wyoming": self.wyoming_port,
        }
