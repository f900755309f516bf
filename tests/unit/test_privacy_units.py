"""Privacy (issue 16), the parts without Rasa: the flood limiter and retention's schedule and settings."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.rasa_ext.flood import FloodLimiter, limiter_from_env
from bot.rasa_ext.retention import (
    DEFAULT_DAYS,
    SECONDS_PER_DAY,
    RetentionSchedule,
    interval_seconds,
    prune_engine,
    retention_days,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_sender_gets_its_burst_then_one_message_per_refill() -> None:
    clock = Clock()
    limiter = FloodLimiter(burst=5, rate=1.0, clock=clock)
    assert [limiter.allow("a") for _ in range(7)] == [True] * 5 + [False] * 2
    clock.now += 1.0
    assert [limiter.allow("a") for _ in range(2)] == [True, False]
    clock.now += 60  # a pause refills the bucket, but never beyond the burst
    assert sum(limiter.allow("a") for _ in range(10)) == 5


def test_one_flooding_sender_does_not_use_up_anothers_budget() -> None:
    limiter = FloodLimiter(burst=3, rate=0.5, clock=Clock())
    assert sum(limiter.allow("flood") for _ in range(200)) == 3
    assert all(limiter.allow("person") for _ in range(3))


def test_a_person_typing_is_never_limited() -> None:
    clock = Clock()
    limiter = FloodLimiter(clock=clock)  # the defaults: 20 at once, then 1 a second
    for _ in range(500):
        assert limiter.allow("person")
        clock.now += 2.0  # a message every two seconds, for a quarter of an hour


def test_idle_senders_are_forgotten_when_there_are_many(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.rasa_ext.flood.MAX_SENDERS", 10)
    clock = Clock()
    limiter = FloodLimiter(burst=2, rate=1.0, clock=clock)
    for n in range(10):
        limiter.allow(f"old-{n}")
    clock.now += 10
    limiter.allow("new")
    assert list(limiter._buckets) == ["new"]


def test_the_limit_comes_from_the_environment() -> None:
    assert limiter_from_env({"FLOOD_RATE": "off"}) is None
    default = limiter_from_env({})
    assert (default.burst, default.rate) == (20, 1)
    custom = limiter_from_env({"FLOOD_BURST": "5", "FLOOD_RATE": "0.5"})
    assert (custom.burst, custom.rate) == (5, 0.5)
    with pytest.raises(ValueError):
        FloodLimiter(burst=0)


def test_retention_is_on_by_default() -> None:
    assert retention_days({}) == DEFAULT_DAYS == 30
    assert retention_days({"RETENTION_DAYS": "7"}) == 7
    assert retention_days({"RETENTION_DAYS": "off"}) is None
    assert interval_seconds({}) == SECONDS_PER_DAY
    with pytest.raises(ValueError):
        retention_days({"RETENTION_DAYS": "-1"})


def _events_table(db: Path) -> sa.engine.Engine:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, timestamp REAL)")
    return engine


def _add(engine: sa.engine.Engine, sender: str, age_days: float) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO events (sender_id, timestamp) VALUES (?, ?)",
                                   (sender, time.time() - age_days * SECONDS_PER_DAY))


def _senders(engine: sa.engine.Engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(r[0] for r in connection.exec_driver_sql("SELECT DISTINCT sender_id FROM events"))


def test_the_schedule_prunes_at_start_and_again_while_running(tmp_path: Path) -> None:
    engine = _events_table(tmp_path / "tracker.db")
    _add(engine, "old", 45)
    _add(engine, "recent", 2)
    pruned: list[int] = []
    schedule = RetentionSchedule(engine, days=30, interval=0.2, after_prune=pruned.append).start()
    try:
        assert _senders(engine) == ["recent"]  # pruned before start() returned
        _add(engine, "old again", 31)
        deadline = time.monotonic() + 10
        while "old again" in _senders(engine) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _senders(engine) == ["recent"]
        assert schedule.runs >= 2 and pruned[0] == 1 and 1 in pruned[1:]
    finally:
        schedule.stop()


def test_prune_counts_without_deleting_on_a_dry_run(tmp_path: Path) -> None:
    engine = _events_table(tmp_path / "tracker.db")
    _add(engine, "old", 40)
    assert prune_engine(engine, 30, dry_run=True) == 1
    assert _senders(engine) == ["old"]
    assert prune_engine(engine, 30) == 1
    assert _senders(engine) == []
