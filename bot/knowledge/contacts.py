"""Phone numbers an answer may give, each checked as in service (data/verified_contacts.yml)."""
from __future__ import annotations

from functools import cache

import yaml

from bot.paths import VERIFIED_CONTACTS_FILE


@cache
def verified_phone_numbers() -> frozenset[str]:
    """The numbers checked as in service; the audit fails on any other number in an answer."""
    data = yaml.safe_load(VERIFIED_CONTACTS_FILE.read_text(encoding="utf-8"))
    return frozenset(str(n) for n in data["phone_numbers"])
