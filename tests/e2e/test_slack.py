"""Slack: Rasa's connector (bot.rasa_ext.channels) checks signed Events API requests; replies reach a fake API."""
from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
from urllib.parse import urlencode

import pytest
import requests

from tests.support import ChannelServers

REPLY_TIMEOUT_S = 30


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's request signature: v0= HMAC-SHA256 of v0:{timestamp}:{body} with the signing secret."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def message_event(user: str, channel: str, text: str) -> dict:
    """A direct message to the app, as the Events API posts it."""
    ts = f"{time.time():.6f}"
    return {
        "token": "legacy-verification-token", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
        "event_id": f"Ev{random.randint(10**9, 10**10)}", "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}],
        "event": {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts,
                  "channel": channel, "event_ts": ts},
    }


def button_click(user: str, channel: str, value: str) -> bytes:
    """A click on a button of a bot message (interactivity payload, form-encoded)."""
    payload = {
        "type": "block_actions", "user": {"id": user, "name": "sam"}, "team": {"id": "T0001"},
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "ts": f"{time.time():.6f}", "text": "Which medicine did you mean?"},
        "actions": [{"type": "button", "action_id": "a1", "block_id": "b1", "value": value,
                     "text": {"type": "plain_text", "text": "anastrozole (Arimidex)"}}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def post(channel_servers: ChannelServers, body: bytes, content_type: str, signature: str | None = "valid",
         timestamp: str | None = None) -> requests.Response:
    timestamp = timestamp or str(int(time.time()))
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp}
    if signature == "valid":
        headers["X-Slack-Signature"] = sign(channel_servers.slack_signing_secret, timestamp, body)
    elif signature is not None:
        headers["X-Slack-Signature"] = signature
    return requests.post(f"{channel_servers.servers.url}/webhooks/slack/webhook", data=body, headers=headers,
                         timeout=60)


def replies(channel_servers: ChannelServers, channel: str, until: str) -> list[dict]:
    """The messages posted to a channel, once one contains ``until`` (Rasa answers Slack in the background)."""
    fake = channel_servers.slack
    fake.wait_for(lambda _: any(until in json.dumps(m) for m in fake.posted(channel)), REPLY_TIMEOUT_S)
    return fake.posted(channel)


@pytest.fixture
def dm() -> tuple[str, str]:
    """A user and the direct-message channel between them and the app."""
    n = random.randint(10**6, 10**7)
    return f"U{n}", f"D{n}"


def test_signed_message_is_answered_in_the_channel(channel_servers: ChannelServers, dm: tuple[str, str]) -> None:
    user, channel = dm
    body = json.dumps(message_event(user, channel, "what is ibrance")).encode()
    response = post(channel_servers, body, "application/json")
    assert response.status_code == 200, response.text

    posted = replies(channel_servers, channel, "Was this helpful?")
    assert "palbociclib" in "\n".join(m.get("text", "") for m in posted).lower()
    call = channel_servers.slack.calls("/chat.postMessage")[-1]
    assert call.headers["Authorization"] == f"Bearer {channel_servers.slack_token}"

    helpful = next(m for m in posted if m.get("text") == "Was this helpful?")
    buttons = helpful["blocks"][1]["elements"]
    assert [(b["type"], b["text"]["text"]) for b in buttons] == [("button", "Yes"), ("button", "No")]


def test_buttons_are_slack_buttons_and_a_click_is_answered(channel_servers: ChannelServers,
                                                           dm: tuple[str, str]) -> None:
    user, channel = dm
    post(channel_servers, json.dumps(message_event(user, channel, "what is letrozol anastrozol")).encode(),
         "application/json")
    posted = replies(channel_servers, channel, "Which medicine did you mean?")
    question = next(m for m in posted if m.get("text") == "Which medicine did you mean?")
    text_block, actions = question["blocks"]
    assert text_block["text"]["text"] == "Which medicine did you mean?"
    assert [b["text"]["text"] for b in actions["elements"]] == ["letrozole (Femara)", "anastrozole (Arimidex)"]

    value = actions["elements"][1]["value"]
    response = post(channel_servers, button_click(user, channel, value), "application/x-www-form-urlencoded")
    assert response.status_code == 200, response.text
    posted = replies(channel_servers, channel, "hormone therapy")
    assert "Anastrozole (Arimidex) is a hormone therapy" in json.dumps(posted)


@pytest.mark.parametrize("signature", [None, "v0=" + "0" * 64, "wrong-secret", "stale"])
def test_unsigned_or_badly_signed_request_is_rejected(channel_servers: ChannelServers, dm: tuple[str, str],
                                                     signature: str | None) -> None:
    user, channel = dm
    body = json.dumps(message_event(user, channel, "what is ibrance")).encode()
    timestamp = str(int(time.time()))
    if signature == "wrong-secret":
        signature = sign("not-the-signing-secret", timestamp, body)
    elif signature == "stale":  # correctly signed, but 10 minutes old: a replay
        timestamp = str(int(time.time()) - 600)
        signature = sign(channel_servers.slack_signing_secret, timestamp, body)
    response = post(channel_servers, body, "application/json", signature=signature, timestamp=timestamp)
    assert response.status_code == 400
    assert "not properly signed" in response.text

    # A valid message sent afterwards to another channel is answered: so the rejected one would have been by now.
    other_user, other_channel = f"{user}X", f"{channel}X"
    post(channel_servers, json.dumps(message_event(other_user, other_channel, "hello")).encode(), "application/json")
    assert replies(channel_servers, other_channel, until="")
    assert channel_servers.slack.posted(channel) == []
