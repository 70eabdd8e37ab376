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
import re

from pydantic import Field, validator

from contracts.rate_limits import rate_rule
from contracts.settings import OrderlySettings, SettingsError, url_of_port

__all__ = ["RasaSettings", "SettingsError", "rasa_settings"]

SYNCHRONOUS_COMMIT_CHOICES = ("on", "off", "local", "remote_write", "remote_apply")
# The merchant platform's rule for a PIN (merchant/settings.py): 4 to 8 ASCII digits.
PIN_FORMAT = re.compile(r"^[0-9]{4,8}$")


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

    notification_wait_seconds: float = Field(
        default=20.0,
        gt=0,
        description="how long each claim of a connected customer's order changes waits at "
        "the merchant platform (`POST /notifications/claim?wait=`) before asking again",
    )
    notification_retry_seconds: float = Field(
        default=2.0,
        gt=0,
        description="the pause before claiming a customer's order changes again after the "
        "merchant platform failed to answer",
    )
    rest_notification_wait_seconds: float = Field(
        default=25.0,
        gt=0,
        description="the longest `GET /webhooks/rest/notifications?wait=` holds a REST "
        "client's request open waiting for news of its orders",
    )
    rest_messages_per_customer: str = Field(
        default="30/minute",
        description="messages one customer may send over the REST channel (each replica "
        "counts its own)",
    )
    demo_sign_in: bool = Field(
        default=False,
        description="`1`: the widget's demo page signs demo customers in by itself "
        "(`POST /webhooks/widget/demo-session`); SANDBOX ONLY. `make run`/`make serve` turn it "
        "on; the container image and the manifests leave it off",
    )
    demo_pin: str | None = Field(
        default=None,
        repr=False,
        description="the PIN new demo customers get (scripted demos, tests); unset: a random "
        "one, shown once on the demo page",
    )
    demo_sessions_per_client: str = Field(
        default="10/minute", description="demo sessions one browser address may start"
    )
    demo_sessions_total: str = Field(
        default="120/minute", description="demo sessions all browsers together may start"
    )

    _merchant_url = url_of_port("merchant_url", "merchant_port")

    @validator("rest_messages_per_customer", "demo_sessions_per_client", "demo_sessions_total")
    def _a_rate(cls, value: str) -> str:  # noqa: N805
        return rate_rule(value)

    @validator("demo_pin")
    def _a_pin(cls, value: str | None) -> str | None:  # noqa: N805
        if value is not None and not PIN_FORMAT.match(value):
            raise ValueError("must be 4 to 8 digits")
        return value

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
