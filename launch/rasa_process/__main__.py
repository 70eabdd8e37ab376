"""`python -m launch.rasa_process ARGS`: `rasa ARGS`, with Orderly's patches installed first.

The patches replace private pieces of Rasa (see action_calls.py) and its logging set-up (JSON
lines like every Orderly service, contracts/telemetry.py). They are written for one Rasa
release; on any other the process refuses to start instead of patching blindly.

Before Rasa is even imported, the console is spared the noise of the libraries underneath:
TensorFlow's C++ start-up notes and every library's deprecation warnings.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings

PATCHED_RASA_VERSION = "3.6.21"


def quiet_libraries() -> None:
    """Keep TensorFlow's C++ notes and third-party deprecation warnings off the console."""
    # Errors only, read when TensorFlow loads. Rasa sets the same, but only after loading it;
    # and a parent that imported jax hands down jax's "1".
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    # Sanic turns deprecation warnings back on ("once") when imported: import it first.
    import sanic  # noqa: F401

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)


def install_patches(version: str | None = None) -> None:
    import rasa
    import rasa.__main__

    from contracts.telemetry import configure_logging
    from launch.rasa_process import action_calls, merchant_in_use

    version = version or rasa.__version__
    if version != PATCHED_RASA_VERSION:
        raise SystemExit(
            f"Orderly's Rasa patches are written for Rasa {PATCHED_RASA_VERSION}; this is "
            f"Rasa {version}. Install requirements.txt (make install) or update "
            "launch/rasa_process/action_calls.py for this release."
        )
    action_calls.install()
    merchant_in_use.install()

    def orderly_logging(log_level: int | None = None) -> None:
        configure_logging("rasa", log_level if log_level is not None else logging.INFO)
        logging.getLogger("orderly.launch").info(
            "Rasa %s: installed the kept action-server session, the per-event reply check "
            "and the turn id header (launch/rasa_process/action_calls.py), the merchant in "
            "use for the NLU (launch/rasa_process/merchant_in_use.py), and JSON logs "
            "(contracts/telemetry.py)",
            version,
        )

    # Rasa configures coloured console logs, then structlog, just before running a command.
    rasa.__main__.configure_structlog = orderly_logging


def main() -> None:
    quiet_libraries()
    install_patches()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
