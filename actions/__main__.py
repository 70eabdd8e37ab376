"""Runs the action server: our actions, wired to the configured merchant backend once.

``python -m actions``; settings from the environment (``actions/settings.py``,
docs/configuration.md), e.g. host ``ORDERLY_ACTIONS_HOST`` and port ``ORDERLY_ACTIONS_PORT``.
"""

from __future__ import annotations

import sys

from actions.merchants import configured_backend
from actions.server import create_app
from actions.settings import Settings, SettingsError
from contracts.telemetry import configure_logging


def main() -> None:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        sys.exit(f"actions: {error}")
    configure_logging("actions", settings.log_level)
    if not settings.action_token:
        sys.exit(
            "ORDERLY_ACTION_TOKEN is not set: the action server would run actions for anyone. "
            "`python -m launch serve` generates one; or export the value endpoints.yml uses."
        )
    app = create_app(configured_backend(settings), settings)
    app.run(settings.host, settings.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
