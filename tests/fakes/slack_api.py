"""A fake Slack Web API (auth.test, chat.postMessage) on loopback, for slack_sdk's AsyncWebClient."""
from __future__ import annotations

import itertools
import time

from tests.fakes import FakeAPI, Recorded


class FakeSlackAPI(FakeAPI):
    """Answers ``/api/<method>`` like slack.com for one bot token, and records each call."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._ts = itertools.count(1)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def reply(self, request: Recorded) -> tuple[int, dict]:
        method = request.path.split("?")[0].removeprefix("/api/")
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return 200, {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return 200, {"ok": True, "user_id": "UBOT", "team_id": "T0001", "bot_id": "B0001"}
        if method == "chat.postMessage":
            if not request.params.get("channel"):
                return 200, {"ok": False, "error": "channel_not_found"}
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            message = {"type": "message", "bot_id": "B0001", "ts": ts, "text": request.params.get("text", ""),
                       "blocks": request.params.get("blocks", [])}
            return 200, {"ok": True, "channel": request.params["channel"], "ts": ts, "message": message}
        return 200, {"ok": False, "error": "unknown_method"}

    def posted(self, channel: str) -> list[dict]:
        """The chat.postMessage calls to one channel, as sent (text, blocks, ...)."""
        return [r.params for r in self.calls("/chat.postMessage") if r.params.get("channel") == channel]
