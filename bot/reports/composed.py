"""Every drug answer the action server can compose: each facet of each drug, filled from data/drugs.yml.

Used by the content audit (reading grade, length, no dose numbers, a source and a review date) and the tests.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from bot.paths import DOMAIN_FILE, NLU_DIR

DRUG_FACETS_FILE = NLU_DIR / "drug_facets.yml"
# A number followed by a unit of medicine or "tablets a day": never in an answer.
DOSE_NUMBER = re.compile(r"\b\d+(\.\d+)?\s*(mg|mcg|µg|micrograms?|milligrams?|units?|ml)\b|\b\d+\s*tablets? a day\b",
                         re.I)


@dataclass(frozen=True)
class ComposedAnswer:
    drug: str  # a generic name, "class <id>" or "<generic>+<generic>"
    facet: str
    text: str
    names: tuple[str, ...] = ()  # the medicine names it contains (generic, brands, other names)


def facet_templates() -> dict[str, str]:
    """Response name -> text, for the utter_drug/<facet> responses and the drug responses of domain.yml."""
    templates = {}
    for path in (DRUG_FACETS_FILE, DOMAIN_FILE):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, variations in (data.get("responses") or {}).items():
            if name.startswith("utter_drug"):
                templates[name] = variations[0]["text"]
    return templates


def composed_answers() -> Iterator[ComposedAnswer]:
    """Each single-drug facet answer, and a comparison of each drug with the next one in the file."""
    from actions.conversation import CATALOG
    from actions.drugs import (
        REGISTRY,
        ActionDrugAnswer,
        class_fields,
        class_response,
        comparison_fields,
        comparison_response,
        drug_fields,
    )

    templates = facet_templates()
    drugs = list(CATALOG.drugs.values())
    all_names = {n for d in drugs for n in d.names}
    for drug in drugs:
        fields = drug_fields(drug)
        for facet in REGISTRY.facets:
            if facet == "compare":
                continue
            response = ActionDrugAnswer._response(drug, facet)
            if not response.startswith("utter_drug/"):
                continue
            text = templates[response].format(**fields)
            yield ComposedAnswer(drug.generic, response.removeprefix("utter_drug/"), text, tuple(all_names))
    for drug_class in CATALOG.classes.values():
        fields = class_fields(drug_class)
        for facet in REGISTRY.facets:
            response = class_response(drug_class, facet)
            if response.startswith("utter_drug/"):
                text = templates[response].format(**fields)
                yield ComposedAnswer(f"class {drug_class.id}", response.removeprefix("utter_drug/"), text,
                                     tuple(all_names))
    for first, second in zip(drugs, drugs[1:], strict=False):
        text = templates[comparison_response(first, second)].format(**comparison_fields(first, second))
        yield ComposedAnswer(f"{first.generic}+{second.generic}", "compare", text, tuple(all_names))
