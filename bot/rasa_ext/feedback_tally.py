"""The "Was this helpful?" answers by topic, and the anonymous tally a deleted conversation leaves behind.

`make report` (bot/reports/feedback.py) counts the answers in the tracker store's `events`. When a user
deletes their conversation (tracker_store.py), its answers are added to the table `feedback_tally`
first: one row per topic with two counts, no sender, no time, no text. Nothing more is kept.
No rasa import here: SQLAlchemy only.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable

import sqlalchemy as sa

from bot.contract import LAST_TOPIC_SLOT

# The feedback buttons' intents (domain.yml utter_ask_helpful), as make report has always read them.
FEEDBACK = {"feedback_helpful": True, "feedback_not_helpful": False}
FEEDBACK_TALLY_TABLE = "feedback_tally"
METADATA = sa.MetaData()
TALLY = sa.Table(
    FEEDBACK_TALLY_TABLE, METADATA,
    sa.Column("topic", sa.String(255), primary_key=True),
    sa.Column("helpful", sa.Integer, nullable=False, default=0),
    sa.Column("not_helpful", sa.Integer, nullable=False, default=0),
)
EVENTS_QUERY = ("SELECT sender_id, type_name, intent_name, data FROM events "
                "WHERE type_name IN ('slot', 'user'){where} ORDER BY sender_id, timestamp, id")


def count_feedback(rows: Iterable[tuple[str, str, str | None, str]]) -> dict[str, Counter]:
    """Topic -> Counter({True: helpful, False: not helpful}) from (sender, type, intent, data) event rows.

    An answer counts for the topic or drug of the answer it followed (the `last_topic` slot).
    """
    counts: dict[str, Counter] = defaultdict(Counter)
    last_topic: dict[str, str | None] = {}
    for sender, kind, intent, data in rows:
        if kind == "slot":
            event = json.loads(data)
            if event.get("name") == LAST_TOPIC_SLOT:
                last_topic[sender] = event.get("value")
        elif intent in FEEDBACK and last_topic.get(sender):
            counts[last_topic[sender]][FEEDBACK[intent]] += 1
    return counts


def feedback_of(connection: sa.engine.Connection, sender_id: str | None = None) -> dict[str, Counter]:
    """The answers in the `events` table: of one sender, or of everyone."""
    if sender_id is None:
        return count_feedback(connection.execute(sa.text(EVENTS_QUERY.format(where=""))))
    query = sa.text(EVENTS_QUERY.format(where=" AND sender_id = :sender"))
    return count_feedback(connection.execute(query, {"sender": sender_id}))


def add_to_tally(connection: sa.engine.Connection, counts: dict[str, Counter]) -> None:
    """Add counts to the anonymous tally (created if missing)."""
    if not counts:
        return
    METADATA.create_all(connection)
    for topic, counter in counts.items():
        helpful, not_helpful = counter[True], counter[False]
        updated = connection.execute(
            TALLY.update().where(TALLY.c.topic == topic).values(
                helpful=TALLY.c.helpful + helpful, not_helpful=TALLY.c.not_helpful + not_helpful)
        ).rowcount
        if not updated:
            connection.execute(TALLY.insert().values(topic=topic, helpful=helpful, not_helpful=not_helpful))


def read_tally(connection: sa.engine.Connection) -> dict[str, Counter]:
    """The anonymous tally, as `count_feedback` gives it; empty when there is none."""
    if not sa.inspect(connection).has_table(FEEDBACK_TALLY_TABLE):
        return {}
    return {topic: Counter({True: helpful, False: not_helpful})
            for topic, helpful, not_helpful in connection.execute(sa.select(TALLY.c.topic, TALLY.c.helpful,
                                                                            TALLY.c.not_helpful))}
