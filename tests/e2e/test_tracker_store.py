"""The tracker store keeps a conversation in memory between turns, and never serves a stale one.

Real SQLite files; two store objects on one file stand for two `rasa run` instances.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.ops.retention import prune
from bot.rasa_ext.tracker_store import CachedSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
slots:
  drug:
    type: text
    mappings:
      - type: custom
"""
)


def _store(db: Path) -> CachedSQLTrackerStore:
    return CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))


def _tracker(sender: str, text: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text, {"name": "ask_drug_what"}))
    return tracker


async def test_the_next_turn_gets_the_kept_tracker(tmp_path: Path) -> None:
    store = _store(tmp_path / "tracker.db")
    tracker = _tracker("patient", "what is letrozole")
    tracker.update(SlotSet("drug", "letrozole"))
    await store.save(tracker)

    again = await store.retrieve("patient")

    assert again is tracker  # no database read, the same object lent out
    assert again.get_slot("drug") == "letrozole"


async def test_a_turn_served_elsewhere_forces_a_reload(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    here, elsewhere = _store(db), _store(db)
    await here.save(_tracker("patient", "what is letrozole"))
    other_turn = await elsewhere.retrieve("patient")
    other_turn.update(SlotSet("drug", "anastrozole"))
    await elsewhere.save(other_turn)

    reloaded = await here.retrieve("patient")

    assert reloaded.get_slot("drug") == "anastrozole"
    assert len(reloaded.events) == len(other_turn.events)


async def test_a_failed_turn_leaves_nothing_in_memory(tmp_path: Path) -> None:
    store = _store(tmp_path / "tracker.db")
    await store.save(_tracker("patient", "what is letrozole"))
    lent = await store.retrieve("patient")
    lent.update(SlotSet("drug", "exemestane"))  # the turn fails here: never saved

    fresh = await store.retrieve("patient")

    assert fresh is not lent
    assert fresh.get_slot("drug") is None


async def test_deleted_conversations_are_not_served_from_memory(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    store = _store(db)
    await store.save(_tracker("patient", "what is letrozole"))

    assert prune(f"sqlite:///{db}", days=0, now=10**10) > 0

    assert await store.retrieve("patient") is None


async def test_sqlite_commits_do_not_wait_for_the_disk(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    store = _store(db)
    await store.save(_tracker("patient", "hi"))

    with store.engine.connect() as connection:
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    assert synchronous == 1  # NORMAL
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
