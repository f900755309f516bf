"""Security basics of the running assistant: no open HTTP API, loopback only, closed CORS,
a length cap, no message text in the logs, and no --enable-api without a token."""
import re
import uuid
from pathlib import Path

import requests

from tests.support import ROOT, Chat

LOOPBACK_HEX = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it


def test_the_http_api_is_not_reachable_without_a_token(servers):
    Chat(servers.url, sender="someone").say("what is letrozole")
    for method, path in [("GET", "/conversations/someone/tracker"), ("GET", "/status"),
                         ("POST", "/conversations/someone/messages"), ("PUT", "/model")]:
        response = requests.request(method, servers.url + path, json={}, timeout=10)
        assert response.status_code in (401, 403, 404, 405), (method, path, response.status_code)
        assert "letrozole" not in response.text


def test_no_target_enables_the_api_without_a_token():
    files = [ROOT / "Makefile", *ROOT.glob("bot/**/*.py"), *ROOT.glob("scripts/*"), *ROOT.glob("bench/*.py"),
             ROOT / "tests" / "support.py"]
    for path in files:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if "--enable-api" in line:
                assert "--auth-token" in line, f"{path.name}: {line.strip()}"


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on a TCP port (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                found.add(address)
    return found


def test_servers_listen_on_loopback_only(servers):
    for port in (servers.rasa_port, servers.actions_port):
        addresses = listening_addresses(port)
        assert addresses == {LOOPBACK_HEX}, (port, addresses)


def test_cors_is_closed_to_other_origins(servers):
    origin = "https://evil.example"
    preflight = requests.options(f"{servers.url}/webhooks/rest/webhook", timeout=10, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    post = requests.post(f"{servers.url}/webhooks/rest/webhook", headers={"Origin": origin}, timeout=30,
                         json={"sender": f"cors-{uuid.uuid4().hex}", "message": "hello"})
    for response in (preflight, post):
        allowed = response.headers.get("Access-Control-Allow-Origin")
        assert allowed not in ("*", origin), allowed


def test_a_50000_character_message_gets_the_too_long_answer(servers):
    reply = Chat(servers.url).say("what is letrozole " * 2778)
    assert "too long" in reply and "2,000 characters" in reply


def test_the_logs_carry_no_message_text(servers):
    marker = f"zebra{uuid.uuid4().hex[:8]}"
    Chat(servers.url).say(f"what is letrozole {marker}")
    Chat(servers.url).say(f"my name is {marker} and I have pain")
    for log in servers.workdir.glob("*.log"):
        text = log.read_text(encoding="utf-8", errors="replace")
        assert not re.search(marker, text), f"{log.name} logs the user's words"
