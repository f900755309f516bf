"""Curated questions a patient may want to ask the care team, from data/questions_to_ask.yml."""
from __future__ import annotations

from functools import cache

import yaml

from bot.knowledge.drugs import default_catalog
from bot.paths import QUESTIONS_TO_ASK_FILE


@cache
def questions_to_ask() -> dict[str, tuple[str, ...]]:
    """Curated questions by key (topic, drug class id, "chemotherapy", "drug")."""
    data = yaml.safe_load(QUESTIONS_TO_ASK_FILE.read_text(encoding="utf-8"))
    return {str(k): tuple(v) for k, v in data["questions"].items()}


def suggested_questions(key: str) -> list[str]:
    """Curated questions to offer after an answer about `key`.

    `key` is a topic ("treatment", or a retrieval intent such as "side_effect/nausea"),
    a drug class id ("cdk46_inhibitor"), or a drug or class name ("Ibrance"). A drug or
    class without questions of its own gets the generic "drug" ones; anything else none.
    """
    curated = questions_to_ask()
    key = (key or "").strip()
    for candidate in (key, key.split("/", 1)[0]):
        if candidate in curated:
            return list(curated[candidate])
    catalog = default_catalog()
    drug = catalog.drug(key)
    drug_class = catalog.classes.get(drug.drug_class) if drug else catalog.drug_class(key)
    if drug_class:
        return list(curated.get(drug_class.id, curated["drug"]))
    return []
