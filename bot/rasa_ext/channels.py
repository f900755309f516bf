"""Rasa's own REST, Telegram, Slack and socket.io connectors, with small changes.

- Telegram and Slack talk to the API base in TELEGRAM_API_URL / SLACK_API_URL (default: the real
  APIs), so that tests can point them at local fakes. Parsing, signature checks and sending are Rasa's.
- socket.io sends a custom JSON message as ``{"custom": {...}}`` (Rasa's own passes its keys to
  ``AsyncServer.emit`` as keyword arguments, which fails for anything but ``data``/``room``).
- Privacy and security (issue 16):
  - every channel answers a sender over its flood limit with "please slow down" (flood.py);
  - Telegram registers its webhook with a secret token (the Bot API's ``secret_token``: the
    ``secret_token`` credential, else one derived from the bot token) and refuses, with 403 and
    nothing processed or sent, a request whose ``X-Telegram-Bot-Api-Secret-Token`` differs;
  - socket.io refuses, with 403, a polling or websocket request whose ``Origin`` is not one of the
    page origins (``allowed_origins`` in credentials.yml, or WEB_ORIGINS, comma-separated).
    Rasa's own accepts any origin. A request without an ``Origin`` (not a browser) is let through.

``python -m bot.ops.credentials OUT`` writes credentials.yml plus the Telegram and Slack channels whose
environment variables are set (see README), so the assistant starts offline when none are.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import engineio
from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels import rest, slack, socketio, telegram
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from slack_sdk.web.async_client import AsyncWebClient

from bot.rasa_ext import flood
from bot.rasa_ext.versions import require, require_attribute, require_signature

TELEGRAM_API_URL = "https://api.telegram.org"
SLACK_API_URL = "https://slack.com/api/"
TELEGRAM_PATCH = "bot/rasa_ext/channels.py (TelegramOutput calls aiogram 2's Bot.__init__)"
SOCKETIO_PATCH = "bot/rasa_ext/channels.py (SocketIOOutput uses Rasa's private _send_message)"
ORIGIN_PATCH = "bot/rasa_ext/channels.py (wraps python-engineio's AsyncServer.handle_request to check Origin)"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEB_ORIGINS_VARIABLE = "WEB_ORIGINS"


def check_telegram_versions() -> None:
    """Stop in one line when aiogram or Rasa's Telegram output differ from what TelegramOutput relies on."""
    require("rasa", "3.6.", TELEGRAM_PATCH)
    require("aiogram", "2.", TELEGRAM_PATCH)
    require_signature(Bot.__init__, ["self", "token", "loop", "connections_limit", "proxy", "proxy_auth",
                                     "validate_token", "parse_mode", "timeout", "server"], TELEGRAM_PATCH)


def check_socketio_versions() -> None:
    """Stop in one line when Rasa's socket.io output no longer has `_send_message`."""
    require("rasa", "3.6.", SOCKETIO_PATCH)
    require_attribute(socketio.SocketIOOutput, "_send_message", SOCKETIO_PATCH)


def check_origin_versions() -> None:
    """Stop in one line when python-engineio's server no longer routes every request through `handle_request`."""
    require("rasa", "3.6.", ORIGIN_PATCH)
    require("python-engineio", "4.", ORIGIN_PATCH)
    require("python-socketio", "5.", ORIGIN_PATCH)
    require_signature(engineio.AsyncServer.handle_request, ["self", "args", "kwargs"], ORIGIN_PATCH)
    require_signature(engineio.AsyncServer.attach, ["self", "app", "engineio_path"], ORIGIN_PATCH)


def check_telegram_secret_versions() -> None:
    """Stop in one line when aiogram's raw `request` or Rasa's Telegram routes differ from what the secret relies on."""
    require("rasa", "3.6.", TELEGRAM_PATCH)
    require("aiogram", "2.", TELEGRAM_PATCH)
    require_signature(Bot.request, ["self", "method", "data", "files", "kwargs"], TELEGRAM_PATCH)
    require_signature(telegram.TelegramInput.blueprint, ["self", "on_new_message"], TELEGRAM_PATCH)


def webhook_secret(access_token: str, configured: str | None = None) -> str:
    """The webhook's secret token: the configured one, else derived from the bot token (64 characters of 0-9a-f)."""
    if configured:
        return configured
    return hmac.new(access_token.encode(), b"mbc-assistant telegram webhook", hashlib.sha256).hexdigest()


class TelegramOutput(telegram.TelegramOutput):
    """Rasa's Telegram output, sending to the Bot API at TELEGRAM_API_URL; its webhook carries the secret token."""

    def __init__(self, access_token: str | None, secret_token: str | None = None) -> None:
        check_telegram_versions()
        api = os.environ.get("TELEGRAM_API_URL") or TELEGRAM_API_URL
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api))
        self.secret_token = secret_token

    async def set_webhook(self, url: str, *args: Any, **kwargs: Any) -> bool:
        """setWebhook with `secret_token` (aiogram 2 predates it, so the call is made raw)."""
        payload = {"url": url, "secret_token": self.secret_token} if self.secret_token else {"url": url}
        return await self.request("setWebhook", payload)


