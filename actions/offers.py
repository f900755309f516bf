"""The likeliest answers as buttons: the answer classifier's top choices for a message, titled for a patient."""
from __future__ import annotations

import json

from actions.conversation import MATCHER
from actions.drugs import asked_part
from bot.contract import ANSWER_CHOICES, DRUG_ENTITY, DRUG_INTENT, FACET_ENTITY
from bot.knowledge.answers import topic_titles
from bot.knowledge.facets import default_registry

MAX_TOPIC_BUTTONS = 3
REGISTRY = default_registry()


def likely_topics(parse: dict, leave_out: set[str] | frozenset[str] = frozenset()) -> list[dict[str, str]]:
    """Buttons for the few answers the classifier found likeliest for a message, titled for a patient.

    A drug answer becomes a button only when the message names the drug: "Side effects: palbociclib (Ibrance)".
    """
    titles = topic_titles()
    drug = MATCHER.match(asked_part(parse.get("text") or "")).drug
    buttons = []
    for choice in parse.get(ANSWER_CHOICES) or []:
        key = choice.get("key") or ""
        facet = key.split("/", 1)[1] if key.startswith(f"{DRUG_INTENT}/") else None
        if key in leave_out or (facet and drug and f"{DRUG_INTENT}/{facet}" in leave_out):
            continue
        if facet and drug and facet in REGISTRY.facets:
            entities = json.dumps({DRUG_ENTITY: drug.generic, FACET_ENTITY: facet})
            buttons.append({"title": f"{REGISTRY.facets[facet].title}: {drug.display_name}",
                            "payload": f"/{DRUG_INTENT}{entities}"})
        elif key in titles:
            payload = f"/choose_topic{json.dumps({'topic': key})}" if "/" in key else f"/{key}"
            buttons.append({"title": titles[key], "payload": payload})
    return buttons[:MAX_TOPIC_BUTTONS]
