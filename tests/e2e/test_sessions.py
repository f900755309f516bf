"""A conversation that crosses a session boundary is stored once, event for event (issue 16), and the
store prunes old conversations by itself: real `rasa run` servers, SQLite and PostgreSQL, one and two instances.

The servers run a copy of the trained model whose sessions end after SESSION_MINUTES idle
(tests/support.py: model_with_session_expiry), so a new session really starts mid-test. Before the
fix, the cached tracker store re-inserted earlier events on every turn after that (49 rows for 34
events in tests/e2e/test_tracker_store.py's in-process version).
"""
from __future__ import annotations

import asyncio
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.ops.scale import Stack, missing_binaries
from tests.support import Chat, Servers, model_with_session_expiry, train_if_needed

SESSION_MINUTES = 0.1  # 6 s without a message ends a session
SESSION_IDLE_S = SESSION_MINUTES * 60 + 2
DAY = 86_400
BEFORE = ["what is letrozole", "how is it given?"]
AFTER = ["what is ibrance", "what side effects does it have", "who is it for?", "thanks",
         "what does remission mean"]
COUNTS = """SELECT count(*), count(DISTINCT data), sum(CASE WHEN type_name = 'user' THEN 1 ELSE 0 END),
                   sum(CASE WHEN type_name = 'session_started' THEN 1 ELSE 0 END)
            FROM events WHERE sender_id = {mark}"""


