"""Rasa's SQL tracker store, with the conversation kept in memory between its turns.

Rasa's `SQLTrackerStore` rebuilds a conversation from the database on every message: a
query, one ORM object per event, JSON parsing and a replay of every event (about a fifth
of the server's time under load, bench/README.md). This store keeps the tracker it saved
last, per conversation, and hands it back while the database still holds the same events
for it (one indexed query: last event id and count). Several `rasa run` instances on one
database stay correct: a turn served by another instance (or a deletion) changes them and
forces a reload. A tracker is lent out, not shared: a turn that fails before `save` leaves
nothing in memory, and the next turn reads the database.

Only a tracker that holds exactly the conversation's latest session is kept: that is what
Rasa's `retrieve` returns and what its `save` (`_additional_events`) counts from. A turn in
which a new session started (after 60 idle minutes, domain.yml) ends with both sessions in
memory; keeping that one made every later turn re-insert earlier events (issue 16). Such a
tracker is dropped, and the next turn reads the new session from the database.

Privacy (issue 16): a turn that sets the `conversation_deleted` slot (actions/privacy.py) is not
saved; every event of that sender is deleted instead, so the next message starts afresh (its
"Was this helpful?" answers stay only as anonymous counts per topic, feedback_tally.py). The
store also prunes events older than RETENTION_DAYS (default 30) at start and once a day
(retention.py).

SQLite files also get WAL journaling with `synchronous=NORMAL`: a commit no longer waits
for the disk. A crash of the process loses nothing; a power cut may lose the last turns.

endpoints.yml: `tracker_store: {type: bot.rasa_ext.tracker_store.CachedSQLTrackerStore, dialect: sqlite, db: ...}`
(or `url:` for PostgreSQL); the other settings are Rasa's `SQL` store's.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.contract import CONVERSATION_DELETED_SLOT
from bot.rasa_ext.feedback_tally import add_to_tally, feedback_of
from bot.rasa_ext.retention import RetentionSchedule, interval_seconds, retention_days
from bot.rasa_ext.versions import require, require_attribute, require_signature

DEFAULT_CACHE_SIZE = 2000
PATCH = "bot/rasa_ext/tracker_store.py (SQLTrackerStore.engine, sessionmaker, SQLEvent, _additional_events)"
logger = logging.getLogger(__name__)


def check_versions() -> None:
    """Stop in one line when Rasa's SQL store or SQLAlchemy differ from what this store relies on."""
    require("rasa", "3.6.", PATCH)
    require("sqlalchemy", "1.4.", PATCH)
    require_attribute(SQLTrackerStore, "SQLEvent", PATCH)
    require_attribute(SQLTrackerStore, "_additional_events", PATCH)
    require_signature(SQLTrackerStore._additional_events, ["self", "session", "tracker"], PATCH)
    require_signature(SQLTrackerStore.save, ["self", "tracker"], PATCH)
    require_signature(SQLTrackerStore.retrieve, ["self", "sender_id"], PATCH)


def holds_only_its_latest_session(events: Sequence[Event]) -> bool:
    """True when `events` are exactly what Rasa's `retrieve` reads back: those from the latest session start on.

    Rasa selects the rows whose timestamp is at least that of the latest `SessionStarted` (all rows
    when there is none), and `_additional_events` counts them to know what is already stored.
    """
    starts = [event.timestamp for event in events if isinstance(event, SessionStarted)]
    if not starts:
        return True
    latest = max(starts)
    return all(event.timestamp >= latest for event in events)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class CachedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that lends out the last saved tracker while the database agrees with it."""

    def __init__(self, *args: Any, cache_size: int = DEFAULT_CACHE_SIZE, **kwargs: Any) -> None:
        check_versions()
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # One pooled connection instead of a new one per query (SQLAlchemy 1.4's default for files).
            self.engine.dispose()
            self.engine = sa.create_engine(
                self.engine.url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False}
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.cache_size = cache_size
        self._lent: OrderedDict[str, tuple[tuple[int, int, float], DialogueStateTracker]] = OrderedDict()
        self.retention: RetentionSchedule | None = None
        days = retention_days()
        if days is not None:
            self.retention = RetentionSchedule(self.engine, days, interval_seconds(),
                                               after_prune=self._forget_after_prune).start()

    def _stored_state(self, sender_id: str) -> tuple[int, int, float] | None:
        """(last event id, number of events, latest timestamp) of the conversation in the database; None if none.

        The timestamp matters: SQLite reuses the ids of deleted rows, so a conversation deleted on one
        instance and begun again could otherwise end on the same id and count as the one another
        instance still holds in memory.
        """
        event = self.SQLEvent
        query = sa.select(sa.func.max(event.id), sa.func.count(event.id), sa.func.max(event.timestamp)).where(
            event.sender_id == sender_id
        )
        with self.engine.connect() as connection:
            last_id, count, latest = connection.execute(query).one()
        return None if last_id is None else (last_id, count, latest)

    def _forget_after_prune(self, deleted: int) -> None:
        if deleted:
            self._lent.clear()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's latest session: from memory if nothing changed it since, else from the database."""
        kept = self._lent.pop(sender_id, None)
        if kept is not None and kept[0] == self._stored_state(sender_id):
            return kept[1]
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events (or delete the conversation, when asked), then keep the tracker for the next turn."""
        self._lent.pop(tracker.sender_id, None)
        if tracker.get_slot(CONVERSATION_DELETED_SLOT) is True:
            deleted = self.delete(tracker.sender_id)
            logger.info("Deleted a conversation at its user's request (%d events).", deleted)
            return
        await super().save(tracker)
        if not holds_only_its_latest_session(tracker.events):
            return  # a session started this turn: the next turn reads the new session from the database
        state = self._stored_state(tracker.sender_id)
        if state is None:
            return
        self._lent[tracker.sender_id] = (state, tracker)
        while len(self._lent) > self.cache_size:
            self._lent.popitem(last=False)

    def delete(self, sender_id: str) -> int:
        """Delete every event of a conversation, from every session; return how many.

        Its "Was this helpful?" answers are added to the anonymous tally first (feedback_tally.py).
        """
        self._lent.pop(sender_id, None)
        events = self.SQLEvent.__table__
        with self.engine.begin() as connection:
            add_to_tally(connection, feedback_of(connection, sender_id))
            return connection.execute(sa.delete(events).where(events.c.sender_id == sender_id)).rowcount
