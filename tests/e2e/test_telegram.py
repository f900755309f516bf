"""Telegram: Rasa's connector (bot.rasa_ext.channels) gets real-shaped updates; its replies reach a fake Bot API."""
from __future__ import annotations

import itertools
import random
import sqlite3
import time
from contextlib import closing

import pytest
import requests

from tests.support import ChannelServers

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

_update_ids = itertools.count(random.randint(10_000, 90_000) * 1000)


def user(chat_id: int) -> dict:
    return {"id": chat_id, "is_bot": False, "first_name": "Sam", "language_code": "en"}


def text_update(chat_id: int, text: str) -> dict:
    """A private-chat text message as the Bot API posts it to a webhook."""
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": random.randint(1, 10**6), "date": int(time.time()), "from": user(chat_id),
            "chat": {"id": chat_id, "first_name": "Sam", "type": "private"}, "text": text,
        },
    }


def button_update(chat_id: int, data: str) -> dict:
    """A tap on an inline keyboard button (callback_query) under one of the bot's messages."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(random.randint(10**15, 10**16)), "from": user(chat_id), "chat_instance": "-4242", "data": data,
            "message": {
                "message_id": random.randint(1, 10**6), "date": int(time.time()),
                "from": {"id": 123456789, "is_bot": True, "first_name": "MBC Info Assistant"},
                "chat": {"id": chat_id, "first_name": "Sam", "type": "private"}, "text": "Which medicine did you mean?",
            },
        },
    }


@pytest.fixture
def chat_id() -> int:
    return random.randint(10**8, 10**9)


def post(channel_servers: ChannelServers, update: dict) -> list[dict]:
    """Posts an update to the webhook; returns what the assistant then sent to that chat."""
    chat = (update.get("message") or update["callback_query"]["message"])["chat"]["id"]
    before = len(channel_servers.telegram.sent_messages(chat))
    response = requests.post(f"{channel_servers.servers.url}/webhooks/telegram/webhook", json=update, timeout=60,
                             headers={SECRET_HEADER: channel_servers.telegram_secret_token})
    assert response.status_code == 200, response.text
    assert response.text == "success"
    return channel_servers.telegram.sent_messages(chat)[before:]


def test_webhook_was_set_at_the_fake_api(channel_servers: ChannelServers) -> None:
    calls = channel_servers.telegram.calls("/setWebhook")
    assert calls, "Rasa did not set its webhook"
    assert calls[0].params["url"] == channel_servers.env["TELEGRAM_WEBHOOK_URL"]
    assert calls[0].params["secret_token"] == channel_servers.telegram_secret_token


def test_drug_question_is_answered_in_the_chat(channel_servers: ChannelServers, chat_id: int) -> None:
    sent = post(channel_servers, text_update(chat_id, "what is ibrance"))
    texts = "\n".join(m["text"] for m in sent)
    assert "palbociclib" in texts.lower()
    assert "Source:" in texts
    helpful = [m for m in sent if m["text"] == "Was this helpful?"]
    assert helpful, texts
    keyboard = helpful[0]["reply_markup"]["inline_keyboard"]
    assert [b["text"] for row in keyboard for b in row] == ["Yes", "No"]
    assert all(b["callback_data"].startswith("/") for row in keyboard for b in row)


def test_buttons_are_an_inline_keyboard_and_a_tap_is_answered(channel_servers: ChannelServers, chat_id: int) -> None:
    sent = post(channel_servers, text_update(chat_id, "what is letrozol anastrozol"))
    question = next(m for m in sent if m["reply_markup"])
    assert question["text"] == "Which medicine did you mean?"
    buttons = [b for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["letrozole (Femara)", "anastrozole (Arimidex)"]

    sent = post(channel_servers, button_update(chat_id, buttons[1]["callback_data"]))
    texts = "\n".join(m["text"] for m in sent).lower()
    assert "anastrozole" in texts and "aromatase" in texts


def test_red_flag_gets_the_urgent_answer(channel_servers: ChannelServers, chat_id: int) -> None:
    sent = post(channel_servers, text_update(chat_id, "I can't breathe"))
    texts = "\n".join(m["text"] for m in sent)
    assert "911" in texts
    assert "care team" in texts


def test_an_update_for_another_bot_is_not_answered(channel_servers: ChannelServers, chat_id: int) -> None:
    """Rasa checks getMe's username against `verify`: a token of another bot gets no reply."""
    fake = channel_servers.telegram
    fake.username, real_name = "some_other_bot", fake.username
    try:
        response = requests.post(f"{channel_servers.servers.url}/webhooks/telegram/webhook",
                                 json=text_update(chat_id, "what is ibrance"), timeout=60,
                                 headers={SECRET_HEADER: channel_servers.telegram_secret_token})
    finally:
        fake.username = real_name
    assert response.text == "failed"
    assert fake.sent_messages(chat_id) == []


@pytest.mark.parametrize("header", [None, "", "wrong-secret", "test-webhook-secret_012345678"],
                         ids=["missing", "empty", "wrong", "one-character-short"])
def test_a_request_without_the_secret_token_is_refused_and_nothing_is_done(
        channel_servers: ChannelServers, chat_id: int, header: str | None) -> None:
    """Anyone can post to the webhook URL; only Telegram knows the secret token set with setWebhook."""
    fake = channel_servers.telegram
    calls_before = len(fake.requests)
    headers = {} if header is None else {SECRET_HEADER: header}
    response = requests.post(f"{channel_servers.servers.url}/webhooks/telegram/webhook",
                             json=text_update(chat_id, "I can't breathe"), headers=headers, timeout=60)
    assert response.status_code == 403
    time.sleep(0.5)  # anything the assistant did would have reached the fake API by now
    assert fake.requests[calls_before:] == []  # no getMe, no sendMessage
    assert fake.sent_messages(chat_id) == []
    assert tracker_rows(channel_servers, chat_id) == 0  # nothing processed: no event stored for that chat
    # The same update with the right token is answered (the refusal was the token, not the update).
    sent = post(channel_servers, text_update(chat_id, "I can't breathe"))
    assert "911" in "\n".join(m["text"] for m in sent)
    assert tracker_rows(channel_servers, chat_id) > 0


def tracker_rows(channel_servers: ChannelServers, chat_id: int) -> int:
    with closing(sqlite3.connect(channel_servers.servers.tracker_db)) as db:
        return db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (str(chat_id),)).fetchone()[0]
