"""The tracker store keeps a conversation in memory between turns, and never serves a stale one.

Real SQLite files; two store objects on one file stand for two `rasa run` instances.
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.contract import CONVERSATION_DELETED_SLOT
from bot.ops.retention import prune
from bot.rasa_ext.tracker_store import CachedSQLTrackerStore, holds_only_its_latest_session
from bot.reports.feedback import helpful_by_topic

DOMAIN = Domain.from_yaml(
    """
slots:
  drug:
    type: text
    mappings:
      - type: custom
  last_topic:
    type: text
    mappings:
      - type: custom
  conversation_deleted:
    type: bool
    influence_conversation: false
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


# ---------------------------------------------------------------- a new session (issue 16)
def _turn(tracker: DialogueStateTracker, text: str, reply: str) -> None:
    """One turn as Rasa's processor logs it: the user's message, an answer, back to listening."""
    tracker.update(UserUttered(text, {"name": "ask_drug_what"}))
    tracker.update(ActionExecuted("utter_answer"))
    tracker.update(BotUttered(reply))
    tracker.update(ActionExecuted("action_listen"))


def _start_session(tracker: DialogueStateTracker) -> None:
    """What Rasa's `action_session_start` adds (SessionStarted is made before the action is logged)."""
    started = SessionStarted()
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(started)
    tracker.update(ActionExecuted("action_listen"))


def _rows(db: Path, sender: str) -> tuple[int, int]:
    """(rows, distinct rows) of a conversation: a duplicated event is a second row with the same data."""
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT count(*), count(DISTINCT data) FROM events WHERE sender_id = ?", (sender,)).fetchone()


async def _converse_across_a_session_boundary(stores: list[CachedSQLTrackerStore], db: Path) -> tuple[int, int, int]:
    """Two turns, a new session, five more turns; with two stores (instances), two turns each in turn."""
    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    _start_session(tracker)
    events = 0
    for turn in range(7):
        store = stores[(turn // 2) % len(stores)]
        tracker = await store.retrieve("patient") or tracker
        if turn == 2:
            _start_session(tracker)
        _turn(tracker, f"question {turn}", f"answer {turn}")
        await store.save(tracker)
        events += 4 + (3 if turn in (0, 2) else 0)
    rows, distinct = _rows(db, "patient")
    return rows, distinct, events


async def test_a_new_session_does_not_duplicate_events_on_one_instance(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    rows, distinct, events = await _converse_across_a_session_boundary([_store(db)], db)
    assert (rows, distinct) == (events, events) == (34, 34)


async def test_a_new_session_does_not_duplicate_events_on_two_instances(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    rows, distinct, events = await _converse_across_a_session_boundary([_store(db), _store(db)], db)
    assert (rows, distinct) == (events, events) == (34, 34)


async def test_the_turn_after_a_new_session_reads_only_the_new_session(tmp_path: Path) -> None:
    store = _store(tmp_path / "tracker.db")
    tracker = _tracker("patient", "what is letrozole")
    await store.save(tracker)
    tracker = await store.retrieve("patient")
    _start_session(tracker)
    _turn(tracker, "hello again", "hi")
    await store.save(tracker)  # holds both sessions: not kept

    again = await store.retrieve("patient")

    assert again is not tracker
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["hello again"]


def test_only_a_tracker_of_one_latest_session_is_kept() -> None:
    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    _start_session(tracker)
    _turn(tracker, "one", "1")
    assert holds_only_its_latest_session(tracker.events)
    _start_session(tracker)
    assert not holds_only_its_latest_session(tracker.events)
    assert holds_only_its_latest_session([])


# ---------------------------------------------------------------- "delete my conversation" (issue 16)
async def test_a_turn_that_deletes_the_conversation_removes_every_event_of_the_sender(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    here, elsewhere = _store(db), _store(db)
    tracker = _tracker("patient", "what is letrozole")
    await here.save(tracker)
    await here.save(_tracker("someone else", "hello"))
    tracker = await here.retrieve("patient")
    _start_session(tracker)
    _turn(tracker, "delete my conversation", "are you sure?")
    await here.save(tracker)
    assert _rows(db, "patient")[0] > 4
    kept_elsewhere = await elsewhere.retrieve("patient")

    tracker = await here.retrieve("patient")
    tracker.update(SlotSet(CONVERSATION_DELETED_SLOT, True))
    await here.save(tracker)

    assert _rows(db, "patient") == (0, 0)
    assert _rows(db, "someone else")[0] == 2  # only that sender's events
    assert await here.retrieve("patient") is None
    assert kept_elsewhere is not None  # the other instance had it in memory ...
    assert await elsewhere.retrieve("patient") is None  # ... and does not serve it any more


async def test_a_deleted_conversation_leaves_only_an_anonymous_feedback_tally(tmp_path: Path) -> None:
    """make report may keep counting its "Was this helpful?" answers, as counts per topic and nothing more."""
    db = tmp_path / "tracker.db"
    store = _store(db)
    tracker = _tracker("patient", "what is letrozole")
    tracker.update(SlotSet("last_topic", "letrozole"))
    tracker.update(UserUttered("/feedback_helpful", {"name": "feedback_helpful"}))
    tracker.update(SlotSet("last_topic", "pain/coping"))
    tracker.update(UserUttered("/feedback_not_helpful", {"name": "feedback_not_helpful"}))
    await store.save(tracker)
    await store.save(_kept_feedback("someone else"))
    assert helpful_by_topic(f"sqlite:///{db}") == {"letrozole": Counter({True: 2}), "pain/coping": {False: 1}}

    tracker = await store.retrieve("patient")
    tracker.update(SlotSet(CONVERSATION_DELETED_SLOT, True))
    await store.save(tracker)

    assert _rows(db, "patient") == (0, 0)
    assert helpful_by_topic(f"sqlite:///{db}") == {"letrozole": Counter({True: 2}), "pain/coping": {False: 1}}
    with sqlite3.connect(db) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(feedback_tally)")]
        tally = sorted(connection.execute("SELECT * FROM feedback_tally"))
    assert columns == ["topic", "helpful", "not_helpful"]  # no sender, no time, no text
    assert tally == [("letrozole", 1, 0), ("pain/coping", 0, 1)]


def _kept_feedback(sender: str) -> DialogueStateTracker:
    tracker = _tracker(sender, "what is letrozole")
    tracker.update(SlotSet("last_topic", "letrozole"))
    tracker.update(UserUttered("/feedback_helpful", {"name": "feedback_helpful"}))
    return tracker
