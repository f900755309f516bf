"""IntentRouter's table (data/routing.yml): which intent a message gets after the model, as a pure function."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from bot.paths import ROUTING_FILE


@dataclass(frozen=True)
class Features:
    """What the router knows of a message."""

    intent: str  # the model's intent
    names: frozenset[str] = frozenset()  # of: drug, what_is, clarify
    add_request: bool = False


@dataclass(frozen=True)
class Route:
    id: str
    intent: str
    facet: str | None = None


@dataclass(frozen=True)
class _Rule:
    id: str
    when: dict = field(default_factory=dict)
    then: dict = field(default_factory=dict)

    def matches(self, f: Features) -> bool:
        w = self.when
        if "add_request" in w and w["add_request"] != f.add_request:
            return False
        if "intent_in" in w and f.intent not in w["intent_in"]:
            return False
        if not set(w.get("names", ())) <= f.names:
            return False
        return not set(w.get("not_names", ())) & f.names


class Router:
    """The ordered routes of data/routing.yml."""

    def __init__(self, rules: list[_Rule]) -> None:
        self.rules = rules

    @classmethod
    def from_file(cls, path: Path = ROUTING_FILE) -> Router:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return cls([_Rule(r["id"], r.get("when") or {}, r["then"]) for r in data["routes"]])

    def route(self, features: Features) -> Route | None:
        """The first route whose conditions hold; None keeps the model's intent."""
        for rule in self.rules:
            if rule.matches(features):
                return Route(rule.id, rule.then["intent"], rule.then.get("facet"))
        return None


@cache
def default_router() -> Router:
    return Router.from_file(ROUTING_FILE)
