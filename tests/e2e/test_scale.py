"""Scaling out: two `rasa run` share a PostgreSQL tracker store and a Redis lock store behind nginx.

Runs wherever Debian's postgresql, redis-server and nginx are installed (.ci/run installs
them, so always in CI); elsewhere it is skipped and says what to install.
"""
import base64
import http.client
import json
import os
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest

from bot.ops.scale import NGINX_BURST, NGINX_RATE_PER_S, Stack, missing_binaries, slow_down_text
from tests.support import ROOT, Chat, train_if_needed

MISSING = missing_binaries()
if MISSING and os.environ.get("CI") != "true":
    pytest.skip(f"needs {', '.join(MISSING)}: apt-get install postgresql redis-server nginx", allow_module_level=True)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    train_if_needed()
    running = Stack(tmp_path_factory.mktemp("scale"))
    running.start()  # stops what it started if anything fails
    try:
        yield running
    finally:
        running.stop()


def test_turns_alternate_between_the_instances(stack):
    a, b = stack.instance_urls
    sender = f"scale-{uuid.uuid4().hex}"
    assert "letrozole" in Chat(a, sender).say("what is letrozole")
    reply = Chat(b, sender).say("how is it given?")
    assert "letrozole" in reply and "which medicine" not in reply
    reply = Chat(a, sender).say("what side effects does it have")
    assert "letrozole" in reply and "side effects" in reply


def test_a_conversation_through_nginx_and_directly(stack):
    sender = f"scale-{uuid.uuid4().hex}"
    assert "palbociclib" in Chat(stack.url, sender).say("what is ibrance?")
    assert "palbociclib" in Chat(stack.instance_urls[1], sender).say("how is it given?")
    assert "palbociclib" in Chat(stack.url, sender).say("what side effects does it have")
    with psycopg2.connect(stack.db_url) as db, db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events WHERE sender_id = %s AND type_name = 'user'", (sender,))
        assert cursor.fetchone()[0] == 3


def test_nginx_passes_websocket_upgrades(stack):
    """A socket.io websocket handshake through nginx switches protocols (when socket.io is enabled)."""
    if "socketio" not in (ROOT / "credentials.yml").read_text().lower():
        pytest.skip("credentials.yml does not enable the socket.io channel")
    with socket.create_connection(("127.0.0.1", stack.nginx_port), timeout=10) as conn:
        conn.sendall(b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                     b"Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)) + b"\r\n\r\n")
        status = conn.recv(1024).split(b"\r\n", 1)[0]
    assert b" 101 " in status, status


def post_from(address: str, port: int, sender: str, text: str) -> tuple[int, list]:
    """A REST message to nginx from another loopback address (127.0.0.0/8 is all this machine)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120, source_address=(address, 0))
    try:
        connection.request("POST", "/webhooks/rest/webhook", json.dumps({"sender": sender, "message": text}),
                           {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"[]")
    finally:
        connection.close()


def test_nginx_slows_down_one_address_and_not_the_others(stack):
    """privacy (issue 16): 200 messages from one address (each from another sender, so only nginx limits them)
    get 429 and the domain's "please slow down" beyond NGINX_BURST; a conversation from another address goes on."""
    other = Chat(stack.url, f"scale-{uuid.uuid4().hex}")
    turns = [("what is ibrance", "palbociclib"), ("how is it given?", "palbociclib"), ("thanks", "welcome")]
    other_replies: list[str] = []
    started = threading.Event()

    def person() -> None:
        started.wait()
        other_replies.extend(other.say(text) for text, _ in turns)

    talker = threading.Thread(target=person)
    talker.start()
    begin = time.monotonic()
    with ThreadPoolExecutor(200) as pool:  # all 200 in flight at once
        futures = [pool.submit(post_from, "127.0.0.2", stack.nginx_port, f"flood-{n}", "hi") for n in range(200)]
        started.set()
        results = [future.result() for future in futures]
    elapsed = time.monotonic() - begin
    talker.join(timeout=180)

    limited = [body for status, body in results if status == 429]
    passed = [body for status, body in results if status == 200]
    print(f"\nnginx: 200 requests in {elapsed:.1f} s, {len(passed)} passed, {len(limited)} got 429")
    assert len(passed) + len(limited) == 200
    assert NGINX_BURST <= len(passed) <= NGINX_BURST + NGINX_RATE_PER_S * 2  # the burst, and what 2 s refill
    assert all(body == [{"recipient_id": "", "text": slow_down_text()}] for body in limited)
    assert "slow down" in slow_down_text()
    assert len(other_replies) == len(turns)
    for reply, (_, expected) in zip(other_replies, turns, strict=True):
        assert expected in reply and "slow down" not in reply
