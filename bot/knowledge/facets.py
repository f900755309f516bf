"""The drug-facet registry (data/facets.yml): each facet's field, title, cue words; the kinds of treatment.

The schema checks drugs against it, the actions answer from it, the follow-up cues and the audit read it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache
from pathlib import Path

import yaml

from bot.paths import FACETS_FILE

# Facet fields the drug schema itself defines (not facet texts): routes, side effects, warnings, who for, status.
CORE_FIELDS = frozenset({"routes", "side_effects", "warnings", "who_for", "status"})


@dataclass(frozen=True)
class Facet:
    """One thing a patient may ask about a medicine."""

    name: str
    title: str
    field: str | None = None  # the drug / class field holding its text; None for composed answers
    required: bool = False
    composed: bool = False
    cues: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()  # general answers that, with a medicine in focus, this facet answers
    yes_no: bool = False  # its answer starts with Yes, No or "It depends on"
    asked_the_other_way: re.Pattern | None = None  # "do I need it forever?" against "can I stop it?"
    other_way_leads: dict[str, str] = dataclass_field(default_factory=dict)  # the yes/no lead for the other way round

    @property
    def response(self) -> str:
        return f"utter_drug/{self.name}"

    def led_for(self, question: str, text: str) -> str:
        """The facet's text with the yes/no lead that answers this question (asked one way or the other)."""
        if self.asked_the_other_way is None or not self.asked_the_other_way.search(question):
            return text
        for lead, other in self.other_way_leads.items():
            if text.startswith(lead):
                return other + text[len(lead):]
        return text


@dataclass(frozen=True)
class FacetRegistry:
    facets: dict[str, Facet]
    kinds: dict[str, str]  # kind id -> plain phrase ("a hormone therapy")
    compare: dict[str, str]  # how a comparison says what differs: same_class, different_class
    is_chemo: dict[str, str]  # kind id -> the plain answer to "is it chemo?"

    def facet_for_topic(self, topic: str) -> str | None:
        """The facet that answers a general topic ('living/vaccines') for a medicine in focus, if one does."""
        return next((name for name, facet in self.facets.items() if topic in facet.topics), None)

    @classmethod
    def from_file(cls, path: Path = FACETS_FILE) -> FacetRegistry:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        facets = {
            name: Facet(name, spec["title"], spec.get("field"), bool(spec.get("required")),
                        bool(spec.get("composed")), frozenset(spec.get("cues") or ()),
                        frozenset(spec.get("topics") or ()), bool(spec.get("yes_no")),
                        re.compile(spec["asked_the_other_way"], re.I) if spec.get("asked_the_other_way") else None,
                        dict(spec.get("other_way_leads") or {}))
            for name, spec in data["facets"].items()
        }
        return cls(facets, dict(data["kinds"]), dict(data["compare"]), dict(data["is_chemo"]))

    def required_text_fields(self) -> list[str]:
        """Fields every drug must resolve that hold one text (not the core list fields of the schema)."""
        return [f.field for f in self.facets.values() if f.required and f.field and f.field not in CORE_FIELDS]

    def text_fields(self) -> list[str]:
        """The fields whose value is one facet text (on a drug, or on its class as the default)."""
        return [f.field for f in self.facets.values() if f.field and f.field not in CORE_FIELDS]

    def follow_up_cues(self) -> list[tuple[str, frozenset[str]]]:
        """(facet, cue words) in registry order, for short follow-ups that point back."""
        return [(f.name, f.cues) for f in self.facets.values() if f.cues]


@cache
def default_registry() -> FacetRegistry:
    """The project's facet registry, loaded once."""
    return FacetRegistry.from_file(FACETS_FILE)
