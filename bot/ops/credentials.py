"""Write the credentials file `rasa run` uses: credentials.yml plus Telegram and Slack when configured.

``python -m bot.ops.credentials OUT`` adds the channels whose environment variables are set (README),
with values kept as ``${VAR}`` for Rasa to expand, so no token lands on disk.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.paths import CREDENTIALS_FILE

TELEGRAM_CHANNEL = "bot.rasa_ext.channels.TelegramInput"
SLACK_CHANNEL = "bot.rasa_ext.channels.SlackInput"


def channel_credentials(env: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The Telegram and Slack channels whose environment variables are set.

    Values are written as ``${NAME}``: Rasa expands them when it reads the file, so no token lands on disk.
    """
    channels: dict[str, dict[str, Any]] = {}
    if env.get("TELEGRAM_TOKEN"):
        _require(env, "TELEGRAM_TOKEN", ["TELEGRAM_BOT_NAME", "TELEGRAM_WEBHOOK_URL"])
        channels[TELEGRAM_CHANNEL] = {
            "access_token": "${TELEGRAM_TOKEN}",
            "verify": "${TELEGRAM_BOT_NAME}",
            "webhook_url": "${TELEGRAM_WEBHOOK_URL}",
        }
        if env.get("TELEGRAM_SECRET_TOKEN"):  # else the channel derives one from the bot token
            channels[TELEGRAM_CHANNEL]["secret_token"] = "${TELEGRAM_SECRET_TOKEN}"
    if env.get("SLACK_TOKEN"):
        _require(env, "SLACK_TOKEN", ["SLACK_SIGNING_SECRET"])
        channels[SLACK_CHANNEL] = {
            "slack_token": "${SLACK_TOKEN}",
            "slack_signing_secret": "${SLACK_SIGNING_SECRET}",
            "slack_channel": "${SLACK_CHANNEL}" if env.get("SLACK_CHANNEL") else None,
        }
    return channels


def _require(env: Mapping[str, str], because: str, names: list[str]) -> None:
    missing = [name for name in names if not env.get(name)]
    if missing:
        raise SystemExit(f"error: {because} is set, so {' and '.join(missing)} must be set too")


def write_credentials(out: Path, env: Mapping[str, str], base: Path = CREDENTIALS_FILE) -> None:
    """Writes the base credentials file plus the channels configured in ``env``."""
    credentials = yaml.safe_load(base.read_text(encoding="utf-8")) or {}
    credentials.update(channel_credentials(env))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(credentials, sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m bot.ops.credentials OUT_CREDENTIALS_YML")
    write_credentials(Path(sys.argv[1]), os.environ)
