"""What the REST and widget channels and the PIN policy read from the environment, in one place.

Customer tokens have their own class (:class:`channels.identity.IdentitySettings`), the
voice channel its own (``channels/voice/settings.py``). Tests build ``ChannelSettings(...)``
directly; ``ChannelSettings.from_env()`` reads ``ORDERLY_*`` (docs/configuration.md).
"""

from __future__ import annotations

import re

from pydantic import Field, validator

from contracts.rate_limits import rate_rule
from contracts.settings import OrderlySettings

# The merchant platform's rule for a PIN (merchant/settings.py): 4 to 8 ASCII digits.
PIN_FORMAT = re.compile(r"^[0-9]{4,8}$")


class ChannelSettings(OrderlySettings):
    merchant_url: str = Field(
        default="http://127.0.0.1:8088",
        description="the merchant platform: the only place a PIN is ever sent; the demo "
        "session signs in there",
    )
    redis_url: str | None = Field(
        default=None,
        description="keep pending PIN requests in Redis (several Rasa replicas), e.g. "
        "`redis://127.0.0.1:6379/0`; unset: in memory",
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

    @validator("rest_messages_per_customer", "demo_sessions_per_client", "demo_sessions_total")
    def _a_rate(cls, value: str) -> str:  # noqa: N805
        return rate_rule(value)

    @validator("demo_pin")
    def _a_pin(cls, value: str | None) -> str | None:  # noqa: N805
        if value is not None and not PIN_FORMAT.match(value):
            raise ValueError("must be 4 to 8 digits")
        return value

    @validator("merchant_url")
    def _no_trailing_slash(cls, value: str) -> str:  # noqa: N805
        return value.rstrip("/")
