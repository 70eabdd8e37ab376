"""`python -m merchant`: serve the sandbox merchant platform with uvicorn.

Configuration comes from the environment: merchant/settings.py, listed in
docs/configuration.md.
"""

from __future__ import annotations

import logging
import sys

import uvicorn

from merchant.app import create_app
from merchant.settings import Settings, SettingsError

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"merchant: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format=LOG_FORMAT)
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        # No websockets here; uvicorn's auto-detection would import a newer
        # websockets API than the 10.4 that Rasa 3.6 pins.
        ws="none",
        # The app applies X-Forwarded-For itself, from ORDERLY_TRUSTED_PROXIES.
        proxy_headers=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
