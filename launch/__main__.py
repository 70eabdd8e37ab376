"""``python -m launch serve`` starts every service; ``python -m launch run`` adds the chat shell.

``python -m launch serve-scaled`` starts the scaled topology instead (launch/scaled.py): two
Rasa replicas and two action servers behind HAProxy, on PostgreSQL and Redis.
``python -m launch doctor`` checks that this machine can run Orderly, and says what to fix.
``python -m launch link-device DEVICE_ID --customer CUSTOMER_ID`` links a Home Assistant
device to a customer, who confirms with their password (launch/link_device.py).

Ports, folders and the rest come from the environment (launch/settings.py); Ctrl-C stops
everything that was started. Logs go to ``var/logs/``, one JSON object per line.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

from channels.wyoming.devices import DeviceLinks
from channels.wyoming.settings import WyomingSettings
from contracts.settings import SettingsError, child_environment
from launch.demo_staff import create_demo_staff
from launch.link_device import LinkRefused, link_device, read_password
from launch.scaled import ScaledStack, scaled_config
from launch.settings import LaunchSettings
from launch.stack import DEMO_SIGN_IN, MODEL, ROOT, Stack, StackConfig


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
    commands.add_parser("doctor", help="check that this machine can run Orderly")
    linking = commands.add_parser(
        "link-device", help="let a Home Assistant device order for a customer"
    )
    linking.add_argument("device_id", help="Home Assistant's device id or satellite entity id")
    linking.add_argument("--customer", required=True, help="the customer it orders for")
    linking.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    linking.add_argument(
        "--merchant", help="the running merchant platform (default: ORDERLY_MERCHANT_PORT's)"
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
    if args.command == "link-device":
        return _link_device(args, StackConfig.from_settings(settings))
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
                f"merchant platform {config.merchant_url}, actions {config.actions_url}, "
                f"Home Assistant (Wyoming) {config.wyoming_url}. "
                f"Metrics at /metrics of each; logs in {config.log_dir}."
            )
            if args.command != "serve-scaled" and stack.environment()[DEMO_SIGN_IN] == "1":
                staff = create_demo_staff(stack.environment(), settings.demo_staff_password)
                say(staff.instructions(config.merchant_url))
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


def _link_device(args: argparse.Namespace, config: StackConfig) -> int:
    settings = WyomingSettings.from_env(data_dir=config.data_dir)
    try:
        password = read_password(args.password_stdin)
        link_device(
            DeviceLinks(settings.devices_file),
            args.device_id,
            args.customer,
            password,
            args.merchant or config.merchant_url,
        )
    except LinkRefused as refused:
        print(f"Not linked: {refused}", file=sys.stderr)
        return 1
    print(f"Linked: {args.device_id} now orders for {args.customer}.")
    return 0


def say(line: str) -> None:
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
