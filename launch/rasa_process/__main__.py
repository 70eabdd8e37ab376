"""`python -m launch.rasa_process ARGS`: `rasa ARGS`, with Orderly's patches installed first.

The patches replace two private pieces of Rasa (see action_calls.py). They are written for
one Rasa release; on any other the process refuses to start instead of patching blindly.
"""

from __future__ import annotations

import logging
import sys

import rasa
from rasa.__main__ import main as rasa_main

from launch.rasa_process import action_calls

PATCHED_RASA_VERSION = "3.6.21"
logger = logging.getLogger("orderly.launch")


def install_patches(version: str = rasa.__version__) -> None:
    if version != PATCHED_RASA_VERSION:
        raise SystemExit(
            f"Orderly's Rasa patches are written for Rasa {PATCHED_RASA_VERSION}; this is "
            f"Rasa {version}. Install requirements.txt (make install) or update "
            "launch/rasa_process/action_calls.py for this release."
        )
    action_calls.install()
    print(
        f"orderly: Rasa {version}: installed the kept action-server session and the "
        "per-event reply check (launch/rasa_process/action_calls.py)",
        file=sys.stderr,
        flush=True,
    )


def main() -> None:
    install_patches()
    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
