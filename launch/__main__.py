"""``python -m launch serve`` starts every service; ``python -m launch run`` adds the chat shell.

``python -m launch serve-scaled`` starts the scaled topology instead (launch/scaled.py): two
Rasa replicas and two action servers behind HAProxy, on PostgreSQL and Redis.

Ctrl-C stops everything that was started. Logs go to ``var/logs/``.

``python -m launch link-device DEVICE_ID --customer CUSTOMER_ID`` links a Home Assistant
device to a customer, who confirms with their password (launch/link_device.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from channels.wyoming.devices import DeviceLinks
from channels.wyoming.settings import WyomingSettings
from launch.link_device import LinkRefused, link_device, read_password
from launch.scaled import ScaledStack, default_config
from launch.stack import MODEL, ROOT, Stack, StackConfig


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m launch", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for command in ("run", "serve", "serve-scaled"):
        starting = commands.add_parser(command)
        starting.add_argument(
            "--customer",
            help="sandbox customer the shell signs in as (default: your own, made on first run)",
        )
    linking = commands.add_parser(
        "link-device", help="let a Home Assistant device order for a customer"
    )
    linking.add_argument("device_id", help="Home Assistant's device id or satellite entity id")
    linking.add_argument("--customer", required=True, help="the customer it orders for")
    linking.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    linking.add_argument(
        "--merchant",
        default=StackConfig().merchant_url,
        help="the running merchant platform (default: %(default)s)",
    )
    args = parser.parse_args()
    if args.command == "link-device":
        return _link_device(args)
    if not MODEL.exists():
        print(f"No trained model at {MODEL}: run `make model` first.", file=sys.stderr)
        return 1
    config = StackConfig()
    stack = Stack(config)
    if args.command == "serve-scaled":
        config = default_config()
        stack = ScaledStack(config)
    # A plain `kill` must stop the services too, not orphan them. SIGINT is restored
    # because a shell starting us in the background hands it down ignored.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(
        "Starting the merchant platform, the action server and Rasa (about 30 s)...",
        flush=True,
    )
    try:
        with stack:
            print(
                f"Ready: Rasa {config.rasa_url} (REST: /webhooks/rest/webhook), "
                f"merchant platform {config.merchant_url}, actions {config.actions_url}, "
                f"Home Assistant (Wyoming) {config.wyoming_url}. "
                f"Logs in {config.log_dir}.",
                flush=True,
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
                return subprocess.call(shell, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
            print("Press Ctrl-C to stop.", flush=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("\nStopped.")
        return 0
    except RuntimeError as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1


def _link_device(args: argparse.Namespace) -> int:
    settings = WyomingSettings.from_env(data_dir=StackConfig().data_dir)
    try:
        password = read_password(args.password_stdin)
        link_device(
            DeviceLinks(settings.devices_file),
            args.device_id,
            args.customer,
            password,
            args.merchant,
        )
    except LinkRefused as refused:
        print(f"Not linked: {refused}", file=sys.stderr)
        return 1
    print(f"Linked: {args.device_id} now orders for {args.customer}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
