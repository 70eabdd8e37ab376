"""Rasa's SQL tracker store, made to survive a database restart and to wait less.

- **Restarts.** Rasa 3.6's engine keeps pooled connections that die when PostgreSQL
  restarts, so the next turn on each would fail. This store runs a read or a save once
  more when the first attempt found its connection dead (SQLAlchemy then drops the
  whole pool). A repeated save is harmless: Rasa saves only the events the database
  does not have yet (it counts them first). Checking every connection before use
  (`pool_pre_ping`) would cost a round trip per query, on Rasa's event loop.
- **Commit latency.** Rasa talks to the database synchronously, on its event loop, so
  every commit's wait for the disk stalls every conversation of the replica. On
  PostgreSQL the store commits with `synchronous_commit` = `ORDERLY_TRACKER_SYNCHRONOUS_COMMIT`
  (default `off`): a crash of the database server itself (not of a replica) can lose
  the last fraction of a second of conversation events, never corrupt them. Orders and
  payments are in the merchant's database, which keeps PostgreSQL's full durability.

Configured in `endpoints.yml` and `endpoints.scaled.yml` as
`type: bot.tracker_store.ReconnectingSQLTrackerStore`. Being the one Orderly class
every Rasa process loads from its endpoints, it also installs the faster check of
action-server replies (bot/action_results.py).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

from bot import action_results

action_results.install()

logger = logging.getLogger(__name__)
T = TypeVar("T")
SYNCHRONOUS_COMMIT_VARIABLE = "ORDERLY_TRACKER_SYNCHRONOUS_COMMIT"
SYNCHRONOUS_COMMIT_CHOICES = ("on", "off", "local", "remote_write", "remote_apply")


class ReconnectingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stock: Any = self.engine  # type: ignore[has-type]
        url = stock.url
        if url.get_backend_name() != "postgresql":
            return
        setting = os.environ.get(SYNCHRONOUS_COMMIT_VARIABLE, "off").strip().lower()
        if setting not in SYNCHRONOUS_COMMIT_CHOICES:
            raise ValueError(
                f"{SYNCHRONOUS_COMMIT_VARIABLE} must be one of {SYNCHRONOUS_COMMIT_CHOICES}."
            )
        engine_kwargs = create_engine_kwargs(url)
        connect_args = dict(engine_kwargs.pop("connect_args", {}))
        options = f"{connect_args.get('options', '')} -c synchronous_commit={setting}"
        connect_args["options"] = options.strip()
        stock.dispose()
        self.engine = sa.create_engine(url, connect_args=connect_args, **engine_kwargs)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._again_if_disconnected(
            lambda: super(ReconnectingSQLTrackerStore, self).save(tracker)
        )

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        return await self._again_if_disconnected(
            lambda: super(ReconnectingSQLTrackerStore, self)._retrieve(
                sender_id, fetch_events_from_all_sessions
            )
        )

    async def keys(self) -> Iterable[str]:
        return await self._again_if_disconnected(
            lambda: super(ReconnectingSQLTrackerStore, self).keys()
        )

    async def _again_if_disconnected(self, operation: Callable[[], Awaitable[T]]) -> T:
        try:
            return await operation()
        except sa.exc.DBAPIError as error:
            if not error.connection_invalidated:
                raise
            logger.warning("tracker store: the database connection was lost; trying again")
            return await operation()
