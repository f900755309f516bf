"""A fake Telegram Bot API (getMe, setWebhook, sendMessage) on loopback, for aiogram's Bot."""
from __future__ import annotations

import itertools
import json
import time

from tests.fakes import FakeAPI, Recorded


class FakeTelegramAPI(FakeAPI):
    """Answers ``/bot<token>/<method>`` like api.telegram.org for one bot, and records each call."""

    def __init__(self, token: str, username: str) -> None:
        super().__init__()
        self.token = token
        self.username = username
        self._message_ids = itertools.count(1)

    def reply(self, request: Recorded) -> tuple[int, dict]:
        prefix = f"/bot{self.token}/"
        if not request.path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = request.path[len(prefix):].split("?")[0].lower()
        params = request.params
        if method == "getme":
            bot = {"id": int(self.token.split(":")[0]), "is_bot": True, "first_name": "MBC Info Assistant",
                   "username": self.username}
            return 200, {"ok": True, "result": bot}
        if method in ("setwebhook", "deletewebhook"):
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        if method == "sendmessage":
            message = {"message_id": next(self._message_ids), "date": int(time.time()),
                       "chat": {"id": int(params["chat_id"]), "type": "private"}, "text": params.get("text", "")}
            if params.get("reply_markup"):
                message["reply_markup"] = json.loads(params["reply_markup"])
            return 200, {"ok": True, "result": message}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    def sent_messages(self, chat_id: int) -> list[dict]:
        """The sendMessage calls to one chat: text and, if any, the decoded reply_markup."""
        return [
            {"text": r.params.get("text", ""), "reply_markup": json.loads(r.params.get("reply_markup") or "null")}
            for r in self.calls("/sendMessage") if str(r.params.get("chat_id")) == str(chat_id)
        ]
