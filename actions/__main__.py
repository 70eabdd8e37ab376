"""Runs the action server: our actions, wired to the configured merchant backend once.

``python -m actions`` (host ``ORDERLY_ACTIONS_HOST``, port ``ORDERLY_ACTIONS_PORT``).
"""

from __future__ import annotations

import logging
import os
import sys

from actions.merchants import configured_backend
from actions.server import create_app
from actions.settings import Settings

DEFAULT_PORT = 5055


def main() -> None:
    logging.basicConfig(level=os.environ.get("ORDERLY_LOG_LEVEL", "INFO"))
    settings = Settings.from_env()
    if not settings.action_token:
        sys.exit(
            "ORDERLY_ACTION_TOKEN is not set: the action server would run actions for anyone. "
            "`python -m bot serve` generates one; or export the value endpoints.yml uses."
        )
    app = create_app(configured_backend(), settings)
    host = os.environ.get("ORDERLY_ACTIONS_HOST", "127.0.0.1")
    port = int(os.environ.get("ORDERLY_ACTIONS_PORT", DEFAULT_PORT))
    app.run(host, port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
