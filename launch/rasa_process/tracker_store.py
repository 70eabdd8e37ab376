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

- **One query less per turn.** Before saving, Rasa counts the conversation's stored
  events to know which are new. A turn's save follows its own read under the
  conversation's lock (no other replica writes in between), so the number just read
  is that count; it is used once, by the next save, and any other save counts.
- **SQLite** (`make run`) runs in WAL mode with `synchronous=NORMAL`: a commit no
  longer waits for the disk, and a killed process loses nothing committed; only an
  operating-system crash can lose the last commits, as on PostgreSQL above.

Configured in `endpoints.yml` and `endpoints.scaled.yml` as
`type: launch.rasa_process.tracker_store.ReconnectingSQLTrackerStore`.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

from channels.settings import rasa_settings

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ReconnectingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stored_counts: dict[str, int] = {}
        stock: Any = self.engine  # type: ignore[has-type]
        url = stock.url
        engine_kwargs = create_engine_kwargs(url)
        connect_args = dict(engine_kwargs.pop("connect_args", {}))
        if url.get_backend_name() == "sqlite":
            # SQLAlchemy 1.4 pools no file database: each read and save reconnected.
            engine_kwargs["poolclass"] = sa.pool.QueuePool
            connect_args["check_same_thread"] = False
        elif url.get_backend_name() == "postgresql":
            commit = rasa_settings().tracker_synchronous_commit
            options = f"{connect_args.get('options', '')} -c synchronous_commit={commit}"
            connect_args["options"] = options.strip()
        else:
            return
        stock.dispose()
        self.engine = sa.create_engine(url, connect_args=connect_args, **engine_kwargs)
        if url.get_backend_name() == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_write_ahead_log)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._again_if_disconnected(
            lambda: super(ReconnectingSQLTrackerStore, self).save(tracker)
        )

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Any]:
        stored = self._stored_counts.pop(tracker.sender_id, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        self._stored_counts.pop(sender_id, None)
        tracker = await self._again_if_disconnected(
            lambda: super(ReconnectingSQLTrackerStore, self)._retrieve(
                sender_id, fetch_events_from_all_sessions
            )
        )
        if tracker is not None and not fetch_events_from_all_sessions:
            self._stored_counts[sender_id] = len(tracker.events)
        return tracker

    async def keys(self) -> Iterable[str]:
        return await self._again_if_disconnected(
            lambda: super(ReconnectingSQLTrackerStore, self).keys()
        )

    async def _again_if_disconnected(self, operation: Callable[[], Awaitable[T]]) -> T:
        try:
            return await operation()
        except sa.exc.DBAPIError as error:
            self._stored_counts.clear()  # a save may have half-happened: count again
            if not error.connection_invalidated:
                raise
            logger.warning("tracker store: the database connection was lost; trying again")
            return await operation()


def _sqlite_write_ahead_log(dbapi_connection: Any, _: Any) -> None:
    dbapi_connection.execute("PRAGMA journal_mode = WAL")
    dbapi_connection.execute("PRAGMA synchronous = NORMAL")
