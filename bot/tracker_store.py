"""Rasa's SQL tracker store, made to survive a database restart.

Rasa 3.6 builds its engine without `pool_pre_ping`, so after PostgreSQL restarts the
first turn on every pooled connection fails. This store checks a connection before
using it, so the turn after a restart simply reconnects. Configured in `endpoints.yml`
and `endpoints.scaled.yml` as `type: bot.tracker_store.ReconnectingSQLTrackerStore`.

Being the one Orderly class every Rasa process loads from its endpoints, it also
installs the faster check of action-server replies (bot/action_results.py).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs

from bot import action_results

action_results.install()


class ReconnectingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stock: Any = self.engine  # type: ignore[has-type]
        url = stock.url
        stock.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
