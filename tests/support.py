"""What the end-to-end tests share: the trained assistant and its action server, run for real on loopback."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Sequence
from pathlib import Path

import requests
import yaml

from bot.ops.deploy import endpoints
from bot.ops.processes import free_port, server_env, stop_process, wait_until
from bot.paths import ROOT

TEST_DATA = ROOT / "tests" / "data"
VENV_BIN = Path(sys.executable).parent
START_TIMEOUT_S = 240


def load_test_data(name: str):
    return yaml.safe_load((TEST_DATA / name).read_text(encoding="utf-8"))


class Servers:
    """A running action server and `rasa run` with the REST channel.

    Optionally with another credentials file, extra environment variables and extra `rasa run` arguments.
    """

    def __init__(self, workdir: Path, credentials: Path | None = None, env: dict[str, str] | None = None,
                 rasa_args: Sequence[str] = (), model: Path | None = None, tracker_db: Path | None = None,
                 actions_port: int | None = None) -> None:
        self.workdir = workdir
        self.credentials = credentials or ROOT / "credentials.yml"
        self.env = dict(server_env(), **(env or {}))
        self.rasa_args = list(rasa_args)
        self.rasa_port = free_port()
        self.actions_port = actions_port or free_port()  # another Servers' action server, if given
        self.procs: list[subprocess.Popen] = []
        self.endpoints = workdir / "endpoints.yml"
        self.tracker_db = tracker_db or workdir / "tracker.db"  # several instances may share one file
        self.model = model or ROOT / "models"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def write_endpoints(self) -> None:
        config = endpoints({"ACTIONS_URL": f"http://127.0.0.1:{self.actions_port}/webhook"})
        config["tracker_store"]["db"] = str(self.tracker_db)  # endpoints.yml's SQLite store, in a temp folder
        self.endpoints.write_text(yaml.safe_dump(config))

    def start_actions(self) -> None:
        log = open(self.workdir / "actions.log", "ab")
        self.actions = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(self.actions_port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        self.procs.append(self.actions)
        wait_until(lambda: requests.get(f"http://127.0.0.1:{self.actions_port}/health", timeout=2).ok,
                   60, "action server", [self.actions])

    def start_rasa(self) -> None:
        self.write_endpoints()
        log = open(self.workdir / "rasa.log", "ab")
        self.rasa = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "-i", "127.0.0.1", "-p", str(self.rasa_port),
             "--model", str(self.model), "--endpoints", str(self.endpoints),
             "--credentials", str(self.credentials), *self.rasa_args],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        self.procs.append(self.rasa)
        wait_until(lambda: requests.post(f"{self.url}/webhooks/rest/webhook",
                                         json={"sender": "warmup", "message": "hello"}, timeout=30).ok,
                   START_TIMEOUT_S, "rasa server", [self.rasa])

    def stop(self, proc: subprocess.Popen) -> None:
        stop_process(proc)

    def stop_all(self) -> None:
        for proc in self.procs:
            self.stop(proc)


def model_with_session_expiry(out_dir: Path, minutes: float) -> Path:
    """A copy of the trained model whose domain ends a session after `minutes` without a message.

    Only `session_config` in the archive's metadata.json (the domain `rasa run` serves with) differs,
    so a test can cross a real session boundary in seconds instead of an hour.
    """
    source = max((ROOT / "models").glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / source.name
    changed = False
    with tarfile.open(source) as original, tarfile.open(target, "w:gz") as copy:
        for member in original.getmembers():
            content = original.extractfile(member) if member.isfile() else None
            if member.name.lstrip("./") == "metadata.json" and content is not None:
                metadata = json.loads(content.read())
                metadata["domain"]["session_config"]["session_expiration_time"] = minutes
                data = json.dumps(metadata).encode()
                member.size = len(data)
                content, changed = io.BytesIO(data), True
            copy.addfile(member, content)
    assert changed, f"{source.name} has no metadata.json"
    return target


def train_if_needed() -> None:
    """`make train`: reuses the model when neither data nor config changed."""
    subprocess.run(["make", "--no-print-directory", "train"], cwd=ROOT, check=True, env=server_env())


class Chat:
    """One conversation over the REST channel, as a user would have it."""

    def __init__(self, base_url: str, sender: str | None = None) -> None:
        self.url = f"{base_url}/webhooks/rest/webhook"
        self.sender = sender or f"test-{uuid.uuid4().hex}"

    def send(self, text: str) -> list:
        response = requests.post(self.url, json={"sender": self.sender, "message": text}, timeout=60)
        assert response.status_code == 200, f"HTTP {response.status_code} for {text!r}"
        return response.json()

    def say(self, text: str) -> str:
        """Send a message; return the bot's whole reply as one lower-cased text."""
        messages = self.send(text)
        parts = []
        for m in messages:
            parts.append(m.get("text") or "")
            parts += [b.get("title", "") for b in m.get("buttons") or []]
        return "\n".join(parts).lower()


class ChannelServers:
    """The assistant with socket.io (CORS open to a page on ``web_port``), Telegram and Slack on local fakes."""

    telegram_token = "123456789:AAE-test-token-for-the-local-fake"
    telegram_bot_name = "mbc_info_test_bot"
    telegram_secret_token = "test-webhook-secret_0123456789"
    slack_token = "xoxb-test-token-for-the-local-fake"
    slack_signing_secret = "test-signing-secret"

    def __init__(self, workdir: Path) -> None:
        from tests.fakes.slack_api import FakeSlackAPI
        from tests.fakes.telegram_api import FakeTelegramAPI

        self.telegram = FakeTelegramAPI(self.telegram_token, self.telegram_bot_name)
        self.slack = FakeSlackAPI(self.slack_token)
        self.web_port = free_port()
        self.env = {
            "TELEGRAM_TOKEN": self.telegram_token, "TELEGRAM_BOT_NAME": self.telegram_bot_name,
            "TELEGRAM_WEBHOOK_URL": "https://assistant.invalid/webhooks/telegram/webhook",
            "TELEGRAM_API_URL": self.telegram.url, "TELEGRAM_SECRET_TOKEN": self.telegram_secret_token,
            "SLACK_TOKEN": self.slack_token, "SLACK_SIGNING_SECRET": self.slack_signing_secret,
            "SLACK_API_URL": self.slack.api_url,
            "WEB_ORIGINS": self.web_origin,  # the only page socket.io accepts (the page test serves it there)
        }
        credentials = workdir / "credentials.yml"
        # The same command `make run` / `make serve` use to add the channels set in the environment.
        subprocess.run([sys.executable, "-m", "bot.ops.credentials", str(credentials)], cwd=ROOT, check=True,
                       env=dict(server_env(), **self.env))
        self.servers = Servers(workdir, credentials, self.env, ["--cors", self.web_origin])

    @property
    def web_origin(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start(self) -> None:
        self.telegram.start()
        self.slack.start()
        self.servers.start_actions()
        self.servers.start_rasa()

    def stop(self) -> None:
        self.servers.stop_all()
        for fake in (self.telegram, self.slack):
            if fake.thread.is_alive():
                fake.stop()
