"""Rasa's SQL tracker store, with the conversation kept in memory between its turns.

Rasa's `SQLTrackerStore` rebuilds a conversation from the database on every message: a
query, one ORM object per event, JSON parsing and a replay of every event (about a fifth
of the server's time under load, bench/README.md). This store keeps the tracker it saved
last, per conversation, and hands it back while the database still ends with the same
event (one indexed query). Several `rasa run` instances on one database stay correct: a
turn served by another instance (or a deletion) changes the last event id and forces a
reload. A tracker is lent out, not shared: a turn that fails before `save` leaves nothing
in memory, and the next turn reads the database.

SQLite files also get WAL journaling with `synchronous=NORMAL`: a commit no longer waits
for the disk. A crash of the process loses nothing; a power cut may lose the last turns.

endpoints.yml: `tracker_store: {type: bot.rasa_ext.tracker_store.CachedSQLTrackerStore, dialect: sqlite, db: ...}`
(or `url:` for PostgreSQL); the other settings are Rasa's `SQL` store's.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.versions import require, require_attribute

DEFAULT_CACHE_SIZE = 2000
PATCH = "bot/rasa_ext/tracker_store.py (SQLTrackerStore.engine, sessionmaker and SQLEvent)"


def check_versions() -> None:
    """Stop in one line when Rasa's SQL store or SQLAlchemy differ from what this store relies on."""
    require("rasa", "3.6.", PATCH)
    require("sqlalchemy", "1.4.", PATCH)
    require_attribute(SQLTrackerStore, "SQLEvent", PATCH)
    require_attribute(SQLTrackerStore, "_additional_events", PATCH)


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
        self._lent: OrderedDict[str, tuple[int, DialogueStateTracker]] = OrderedDict()

    def _last_event_id(self, sender_id: str) -> int | None:
        query = sa.select(sa.func.max(self.SQLEvent.id)).where(self.SQLEvent.sender_id == sender_id)
        with self.engine.connect() as connection:
            return connection.execute(query).scalar()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's latest session: from memory if nothing changed it since, else from the database."""
        kept = self._lent.pop(sender_id, None)
        if kept is not None and kept[0] == self._last_event_id(sender_id):
            return kept[1]
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events, then keep the tracker for the conversation's next turn."""
        await super().save(tracker)
        last_id = self._last_event_id(tracker.sender_id)
        if last_id is None:
            return
        self._lent[tracker.sender_id] = (last_id, tracker)
        self._lent.move_to_end(tracker.sender_id)
        while len(self._lent) > self.cache_size:
            self._lent.popitem(last=False)