def converse_across_a_session(urls: list[str], sender: str) -> list[str]:
    """Two turns, a pause that ends the session, five turns; with two instances, two turns each in turn."""
    replies = []
    for turn, text in enumerate(BEFORE + AFTER):
        if turn == len(BEFORE):
            time.sleep(SESSION_IDLE_S)
        replies.append(Chat(urls[(turn // 2) % len(urls)], sender).say(text))
    return replies


def check_stored_once(counts: tuple[int, int, int, int], replies: list[str]) -> None:
    rows, distinct, users, sessions = counts
    print(f"\nrows {rows}, distinct events {distinct}, user messages {users}, sessions {sessions}")
    assert sessions == 2, "the pause did not start a new session"
    assert users == len(BEFORE) + len(AFTER)
    assert rows == distinct, f"{rows - distinct} events stored twice"
    assert "palbociclib" in replies[len(BEFORE)] and "letrozole" in replies[0]
    assert "palbociclib" in replies[len(BEFORE) + 1], "the new session lost the conversation's drug"


# ---------------------------------------------------------------- SQLite
def seed(db: Path) -> None:
    """An old (45 days) and a recent (2 days) conversation, stored by Rasa's own SQL store."""
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    for sender, age in (("retention-old", 45 * DAY), ("retention-recent", 2 * DAY)):
        start = time.time() - age
        events = [ActionExecuted("action_session_start", timestamp=start), SessionStarted(timestamp=start),
                        ActionExecuted("action_listen", timestamp=start + 1),
                        UserUttered("what is letrozole", {"name": "ask_drug_what"}, timestamp=start + 2)]
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    store.engine.dispose()


def sqlite_senders(db: Path) -> set[str]:
    with closing(sqlite3.connect(db)) as connection:
        return {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}


@pytest.fixture(scope="module")
def short_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    train_if_needed()
    return model_with_session_expiry(tmp_path_factory.mktemp("short-session-model"), SESSION_MINUTES)


@pytest.fixture(scope="module")
def sqlite_pair(tmp_path_factory: pytest.TempPathFactory, short_model: Path) -> Iterator[list[Servers]]:
    """Two `rasa run` on one SQLite file (one action server); the file starts with an old and a recent conversation."""
    db = tmp_path_factory.mktemp("shared-db") / "tracker.db"
    seed(db)
    env = {"RETENTION_INTERVAL_S": "3"}  # "once a day", every 3 s here
    first = Servers(tmp_path_factory.mktemp("sqlite-a"), env=env, model=short_model, tracker_db=db)
    second = Servers(tmp_path_factory.mktemp("sqlite-b"), env=env, model=short_model, tracker_db=db,
                     actions_port=first.actions_port)
    try:
        first.start_actions()
        first.start_rasa()
        second.start_rasa()
        yield [first, second]
    finally:
        second.stop_all()
        first.stop_all()


def sqlite_counts(db: Path, sender: str) -> tuple[int, int, int, int]:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(COUNTS.format(mark="?"), (sender,)).fetchone()


def test_sqlite_one_instance_stores_each_event_once_across_a_new_session(sqlite_pair: list[Servers]) -> None:
    sender = f"session-{uuid.uuid4().hex}"
    replies = converse_across_a_session([sqlite_pair[0].url], sender)
    check_stored_once(sqlite_counts(sqlite_pair[0].tracker_db, sender), replies)


def test_sqlite_two_instances_store_each_event_once_across_a_new_session(sqlite_pair: list[Servers]) -> None:
    sender = f"session-{uuid.uuid4().hex}"
    replies = converse_across_a_session([s.url for s in sqlite_pair], sender)
    check_stored_once(sqlite_counts(sqlite_pair[0].tracker_db, sender), replies)


def test_old_conversations_are_pruned_at_start_and_while_running(sqlite_pair: list[Servers]) -> None:
    """RETENTION_DAYS defaults to 30: the 45-day-old conversation was gone when the servers came up."""
    db = sqlite_pair[0].tracker_db
    senders = sqlite_senders(db)
    assert "retention-old" not in senders and "retention-recent" in senders
    seed_later = "retention-old-while-running"
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, '{}')",
                           (seed_later, time.time() - 31 * DAY))
    assert seed_later in sqlite_senders(db)
    deadline = time.monotonic() + 20
    while seed_later in sqlite_senders(db) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert seed_later not in sqlite_senders(db), "the running server did not prune again"
    assert "retention-recent" in sqlite_senders(db)
    assert "letrozole" in Chat(sqlite_pair[0].url).say("what is letrozole")  # and it still serves


# ---------------------------------------------------------------- PostgreSQL
MISSING = missing_binaries()


@pytest.fixture(scope="module")
def pg_stack(tmp_path_factory: pytest.TempPathFactory, short_model: Path) -> Iterator[Stack]:
    if MISSING and os.environ.get("CI") != "true":
        pytest.skip(f"needs {', '.join(MISSING)}: apt-get install postgresql redis-server nginx")
    stack = Stack(tmp_path_factory.mktemp("pg-sessions"), model=short_model)
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


def pg_counts(stack: Stack) -> Callable[[str], tuple[int, int, int, int]]:
    def counts(sender: str) -> tuple[int, int, int, int]:
        with closing(psycopg2.connect(stack.db_url)) as db, db.cursor() as cursor:
            cursor.execute(COUNTS.format(mark="%s"), (sender,))
            return tuple(cursor.fetchone())
    return counts


def test_postgresql_one_instance_stores_each_event_once_across_a_new_session(pg_stack: Stack) -> None:
    sender = f"session-{uuid.uuid4().hex}"
    replies = converse_across_a_session(pg_stack.instance_urls[:1], sender)
    check_stored_once(pg_counts(pg_stack)(sender), replies)


def test_postgresql_two_instances_store_each_event_once_across_a_new_session(pg_stack: Stack) -> None:
    sender = f"session-{uuid.uuid4().hex}"
    replies = converse_across_a_session(pg_stack.instance_urls, sender)
    check_stored_once(pg_counts(pg_stack)(sender), replies)


def test_postgresql_delete_my_conversation_on_two_instances(pg_stack: Stack) -> None:
    """Asked on one instance, confirmed on the other; the first then has nothing of it left to serve."""
    a, b = pg_stack.instance_urls
    sender = f"delete-{uuid.uuid4().hex}"
    count = pg_counts(pg_stack)
    assert "letrozole" in Chat(a, sender).say("what is letrozole")
    assert "thank you" in Chat(a, sender).say("/feedback_helpful")
    assert "saved" in Chat(b, sender).say('add "should I get a biopsy?" to my questions')
    before = count(sender)[0]
    assert "yes, delete it" in Chat(a, sender).say("forget me")
    assert "deleted" in Chat(b, sender).say("/confirm_delete_conversation")
    print(f"\nPostgreSQL: {before} events before, {count(sender)[0]} after")
    assert before > 10 and count(sender)[0] == 0
    assert "empty" in Chat(a, sender).say("show my questions")  # a fresh conversation on the other instance
    assert count(sender)[2] == 1
    with closing(psycopg2.connect(pg_stack.db_url)) as db, db.cursor() as cursor:
        cursor.execute("SELECT topic, helpful, not_helpful FROM feedback_tally")
        assert ("letrozole", 1, 0) in cursor.fetchall()  # the anonymous tally, nothing more
