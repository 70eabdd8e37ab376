"""Settings of the action server, read from the environment with laptop defaults.

Read once by ``python -m actions`` and handed to every action (see actions/registry.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    merchant_url: str = "http://127.0.0.1:8088"
    # Sent with every customer call to the merchant, with X-Orderly-Customer; never logged.
    merchant_service_token: str = field(default="", repr=False)
    merchant_id: str = "golden-crumb"
    merchant_backend: str = "actions.merchants.sandbox:SandboxBackend"
    merchant_timeout_seconds: float = 3.0
    merchant_retry_delays_seconds: tuple[float, ...] = (0.2, 0.6)
    # A payment confirmation is an explicit yes: below this NLU confidence the
    # assistant asks again instead of charging.
    confirmation_min_confidence: float = 0.8
    pin_digits: int = 6
    # Input channels whose PIN guard keeps the PIN out of the dialogue
    # (channels/pin_policy.py). Anywhere else (``rasa shell`` is "cmdline") the
    # assistant refuses to ask for a PIN and points to `make shell`.
    pin_channels: tuple[str, ...] = ("rest", "voice")
    # Rasa sends it with every action call (endpoints.yml ``action_endpoint.token``);
    # `python -m actions` refuses to start without it.
    action_token: str = ""
    # How long an action server reuses the merchant's menu and stores (0: never).
    menu_cache_seconds: float = 10.0

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        channels = env.get("ORDERLY_PIN_CHANNELS")
        return cls(
            merchant_url=env.get("ORDERLY_MERCHANT_URL", cls.merchant_url).rstrip("/"),
            merchant_id=env.get("ORDERLY_MERCHANT_ID", cls.merchant_id),
            merchant_backend=env.get("ORDERLY_MERCHANT_BACKEND", cls.merchant_backend),
            merchant_service_token=env.get("ORDERLY_SERVICE_TOKEN", ""),
            merchant_timeout_seconds=float(
                env.get("ORDERLY_MERCHANT_TIMEOUT_SECONDS", cls.merchant_timeout_seconds)
            ),
            pin_channels=tuple(c.strip() for c in channels.split(",") if c.strip())
            if channels is not None
            else cls.pin_channels,
            action_token=env.get("ORDERLY_ACTION_TOKEN", cls.action_token),
            menu_cache_seconds=float(env.get("ORDERLY_MENU_CACHE_SECONDS", cls.menu_cache_seconds)),
        )
