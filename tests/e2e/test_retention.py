"""`make prune DAYS=N` (python -m bot.ops.retention) deletes old events from a real SQLite tracker store."""
import subprocess
import sys
import time

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from tests.support import ROOT, server_env

DAY = 86_400


def conversation(sender: str, start: float) -> DialogueStateTracker:
    events = [ActionExecuted("action_session_start", timestamp=start), SessionStarted(timestamp=start + 1),
              ActionExecuted("action_listen", timestamp=start + 2),
              UserUttered("what is letrozole", {"name": "ask_drug_what"}, timestamp=start + 3),
              BotUttered("Letrozole (Femara). ...", timestamp=start + 4)]
    return DialogueStateTracker.from_events(sender, events)


async def test_prune_deletes_only_events_older_than_n_days(tmp_path):
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    now = time.time()
    await store.save(conversation("old", now - 45 * DAY))
    await store.save(conversation("recent", now - 2 * DAY))
    url = f"sqlite:///{db}"

    def prune(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot.ops.retention", "--db-url", url, *args], cwd=ROOT,
                              env=server_env(), capture_output=True, text=True, timeout=60, check=True)

    assert "would delete 5 events" in prune("--days", "30", "--dry-run").stdout
    assert "deleted 5 events older than 30 days" in prune("--days", "30").stdout
    assert list(await store.keys()) == ["recent"]
    recent = await store.retrieve("recent")
    assert recent is not None and recent.latest_message.text == "what is letrozole"
    assert "deleted 0 events" in prune("--days", "30").stdout
    assert "deleted 5 events" in prune("--days", "0").stdout
    assert list(await store.keys()) == []


def test_prune_explains_a_bad_database_in_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot.ops.retention", "--days", "30", "--db-url",
                             "postgresql://rasa:secret@127.0.0.1:9/rasa"], cwd=ROOT, env=server_env(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("retention: ")
    assert "secret" not in result.stderr
