"""`python -m merchant`: serve the sandbox merchant platform with uvicorn; or
`python -m merchant add-staff STAFF_ID --store STORE_ID [--store ...] --password-stdin`:
create a store's staff account (or give an existing one this password and these stores);
or `python -m merchant check-pack packs/x`: check one merchant pack, print every problem with
its file, line and field, exit 1 if there is any; or `python -m merchant generate-packs
--count 1100 --out DIR`: write synthetic menu packs for the catalogue-scale benchmark.

Configuration comes from the environment: merchant/settings.py, listed in
docs/configuration.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn

from contracts.telemetry import configure_logging
from merchant.app import create_app
from merchant.errors import ApiError
from merchant.packs import PackError, load_pack
from merchant.packs.synthetic import DEFAULT_SEED, generate_packs
from merchant.settings import Settings, SettingsError
from merchant.staff import ROLES, STAFF_ROLE, add_staff


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.command == "check-pack":
        return _check_pack(arguments.folder)  # needs no settings: it reads files only
    if arguments.command == "generate-packs":
        folders = generate_packs(arguments.out, arguments.count, arguments.seed)
        print(f"{arguments.out}: {len(folders)} synthetic packs (seed {arguments.seed})")
        return 0
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"merchant: {error}", file=sys.stderr)
        return 2
    configure_logging("merchant", settings.log_level)
    if arguments.command == "add-staff":
        return _add_staff(settings, arguments)
    return _serve(settings)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m merchant")
    commands = parser.add_subparsers(dest="command")
    staff = commands.add_parser("add-staff", help="create or update a store's staff account")
    staff.add_argument("staff_id")
    staff.add_argument("--store", action="append", required=True, help="a store they serve")
    staff.add_argument("--role", choices=ROLES, default=STAFF_ROLE)
    staff.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input (never from the command line, "
        "which other users of the machine can see)",
    )
    check = commands.add_parser("check-pack", help="check one merchant pack (packs/<id>/)")
    check.add_argument("folder", type=Path)
    generate = commands.add_parser(
        "generate-packs", help="write synthetic menu packs (merchant/packs/synthetic.py)"
    )
    generate.add_argument("--count", type=int, required=True, help="how many brands")
    generate.add_argument("--out", type=Path, required=True, help="the folder to write into")
    generate.add_argument("--seed", type=int, default=DEFAULT_SEED)
    return parser


def _check_pack(folder: Path) -> int:
    try:
        pack = load_pack(folder)
    except PackError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = len(error.problems)
        print(f"{folder}: {count} problem{'s' * (count != 1)}", file=sys.stderr)
        return 1
    print(
        f"{folder}: ok: {pack.name} ({pack.kind}, {len(pack.items)} items, "
        f"{len(pack.stores)} stores, {len(pack.listed)} of them named in the feed)"
    )
    return 0


def _add_staff(settings: Settings, arguments: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\r\n")
    app = create_app(settings)  # migrates and seeds, so the stores exist
    try:
        created = add_staff(
            app.state.runtime, arguments.staff_id, arguments.store, password, arguments.role
        )
    except ApiError as error:
        print(f"merchant: {error.message}", file=sys.stderr)
        return 2
    finally:
        app.state.runtime.database.dispose()
    verb = "added" if created else "updated"
    print(f"staff {arguments.staff_id} {verb} for {', '.join(arguments.store)}")
    return 0


def _serve(settings: Settings) -> int:
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
