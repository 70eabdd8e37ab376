"""Settings of Orderly's parts of the Rasa server: its channels and its tracker store.

Rasa builds the channels itself (from ``credentials.yml``) and the tracker store (from
``endpoints.yml``), so there is no ``main`` to build these settings and hand them down:
:func:`rasa_settings` reads them once per process and every part asks it. Two sections keep
their own class because they have their own source: customer tokens
(``channels/identity.py``) and the voice channel (its ``credentials.yml`` section,
``channels/voice/settings.py``). Variables: docs/configuration.md.
"""

from __future__ import annotations

import functools

from pydantic import Field, validator

from contracts.settings import OrderlySettings, SettingsError, url_of_port

__all__ = ["RasaSettings", "SettingsError", "rasa_settings"]

SYNCHRONOUS_COMMIT_CHOICES = ("on", "off", "local", "remote_write", "remote_apply")


class RasaSettings(OrderlySettings):
    """Configuration of one Rasa server process's channels and tracker store."""

    merchant_port: int = Field(
        default=8088,
        ge=1,
        le=65535,
        description="the merchant platform's port, when `ORDERLY_MERCHANT_URL` is unset",
    )
    merchant_url: str = Field(
        default="",
        description="the merchant platform: PINs are submitted and demo customers signed in "
        "there, nowhere else; unset: `http://127.0.0.1:$ORDERLY_MERCHANT_PORT`",
    )
    cors_origins: tuple[str, ...] = Field(
        default=(),
        description="pages allowed to call Rasa from a browser and to open the voice "
        "websocket (comma or space separated); the launcher passes the same list to "
        "`rasa run --cors`; empty: any page may open the websocket",
    )
    redis_url: str | None = Field(
        default=None,
        description="pending PIN requests in Redis (scaled mode, e.g. `redis://127.0.0.1:6379/0`); "
        "unset: in this process's memory",
    )
    tracker_synchronous_commit: str = Field(
        default="off",
        description="PostgreSQL `synchronous_commit` of the tracker store "
        "(launch/rasa_process/tracker_store.py): " + ", ".join(SYNCHRONOUS_COMMIT_CHOICES),
    )
    metrics_token: str | None = Field(
        default=None,
        repr=False,
        description="when set, `GET /metrics` needs `Authorization: Bearer <token>` "
        "(set it wherever the port is reachable by others)",
    )

    _merchant_url = url_of_port("merchant_url", "merchant_port")

    @validator("tracker_synchronous_commit")
    def _known_commit_mode(cls, value: str) -> str:  # noqa: N805
        value = value.strip().lower()
        if value not in SYNCHRONOUS_COMMIT_CHOICES:
            raise ValueError(f"must be one of {', '.join(SYNCHRONOUS_COMMIT_CHOICES)}")
        return value


@functools.cache
def rasa_settings() -> RasaSettings:
    """This process's settings, read from the environment on first use."""
    return RasaSettings.from_env()
