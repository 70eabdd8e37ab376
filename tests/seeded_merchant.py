"""A merchant database seeded once per test process, copied into each test's data folder.

Every merchant test starts a platform on a fresh SQLite file, and seeding writes every pack,
5,300 stores of the store network included: over a second per test on a busy machine. A
copy of one seeded file starts the platform on the same rows (its start-up still migrates
and seeds, and finds nothing to write, since the packs' digests match).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from functools import cache
from pathlib import Path

from merchant.app import create_app
from merchant.settings import SQLITE_FILE_NAME, Settings


@cache
def _seeded_file(packs_dir: Path | None) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="orderly-seeded-"))
    secret = secrets.token_urlsafe(32)
    settings = Settings(
        data_dir=folder, packs_dir=packs_dir, jwt_secret=secret, service_token=secret
    )
    create_app(settings).state.runtime.database.dispose()
    return folder / SQLITE_FILE_NAME


def seeded_data_dir(data_dir: Path, packs_dir: Path | None = None) -> Path:
    """`data_dir` holding a copy of a database migrated and seeded with the packs."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_seeded_file(packs_dir), data_dir / SQLITE_FILE_NAME)
    return data_dir
