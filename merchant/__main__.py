"""`python -m merchant`: serve the sandbox merchant platform with uvicorn.

Configuration comes from the environment: merchant/settings.py, listed in
docs/configuration.md.
"""

from __future__ import annotations

import sys

import uvicorn

from contracts.telemetry import configure_logging
from merchant.app import create_app
from merchant.settings import Settings, SettingsError


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"merchant: {error}", file=sys.stderr)
        return 2
    configure_logging("merchant", settings.log_level)
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        # One log format: uvicorn's records go through the root logger's JSON handler,
        # and each request is logged once, with its turn id (merchant/telemetry.py).
        log_config=None,
        access_log=False,
        # No websockets here; uvicorn's auto-detection would import a newer
        # websockets API than the 10.4 that Rasa 3.6 pins.
        ws="none",
        # The app applies X-Forwarded-For itself, from ORDERLY_TRUSTED_PROXIES.
        proxy_headers=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
