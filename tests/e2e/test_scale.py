"""Scaling out: two `rasa run` share a PostgreSQL tracker store and a Redis lock store behind nginx.

Runs wherever Debian's postgresql, redis-server and nginx are installed (.ci/run installs
them, so always in CI); elsewhere it is skipped and says what to install.
"""
import base64
import os
import socket
import uuid

import psycopg2
import pytest

from bot.ops.scale import Stack, missing_binaries
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
