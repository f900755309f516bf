"""Retention by default: conversation events older than RETENTION_DAYS (default 30) are deleted.

The tracker store (tracker_store.py) prunes when `rasa run` starts (so at every `make run`,
`make serve` and `make scale`) and then once every RETENTION_INTERVAL_S seconds (a day) while
it runs. `make prune DAYS=N` (bot/ops/retention.py) does the same by hand. No rasa import here:
SQLAlchemy on the `events` table only.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping

import sqlalchemy as sa

SECONDS_PER_DAY = 86_400
DEFAULT_DAYS = 30.0
DAYS_VARIABLE = "RETENTION_DAYS"  # "off" keeps everything (not recommended for health data)
INTERVAL_VARIABLE = "RETENTION_INTERVAL_S"  # how often a running server prunes again (tests shorten it)
OFF = "off"
logger = logging.getLogger(__name__)


def prune_engine(engine: sa.engine.Engine, days: float, now: float | None = None, dry_run: bool = False) -> int:
    """Delete (or with dry_run only count) the events older than `days`; return how many."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    try:
        events = sa.Table("events", sa.MetaData(), autoload_with=engine)
    except sa.exc.NoSuchTableError:
        return 0
    old = events.c.timestamp < cutoff
    with engine.begin() as connection:
        if dry_run:
            return connection.execute(sa.select(sa.func.count()).select_from(events).where(old)).scalar_one()
        return connection.execute(events.delete().where(old)).rowcount


def prune(url: str, days: float, now: float | None = None, dry_run: bool = False) -> int:
    """`prune_engine` on the database at an SQLAlchemy URL."""
    engine = sa.create_engine(url)
    try:
        return prune_engine(engine, days, now, dry_run)
    finally:
        engine.dispose()


def retention_days(env: Mapping[str, str] = os.environ) -> float | None:
    """RETENTION_DAYS as a number of days (default 30), or None when it is "off"."""
    raw = (env.get(DAYS_VARIABLE) or "").strip().lower()
    if raw == OFF:
        return None
    days = float(raw) if raw else DEFAULT_DAYS
    if days < 0:
        raise ValueError(f"{DAYS_VARIABLE} must be 0 or more, or '{OFF}'")
    return days


def interval_seconds(env: Mapping[str, str] = os.environ) -> float:
    """RETENTION_INTERVAL_S (default: a day)."""
    return float(env.get(INTERVAL_VARIABLE) or SECONDS_PER_DAY)


class RetentionSchedule:
    """Prunes now, then every `interval` seconds in a daemon thread, until `stop()`."""

    def __init__(self, engine: sa.engine.Engine, days: float, interval: float,
                 after_prune: Callable[[int], None] = lambda deleted: None) -> None:
        self.engine, self.days, self.interval, self.after_prune = engine, days, interval, after_prune
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)

    def run_once(self) -> int:
        deleted = prune_engine(self.engine, self.days)
        self.runs += 1
        if deleted:
            logger.info("Retention: deleted %d tracker events older than %g days.", deleted, self.days)
        self.after_prune(deleted)
        return deleted

    def start(self) -> RetentionSchedule:
        """Prune once now (in the caller's thread, so `rasa run` starts pruned), then on schedule."""
        self.run_once()
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.run_once()
            except sa.exc.SQLAlchemyError as error:  # the database may be briefly away; try again next time
                logger.warning("Retention: pruning failed (%s); trying again in %g s.", type(error).__name__,
                               self.interval)

    def stop(self) -> None:
        self._stop.set()
