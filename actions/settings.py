"""Settings of the action server, read from the environment with laptop defaults.

Read once by ``python -m actions`` (``Settings.from_env()``) and handed to every action (see
actions/registry.py); tests build ``Settings(...)`` directly. Variables: docs/configuration.md.
"""

from __future__ import annotations

from pydantic import Field, validator

from contracts.settings import OrderlySettings, SettingsError, url_of_port

__all__ = ["Settings", "SettingsError"]


class Settings(OrderlySettings):
    """Configuration of one action server process. Secrets are left out of ``repr``."""

    host: str = Field(
        default="127.0.0.1", env="ORDERLY_ACTIONS_HOST", description="where to listen"
    )
    port: int = Field(
        default=5055, env="ORDERLY_ACTIONS_PORT", ge=1, le=65535, description="where to listen"
    )
    log_level: str = Field(default="INFO", description="logging level")
    merchant_port: int = Field(
        default=8088,
        ge=1,
        le=65535,
        description="the merchant platform's port, when `ORDERLY_MERCHANT_URL` is unset",
    )
    merchant_url: str = Field(
        default="",
        description="the merchant platform the sandbox adapter calls; unset: "
        "`http://127.0.0.1:$ORDERLY_MERCHANT_PORT`",
    )
    merchant_service_token: str = Field(
        default="",
        env="ORDERLY_SERVICE_TOKEN",
        repr=False,
        description="sent with every customer call to the merchant, with "
        "`X-Orderly-Customer`; the launcher makes one in `var/secrets/`",
    )
    merchant_id: str = Field(
        default="golden-crumb",
        description="the merchant a conversation starts with (the customer may switch); "
        "`none`: a conversation starts with no merchant in use",
    )
    merchant_backend: str = Field(
        default="actions.merchants.sandbox:SandboxBackend",
        description="the adapter class the actions use (`module:Class`)",
    )
    merchant_timeout_seconds: float = Field(
        default=3.0, gt=0, description="how long one merchant call may take"
    )
    merchant_retry_delays_seconds: tuple[float, ...] = Field(
        default=(0.2, 0.6),
        description="one retry after each pause when a merchant call fails to connect or "
        "answers 5xx (calls that change state carry an idempotency key)",
    )
    confirmation_min_confidence: float = Field(
        default=0.8,
        ge=0,
        le=1,
        description="a yes that moves money (pay, cancel, refund) must be explicit: below "
        "this NLU confidence the assistant asks again instead of charging or refunding",
    )
    pin_digits: int = Field(
        default=6,
        ge=4,
        le=8,
        description="how many digits the assistant asks for when it asks for a PIN",
    )
    pin_channels: tuple[str, ...] = Field(
        default=("rest", "voice"),
        description="input channels whose PIN guard keeps the PIN out of the dialogue "
        "(`channels/pin_policy.py`); elsewhere (`rasa shell`) the assistant refuses to ask "
        "for a PIN",
    )
    action_token: str = Field(
        default="",
        repr=False,
        description="Rasa sends it with every action call (`endpoints.yml` "
        "`action_endpoint.token`); `python -m actions` refuses to start without it",
    )

    metrics_token: str | None = Field(
        default=None,
        repr=False,
        description="when set, `GET /metrics` needs `Authorization: Bearer <token>`",
    )
    menu_cache_seconds: float = Field(
        default=10.0,
        ge=0,
        description="how long an action server reuses the merchant's menu and stores "
        "(0: never; actions/merchants/cache.py)",
    )
    lexicon_cache_seconds: float = Field(
        default=60.0,
        ge=0,
        description="how long `GET /lexicon` serves the lexicon it built before building it "
        "again from every merchant's menu (0: every request; actions/lexicon_cache.py)",
    )

    _merchant_url = url_of_port("merchant_url", "merchant_port")

    @validator("merchant_id")
    def _no_merchant(cls, value: str) -> str:  # noqa: N805
        # An empty variable reads as unset (the default), so "none" is the word for none.
        return "" if value.strip().lower() == "none" else value.strip()

    @validator("log_level")
    def _upper_case_level(cls, value: str) -> str:  # noqa: N805
        return value.upper()
