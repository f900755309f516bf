"""`make report`: the helpful rate by topic, from the "Was this helpful?" answers in the tracker store.

Reads the SQL tracker store's `events` table (SQLite by default, PostgreSQL when DB_URL
is set). A feedback answer counts for the topic or drug of the answer it followed (the
`last_topic` slot that action_reply_meta sets). Deleted conversations count only through their
anonymous tally (bot/rasa_ext/feedback_tally.py).
"""
from __future__ import annotations

import argparse
import os
from collections import Counter

import sqlalchemy as sa

from bot.knowledge.answers import topic_titles
from bot.paths import TRACKER_DB
from bot.rasa_ext.feedback_tally import feedback_of, read_tally

DEFAULT_DB = f"sqlite:///{TRACKER_DB}"


def helpful_by_topic(db_url: str) -> dict[str, Counter]:
    """Topic -> Counter({True: helpful answers, False: not helpful}), deleted conversations' tally included."""
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        counts = feedback_of(connection)
        for topic, counter in read_tally(connection).items():
            counts[topic] += counter
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
