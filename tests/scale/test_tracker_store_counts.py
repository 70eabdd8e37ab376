"""The tracker store saves each event exactly once, whichever replica reads and saves.

It reuses the count of events a turn read instead of counting them again before the
save (one query less per turn); these sequences would duplicate or drop events if that
count were ever used when it is not the stored one.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from launch.rasa_process.tracker_store import ReconnectingSQLTrackerStore


def replica(db: Path) -> ReconnectingSQLTrackerStore:
    return ReconnectingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))


def turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text))
    tracker.update(BotUttered(f"reply to {text}"))
    tracker.update(ActionExecuted("action_listen"))


def stored_texts(db: Path) -> list[str]:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT type_name FROM events ORDER BY id")).all()
    engine.dispose()
    return [row[0] for row in rows]


async def test_turns_alternating_between_replicas_store_every_event_once(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    first, second = replica(db), replica(db)
    tracker = DialogueStateTracker("alice", [])
    turn(tracker, "hello")
    await first.save(tracker)  # a new conversation: nothing was read, so it counts
    for n, store in enumerate([second, first, second, first]):
        read = await store.retrieve("alice")
        assert read is not None
        turn(read, f"turn {n}")
        await store.save(read)
    final = await first.retrieve("alice")
    assert final is not None and len(final.events) == 15
    assert stored_texts(db) == ["user", "bot", "action"] * 5


async def test_saving_the_same_tracker_twice_adds_only_what_is_new(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    store = replica(db)
    await store.save(DialogueStateTracker.from_events("bob", [UserUttered("hi")]))
    read = await store.retrieve("bob")
    assert read is not None
    turn(read, "one")
    await store.save(read)
    turn(read, "two")
    await store.save(read)  # no read in between: the count is not reused
    assert len(stored_texts(db)) == 1 + 3 + 3


async def test_a_session_started_during_the_turn_is_saved_once(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    store = replica(db)
    await store.save(DialogueStateTracker.from_events("carol", [UserUttered("hi")]))
    read = await store.retrieve("carol")
    assert read is not None
    read.update(ActionExecuted("action_session_start"))
    read.update(SessionStarted())
    turn(read, "new session")
    await store.save(read)
    again = await store.retrieve("carol")
    assert again is not None
    turn(again, "next")
    await store.save(again)
    assert stored_texts(db) == ["user", "action", "session_started"] + ["user", "bot", "action"] * 2


def test_sqlite_runs_in_write_ahead_mode(tmp_path: Path) -> None:
    store = replica(tmp_path / "tracker.db")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
