"""Delete conversation events older than N days from the SQL tracker store.

Rasa keeps every event forever. The tracker store prunes by itself (RETENTION_DAYS, default 30, at start and
once a day: bot/rasa_ext/retention.py); this does it by hand. It removes the old ones from the `events` table of
the store that `make run` uses: PostgreSQL when DB_URL is set, else the SQLite file
of endpoints.yml. Conversations older than that are gone; a recent conversation
keeps its recent sessions (a session ends after 60 idle minutes).

    python -m bot.ops.retention --days 30 [--db-url URL] [--dry-run]     (make prune DAYS=30)
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from bot.ops.preflight import PreflightError, tracker_store_url
from bot.paths import ENDPOINTS_FILE, ROOT
from bot.rasa_ext.retention import prune

__all__ = ["prune", "default_url", "main"]


def default_url() -> str:
    """DB_URL if set, else the SQL tracker store of endpoints.yml."""
    if os.environ.get("DB_URL"):
        return os.environ["DB_URL"]
    url = tracker_store_url(ENDPOINTS_FILE)
    if not url:
        raise PreflightError("endpoints.yml has no SQL tracker store; give --db-url")
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_absolute():
        url = "sqlite:///" + str(ROOT / url.removeprefix("sqlite:///"))
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, required=True, help="keep the events of the last N days")
    parser.add_argument("--db-url", help="SQLAlchemy URL of the tracker store (default: DB_URL, else endpoints.yml)")
    parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    args = parser.parse_args(argv)
    try:
        url = args.db_url or default_url()
        count = prune(url, args.days, dry_run=args.dry_run)
    except (PreflightError, ValueError, sa.exc.SQLAlchemyError) as error:
        print(f"retention: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    verb = "would delete" if args.dry_run else "deleted"
    print(f"retention: {verb} {count} events older than {args.days:g} days from {sa.engine.make_url(url)!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
