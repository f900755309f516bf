"""`make report`: the helpful rate by topic, from the "Was this helpful?" answers in the tracker store.

Reads the SQL tracker store's `events` table (SQLite by default, PostgreSQL when DB_URL
is set). A feedback answer counts for the topic or drug of the answer it followed (the
`last_topic` slot that action_reply_meta sets).
"""
from __future__ import annotations

import argparse
import json
import os
from collections import Counter, defaultdict

import sqlalchemy as sa

from bot.knowledge.answers import topic_titles
from bot.paths import TRACKER_DB

DEFAULT_DB = f"sqlite:///{TRACKER_DB}"
FEEDBACK = {"feedback_helpful": True, "feedback_not_helpful": False}


def helpful_by_topic(db_url: str) -> dict[str, Counter]:
    """Topic -> Counter({True: helpful answers, False: not helpful})."""
    engine = sa.create_engine(db_url)
    query = sa.text(
        "SELECT sender_id, type_name, intent_name, data FROM events "
        "WHERE type_name IN ('slot', 'user') ORDER BY sender_id, timestamp, id"
    )
    counts: dict[str, Counter] = defaultdict(Counter)
    last_topic: dict[str, str | None] = {}
    with engine.connect() as connection:
        for sender, kind, intent, data in connection.execute(query):
            if kind == "slot":
                event = json.loads(data)
                if event.get("name") == "last_topic":
                    last_topic[sender] = event.get("value")
            elif intent in FEEDBACK and last_topic.get(sender):
                counts[last_topic[sender]][FEEDBACK[intent]] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=os.environ.get("DB_URL", DEFAULT_DB), help="tracker store SQLAlchemy URL")
    args = parser.parse_args()
    counts = helpful_by_topic(args.db)
    titles = topic_titles()
    print(f"{'topic':<40}{'helpful':>9}{'not':>6}{'rate':>7}")
    for topic, counter in sorted(counts.items(), key=lambda item: -sum(item[1].values())):
        total = counter[True] + counter[False]
        print(f"{titles.get(topic, topic)[:39]:<40}{counter[True]:>9}{counter[False]:>6}{counter[True] / total:>7.0%}")
    answers = sum(sum(c.values()) for c in counts.values())
    helpful = sum(c[True] for c in counts.values())
    print(f"{'all topics':<40}{helpful:>9}{answers - helpful:>6}{(helpful / answers if answers else 0):>7.0%}")


if __name__ == "__main__":
    main()
