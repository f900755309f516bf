"""Curated answers: their button titles, and the source line an answer shows."""
from __future__ import annotations

import re
from functools import cache

import yaml

from bot.paths import TOPIC_TITLES_FILE

_SOURCE_LINE = re.compile(r"^Source: (?P<orgs>.+?)(?: · Reviewed .*)?$", re.M)


@cache
def topic_titles() -> dict[str, str]:
    """Topic key ('side_effect/nausea' or an intent name) -> short title."""
    return yaml.safe_load(TOPIC_TITLES_FILE.read_text(encoding="utf-8"))


def source_of(text: str) -> str | None:
    """The organisations named on an answer's 'Source:' line, if it has one."""
    match = _SOURCE_LINE.search(text or "")
    return match["orgs"] if match else None
