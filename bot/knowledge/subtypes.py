"""Breast cancer subtypes: the names patients use for each, from data/subtypes.yml."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from bot.paths import SUBTYPES_FILE


def load_subtypes(path: Path = SUBTYPES_FILE) -> dict[str, list[str]]:
    """Subtype key -> the names patients use for it."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))["subtypes"]


@cache
def default_subtypes() -> dict[str, list[str]]:
    """The project's subtypes, loaded once."""
    return load_subtypes()