class TelegramInput(telegram.TelegramInput):
    """Rasa's Telegram input; its replies (and its webhook set-up) go to TELEGRAM_API_URL.

    Also fixes Rasa 3.6's set-up: it sets the webhook in a short-lived event loop and keeps that
    loop's HTTP session, so every update then failed with "Event loop is closed".
    """

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        channel = super().from_credentials(credentials)
        channel.secret_token = webhook_secret(channel.access_token or "", (credentials or {}).get("secret_token"))
        return channel

    def get_output_channel(self) -> TelegramOutput:
        channel = TelegramOutput(self.access_token, getattr(self, "secret_token", None))
        try:
            asyncio.run(_set_webhook(channel, self.webhook_url))
        except TelegramAPIError as error:
            raise RasaException(f"Failed to set channel webhook: {error}") from error
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's routes, behind the secret-token check and the flood limit."""
        check_telegram_secret_versions()
        webhook = super().blueprint(flood.guard(on_new_message))
        secret = getattr(self, "secret_token", None)

        @webhook.on_request
        async def refuse_without_the_secret(request: Request) -> Any:
            if request.method != "POST" or not secret:
                return None
            given = request.headers.get(SECRET_HEADER) or ""
            if hmac.compare_digest(given.encode(), secret.encode()):
                return None
            return response.text("forbidden", status=403)

        return webhook


async def _set_webhook(channel: TelegramOutput, url: str | None) -> None:
    try:
        await channel.set_webhook(url=url)
    finally:
        await channel.close()  # closes only the HTTP session; the server's loop opens a new one


class SlackOutput(slack.SlackBot):
    """Rasa's Slack output, posting to the Web API at SLACK_API_URL."""

    def __init__(self, token: str, slack_channel: str | None = None, thread_id: str | None = None,
                 proxy: str | None = None) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        base_url = os.environ.get("SLACK_API_URL") or SLACK_API_URL
        self.client = AsyncWebClient(token, base_url=base_url, proxy=proxy)


class SlackInput(slack.SlackInput):
    """Rasa's Slack input (signature checks included); replies go to SLACK_API_URL. Flood-limited."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(flood.guard(on_new_message))

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> SlackOutput:
        return SlackOutput(self.slack_token, channel or self.slack_channel, thread_id, self.proxy)


class SocketIOOutput(socketio.SocketIOOutput):
    """Rasa's socket.io output; a custom JSON message arrives as ``{"custom": {...}}``."""

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


def allowed_origins(configured: Any, env: Mapping[str, str]) -> list[str]:
    """The page origins socket.io accepts: WEB_ORIGINS (comma-separated) if set, else `allowed_origins`."""
    if env.get(WEB_ORIGINS_VARIABLE):
        configured = env[WEB_ORIGINS_VARIABLE].split(",")
    elif isinstance(configured, str):
        configured = [configured]
    return [origin.strip().rstrip("/") for origin in configured or [] if origin and origin.strip()]


class SocketIOInput(socketio.SocketIOInput):
    """Rasa's socket.io input (same name, URL and settings) with the output above, the flood limit and an
    Origin check; extra setting `allowed_origins` (a list)."""

    origins: list[str] = []

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SocketIOInput:
        settings = dict(credentials or {})
        configured = settings.pop("allowed_origins", None)
        channel = super().from_credentials(settings)
        channel.origins = allowed_origins(configured, os.environ)
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        check_socketio_versions()
        check_origin_versions()
        limited = flood.guard(on_new_message)

        async def with_our_output(message: UserMessage) -> Any:
            message.output_channel = SocketIOOutput(self.sio, self.bot_message_evt)
            return await limited(message)

        blueprint = super().blueprint(with_our_output)
        _refuse_foreign_origins(self.sio.eio, self.origins)  # before the blueprint attaches it to the app
        return blueprint

    def get_output_channel(self) -> SocketIOOutput | None:
        return SocketIOOutput(self.sio, self.bot_message_evt) if self.sio is not None else None


def _refuse_foreign_origins(server: engineio.AsyncServer, origins: list[str]) -> None:
    """Make the engine.io server answer 403 to any request (polling or websocket) from another page's origin.

    Rasa turns engine.io's own check off (`cors_allowed_origins=[]`, so that Sanic's --cors sets the
    CORS headers); this checks the Origin first and leaves the headers to Sanic.
    """
    handle = server.handle_request
    accepted = frozenset(origins)

    async def handle_request(request: Request, *args: Any, **kwargs: Any) -> Any:
        origin = request.headers.get("origin")
        if origin and origin.rstrip("/") not in accepted:
            return response.text("Not an accepted origin.", status=403)
        return await handle(request, *args, **kwargs)

    server.handle_request = handle_request


class RestInput(rest.RestInput):
    """Rasa's REST channel (same name and URL: /webhooks/rest/webhook), with the flood limit."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(flood.guard(on_new_message))
