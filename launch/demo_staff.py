"""Demo staff accounts for ``make run`` / ``make serve``: one per demo store.

With demo sign-in on (``ORDERLY_DEMO_SIGN_IN=1``, the default of ``make run`` and
``make serve``), the launcher gives every sandbox store a staff account whose id is the
store's id, so the staff page (``/staff`` on the merchant platform) can be tried at once.
The password is ``ORDERLY_DEMO_STAFF_PASSWORD`` when set, else a new random one each start,
printed once: nothing else stores it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from merchant import models
from merchant.app import create_app
from merchant.settings import Settings
from merchant.staff import add_staff

PASSWORD_BYTES = 9  # 12 characters: typed on a tablet, once per demo


@dataclass(frozen=True)
class DemoStaff:
    store_ids: list[str]
    password: str

    def instructions(self, merchant_url: str) -> str:
        first = self.store_ids[0] if self.store_ids else "STORE_ID"
        return (
            f"Store staff: open {merchant_url}/staff and sign in as {first} (any demo store's "
            f"id is its staff id: {', '.join(self.store_ids)}) with password {self.password}"
        )


def create_demo_staff(environment: Mapping[str, str], password: str | None) -> DemoStaff:
    """Create (or reset) one staff account per named store of the platform the environment
    names (the stores its packs list by hand)."""
    password = password or secrets.token_urlsafe(PASSWORD_BYTES)
    app = create_app(Settings.from_env(environment))
    runtime = app.state.runtime
    try:
        with runtime.database.sessions() as session:
            # The stores each pack names by hand, not its generated network: 5,300 accounts,
            # each hashed on purpose slowly, held up every start for minutes.
            query = (
                select(models.Store.id)
                .where(models.Store.listed)
                .order_by(models.Store.merchant_id, models.Store.position)
            )
            store_ids = list(session.scalars(query))
        logging.getLogger(__name__).info("creating %d demo staff accounts", len(store_ids))
        for store_id in store_ids:
            add_staff(runtime, store_id, [store_id], password)
    finally:
        runtime.database.dispose()
    return DemoStaff(store_ids, password)
