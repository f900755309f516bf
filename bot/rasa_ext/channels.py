"""Rasa's own Telegram, Slack and socket.io connectors, with two small changes.

- Telegram and Slack talk to the API base in TELEGRAM_API_URL / SLACK_API_URL (default: the real
  APIs), so that tests can point them at local fakes. Parsing, signature checks and sending are Rasa's.
- socket.io sends a custom JSON message as ``{"custom": {...}}`` (Rasa's own passes its keys to
  ``AsyncServer.emit`` as keyword arguments, which fails for anything but ``data``/``room``).

``python -m bot.ops.credentials OUT`` writes credentials.yml plus the Telegram and Slack channels whose
environment variables are set (see README), so the assistant starts offline when none are.
"""
from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels import slack, socketio, telegram
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint
from slack_sdk.web.async_client import AsyncWebClient

from bot.rasa_ext.versions import require, require_attribute, require_signature

TELEGRAM_API_URL = "https://api.telegram.org"
SLACK_API_URL = "https://slack.com/api/"
TELEGRAM_PATCH = "bot/rasa_ext/channels.py (TelegramOutput calls aiogram 2's Bot.__init__)"
SOCKETIO_PATCH = "bot/rasa_ext/channels.py (SocketIOOutput uses Rasa's private _send_message)"


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


class TelegramOutput(telegram.TelegramOutput):
    """Rasa's Telegram output, sending to the Bot API at TELEGRAM_API_URL."""

    def __init__(self, access_token: str | None) -> None:
        check_telegram_versions()
        api = os.environ.get("TELEGRAM_API_URL") or TELEGRAM_API_URL
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api))


class TelegramInput(telegram.TelegramInput):
    """Rasa's Telegram input; its replies (and its webhook set-up) go to TELEGRAM_API_URL.

    Also fixes Rasa 3.6's set-up: it sets the webhook in a short-lived event loop and keeps that
    loop's HTTP session, so every update then failed with "Event loop is closed".
    """

    def get_output_channel(self) -> TelegramOutput:
        channel = TelegramOutput(self.access_token)
        try:
            asyncio.run(_set_webhook(channel, self.webhook_url))
        except TelegramAPIError as error:
            raise RasaException(f"Failed to set channel webhook: {error}") from error
        return channel


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
    """Rasa's Slack input (signature checks included); replies go to SLACK_API_URL."""

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> SlackOutput:
        return SlackOutput(self.slack_token, channel or self.slack_channel, thread_id, self.proxy)


class SocketIOOutput(socketio.SocketIOOutput):
    """Rasa's socket.io output; a custom JSON message arrives as ``{"custom": {...}}``."""

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class SocketIOInput(socketio.SocketIOInput):
    """Rasa's socket.io input (same name, URL and settings) with the output above."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        check_socketio_versions()
        async def with_our_output(message: UserMessage) -> Any:
            message.output_channel = SocketIOOutput(self.sio, self.bot_message_evt)
            return await on_new_message(message)

        return super().blueprint(with_our_output)

    def get_output_channel(self) -> SocketIOOutput | None:
        return SocketIOOutput(self.sio, self.bot_message_evt) if self.sio is not None else None
