"""Privacy and channel security (issue 16) through the real servers: "delete my conversation" on the SQLite
store, flood control on one `rasa run`, socket.io's Origin check. (PostgreSQL and sessions: test_sessions.py;
Telegram's secret token: test_telegram.py; nginx's limit: test_scale.py.)"""
from __future__ import annotations

import asyncio
import base64
import os
import re
import socket
import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

import pytest
import requests
import socketio

from bot.rasa_ext.channels import allowed_origins, webhook_secret
from tests.support import ChannelServers, Chat, Servers

# What the eval (shared/eval/dev.yml, d_priv_delete) asks of the reply to "please delete my conversation".
ASKS_TO_CONFIRM = re.compile(
    r"(delet|eras)\w* (your|this|the|our) (whole )?(conversation|chat|messages|history)|are you sure|confirm")
SLOW_DOWN = "please slow down"
FOREIGN_ORIGINS = ["https://evil.example", "http://127.0.0.1:1", "null"]


def events_of(servers: Servers, sender: str) -> list[tuple[int, str]]:
    """(id, type) of every event the store holds for a sender, oldest first."""
    with closing(sqlite3.connect(servers.tracker_db)) as db:
        return db.execute("SELECT id, type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()


# ---------------------------------------------------------------- "delete my conversation"
@pytest.mark.parametrize("request_text", ["please delete my conversation", "forget me", "erase my chat",
                                          "delete this chat"])
def test_a_request_to_delete_asks_first_with_two_buttons(servers: Servers, request_text: str) -> None:
    chat = Chat(servers.url)
    chat.say("what is letrozole")
    before = events_of(servers, chat.sender)
    question = next(m for m in chat.send(request_text) if m.get("buttons"))
    assert ASKS_TO_CONFIRM.search(question["text"].lower()), question["text"]
    assert [(b["title"], b["payload"]) for b in question["buttons"]] == [
        ("Yes, delete it", "/confirm_delete_conversation"), ("No, keep it", "/cancel_delete_conversation")]
    assert events_of(servers, chat.sender)[:len(before)] == before  # asking deletes nothing


def test_delete_my_conversation_removes_every_event_and_the_questions_list(servers: Servers) -> None:
    chat = Chat(servers.url, sender=f"delete-{uuid.uuid4().hex}")
    transcript = []

    def turn(text: str) -> str:
        reply = chat.say(text)
        transcript.append(f"> {text}\n" + "\n".join(f"  {line}" for line in reply.splitlines() if line))
        return reply

    assert "letrozole" in turn("what is letrozole")
    assert "saved" in turn('add "should I get a biopsy?" to my questions')
    assert "biopsy" in turn("show my questions")
    assert "yes, delete it" in turn("delete my conversation")
    before = events_of(servers, chat.sender)
    assert "deleted" in turn("/confirm_delete_conversation")
    after = events_of(servers, chat.sender)
    transcript.insert(4, f"[events of this sender in the store: {len(before)}]")
    transcript.append(f"[events of this sender in the store: {len(after)}]")
    assert "empty" in turn("show my questions")  # the next message starts a fresh conversation
    fresh = events_of(servers, chat.sender)
    transcript.append(f"[events of this sender in the store: {len(fresh)}, a new conversation]")
    print("\n" + "\n".join(transcript))
    assert len(before) > 20 and after == []
    assert [kind for _, kind in fresh][:2] == ["action", "session_started"]
    assert [kind for _, kind in fresh].count("user") == 1
    with closing(sqlite3.connect(servers.tracker_db)) as db:
        stored = " ".join(row[0] for row in db.execute("SELECT data FROM events WHERE sender_id = ?", (chat.sender,)))
    assert "show my questions" in stored  # the new message ...
    assert "letrozole" not in stored and '"name": "my_questions"' not in stored  # ... and nothing of the old


def test_a_cancelled_request_deletes_nothing(servers: Servers) -> None:
    chat = Chat(servers.url)
    chat.say('add "can I travel?" to my questions')
    chat.say("forget me")
    before = events_of(servers, chat.sender)
    assert "nothing was deleted" in chat.say("/cancel_delete_conversation")
    assert events_of(servers, chat.sender)[:len(before)] == before
    assert "can i travel?" in chat.say("show my questions")


def test_an_old_confirm_button_does_not_delete_without_asking_again(servers: Servers) -> None:
    """The confirmation only counts right after the question: a later tap on the old button asks again."""
    chat = Chat(servers.url)
    chat.say("delete my conversation")
    chat.say("what is letrozole")
    before = events_of(servers, chat.sender)
    reply = chat.say("/confirm_delete_conversation")
    assert "yes, delete it" in reply and "deleted this conversation" not in reply
    assert events_of(servers, chat.sender)[:len(before)] == before
    assert "deleted" in chat.say("/confirm_delete_conversation")  # now right after the question
    assert events_of(servers, chat.sender) == []


def test_deleting_one_conversation_leaves_the_others(servers: Servers) -> None:
    keep, drop = Chat(servers.url), Chat(servers.url)
    keep.say("what is letrozole")
    drop.say("what is letrozole")
    kept = events_of(servers, keep.sender)
    drop.say("erase my chat")
    drop.say("/confirm_delete_conversation")
    assert events_of(servers, drop.sender) == []
    assert events_of(servers, keep.sender) == kept
    assert "letrozole" in keep.say("how is it given?")  # its context is intact


# ---------------------------------------------------------------- flood control
def test_a_burst_of_200_is_slowed_down_while_another_conversation_gets_every_answer(servers: Servers) -> None:
    """200 messages sent at once by one sender (a script, not a person): the first FLOOD_BURST (20) are
    answered, the rest get "please slow down" at once and are never handled; a person talking meanwhile
    gets every answer."""
    flood = Chat(servers.url, sender=f"flood-{uuid.uuid4().hex}")
    other = Chat(servers.url, sender=f"person-{uuid.uuid4().hex}")
    other_turns = [("what is ibrance", "palbociclib"), ("how is it given?", "palbociclib"),
                   ("what side effects does it have", "palbociclib"), ("what does remission mean", "remission"),
                   ("what is letrozole", "letrozole"), ("thanks", "welcome")]
    other_replies: list[str] = []
    burst_sent = threading.Event()

    def person() -> None:
        burst_sent.wait()
        for text, _ in other_turns:
            other_replies.append(other.say(text))
            time.sleep(0.3)

    talker = threading.Thread(target=person)
    talker.start()
    begin = time.monotonic()
    with ThreadPoolExecutor(200) as pool:  # all 200 in flight at once
        futures = [pool.submit(flood.say, "what is letrozole") for _ in range(200)]
        burst_sent.set()
        flood_replies = [future.result() for future in futures]
        elapsed = time.monotonic() - begin
    talker.join(timeout=180)

    slowed = [reply for reply in flood_replies if SLOW_DOWN in reply]
    answered = [reply for reply in flood_replies if SLOW_DOWN not in reply]
    print(f"\nburst of 200 at once: {len(answered)} answered, {len(slowed)} asked to slow down "
          f"(all replies in {elapsed:.1f} s); the other conversation: {len(other_replies)} of {len(other_turns)} "
          "answered")
    assert 20 <= len(answered) <= 25, len(answered)  # the burst allowance (plus a refill or two while sending)
    assert len(slowed) == 200 - len(answered)
    assert all("letrozole" in reply for reply in answered)
    assert all(reply.startswith("you're sending messages very fast") for reply in slowed)
    assert len(other_replies) == len(other_turns)
    for reply, (text, expected) in zip(other_replies, other_turns, strict=True):
        assert SLOW_DOWN not in reply and expected in reply, (text, reply)
    # The flood's extra messages were never handled: only the answered ones are in the store.
    assert [kind for _, kind in events_of(servers, flood.sender)].count("user") == len(answered)


# ---------------------------------------------------------------- socket.io origins
def polling_status(channel_servers: ChannelServers, origin: str | None) -> requests.Response:
    headers = {"Origin": origin} if origin else {}
    return requests.get(f"{channel_servers.servers.url}/socket.io/?EIO=4&transport=polling", headers=headers,
                        timeout=10)


def websocket_status(channel_servers: ChannelServers, origin: str) -> bytes:
    """The status line of a websocket handshake sent with this Origin."""
    with socket.create_connection(("127.0.0.1", channel_servers.servers.rasa_port), timeout=10) as conn:
        conn.sendall(b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Origin: " + origin.encode() + b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + base64.b64encode(os.urandom(16)) +
                     b"\r\n\r\n")
        return conn.recv(1024).split(b"\r\n", 1)[0]


@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
def test_socketio_refuses_a_foreign_origin_for_polling_and_websocket(channel_servers: ChannelServers,
                                                                    origin: str) -> None:
    refused = polling_status(channel_servers, origin)
    assert refused.status_code == 403 and '"sid"' not in refused.text
    assert b" 403 " in websocket_status(channel_servers, origin)


def test_socketio_accepts_the_pages_own_origin(channel_servers: ChannelServers) -> None:
    accepted = polling_status(channel_servers, channel_servers.web_origin)
    assert accepted.status_code == 200 and '"sid"' in accepted.text
    assert b" 101 " in websocket_status(channel_servers, channel_servers.web_origin)


async def talk_over_socketio(channel_servers: ChannelServers, origin: str, transport: str) -> list[dict]:
    """A python-socketio client with this Origin: session request, one question, the replies."""
    client = socketio.AsyncClient(reconnection=False)
    replies: list[dict] = []
    confirmed, answered = asyncio.Event(), asyncio.Event()

    async def on_confirm(*_: object) -> None:
        confirmed.set()

    async def on_reply(data: dict) -> None:
        replies.append(data)
        if data.get("text"):
            answered.set()

    client.on("session_confirm", on_confirm)
    client.on("bot_uttered", on_reply)
    await client.connect(channel_servers.servers.url, headers={"Origin": origin}, transports=[transport],
                         wait_timeout=10)
    try:
        session = uuid.uuid4().hex
        await client.emit("session_request", {"session_id": session})
        await asyncio.wait_for(confirmed.wait(), 10)
        await client.emit("user_uttered", {"message": "what is letrozole", "session_id": session})
        await asyncio.wait_for(answered.wait(), 60)
    finally:
        await client.disconnect()
    return replies


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_a_socketio_client_from_the_page_talks_and_one_from_elsewhere_cannot(channel_servers: ChannelServers,
                                                                            transport: str) -> None:
    replies = asyncio.run(talk_over_socketio(channel_servers, channel_servers.web_origin, transport))
    assert any("letrozole" in (r.get("text") or "").lower() for r in replies)
    with pytest.raises(socketio.exceptions.ConnectionError):
        asyncio.run(talk_over_socketio(channel_servers, "https://evil.example", transport))


def test_the_allowed_origins_come_from_credentials_or_web_origins() -> None:
    assert allowed_origins(["http://127.0.0.1:8080/"], {}) == ["http://127.0.0.1:8080"]
    assert allowed_origins("https://mbc.example", {}) == ["https://mbc.example"]
    assert allowed_origins(["http://127.0.0.1:8080"], {"WEB_ORIGINS": "https://a.example, https://b.example"}) == [
        "https://a.example", "https://b.example"]
    assert allowed_origins(None, {}) == []


def test_the_telegram_secret_is_configured_or_derived_from_the_bot_token() -> None:
    assert webhook_secret("123:ABC", "configured_secret") == "configured_secret"
    derived = webhook_secret("123:ABC")
    assert re.fullmatch(r"[0-9a-f]{64}", derived)  # within the Bot API's 1-256 characters of A-Za-z0-9_-
    assert derived == webhook_secret("123:ABC") != webhook_secret("123:ABD")


async def flood_over_socketio(channel_servers: ChannelServers, messages: int) -> list[str]:
    """One socket.io session sends `messages` at once; the texts it gets back within a while."""
    client = socketio.AsyncClient(reconnection=False)
    texts: list[str] = []
    confirmed = asyncio.Event()

    async def on_confirm(*_: object) -> None:
        confirmed.set()

    async def on_reply(data: dict) -> None:
        if data.get("text"):
            texts.append(data["text"].lower())

    client.on("session_confirm", on_confirm)
    client.on("bot_uttered", on_reply)
    await client.connect(channel_servers.servers.url, headers={"Origin": channel_servers.web_origin},
                         transports=["websocket"], wait_timeout=10)
    try:
        session = uuid.uuid4().hex
        await client.emit("session_request", {"session_id": session})
        await asyncio.wait_for(confirmed.wait(), 10)
        for _ in range(messages):
            await client.emit("user_uttered", {"message": "hello", "session_id": session})
        deadline = time.monotonic() + 60
        while sum(SLOW_DOWN in t for t in texts) < messages - 25 and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    finally:
        await client.disconnect()
    return texts


def test_socketio_slows_down_a_flood_too(channel_servers: ChannelServers) -> None:
    texts = asyncio.run(flood_over_socketio(channel_servers, 60))
    slowed = sum(SLOW_DOWN in text for text in texts)
    print(f"\nsocket.io: 60 messages at once, {slowed} asked to slow down")
    assert 60 - 25 <= slowed <= 60 - 20


def test_make_report_keeps_only_an_anonymous_count_of_a_deleted_conversations_feedback(servers: Servers) -> None:
    from bot.reports.feedback import helpful_by_topic

    chat = Chat(servers.url)
    assert "was this helpful?" in chat.say("what is letrozole")
    chat.say("/feedback_helpful")
    before = helpful_by_topic(f"sqlite:///{servers.tracker_db}")["letrozole"][True]
    chat.say("delete my conversation")
    chat.say("/confirm_delete_conversation")
    assert events_of(servers, chat.sender) == []
    assert helpful_by_topic(f"sqlite:///{servers.tracker_db}")["letrozole"][True] == before >= 1
    with closing(sqlite3.connect(servers.tracker_db)) as db:
        assert chat.sender not in " ".join(str(row) for row in db.execute("SELECT * FROM feedback_tally"))
