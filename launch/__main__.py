"""``python -m launch serve`` starts every service; ``python -m launch run`` adds the chat shell.

``python -m launch serve-scaled`` starts the scaled topology instead (launch/scaled.py): two
Rasa replicas and two action servers behind HAProxy, on PostgreSQL and Redis.
``python -m launch doctor`` checks that this machine can run Orderly, and says what to fix.

Ports, folders and the rest come from the environment (launch/settings.py); Ctrl-C stops
everything that was started. Logs go to ``var/logs/``, one JSON object per line.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

from contracts.settings import SettingsError, child_environment
from launch.scaled import ScaledStack, scaled_config
from launch.settings import LaunchSettings
from launch.stack import MODEL, ROOT, Stack, StackConfig


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m launch", description=__doc__)
    parser.add_argument("command", choices=["run", "serve", "serve-scaled", "doctor"])
    parser.add_argument(
        "--customer",
        help="sandbox customer the shell signs in as (default: your own, made on first run)",
    )
    args = parser.parse_args()
    if args.command == "doctor":
        from launch import doctor

        return doctor.main()
    try:
        settings = LaunchSettings.from_env()
    except SettingsError as error:
        print(f"launch: {error}", file=sys.stderr)
        return 2
    if not MODEL.exists():
        print(f"No trained model at {MODEL}: run `make model` first.", file=sys.stderr)
        return 1
    config: StackConfig = StackConfig.from_settings(settings)
    stack = Stack(config, progress=say)
    if args.command == "serve-scaled":
        config = scaled_config(settings)
        stack = ScaledStack(config, progress=say)
    # A plain `kill` must stop the services too, not orphan them. SIGINT is restored
    # because a shell starting us in the background hands it down ignored.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    say("Starting the merchant platform, the action server and Rasa (about 30 s)...")
    try:
        with stack:
            say(
                f"Ready: Rasa {config.rasa_url} (REST: /webhooks/rest/webhook), "
                f"merchant platform {config.merchant_url}, actions {config.actions_url}. "
                f"Metrics at /metrics of each; logs in {config.log_dir}."
            )
            if args.command == "run":
                shell = [
                    sys.executable,
                    "-m",
                    "clients.shell",
                    "--server",
                    config.rasa_url,
                    "--merchant",
                    config.merchant_url,
                ]
                if args.customer:
                    shell += ["--customer", args.customer]
                environment = child_environment(
                    {"PYTHONPATH": str(ROOT), "ORDERLY_DATA_DIR": str(config.data_dir)}
                )
                return subprocess.call(shell, cwd=ROOT, env=environment)
            say("Press Ctrl-C to stop.")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("\nStopped.")
        return 0
    except RuntimeError as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1


def say(line: str) -> None:
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
