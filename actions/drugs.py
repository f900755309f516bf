"""Drug answers: what a drug or class is, how it is given, side effects, who it is for, its sources.

No reply text and no drug fact lives here: the words are in domain.yml, the facts in data/drugs.yml.
"""
from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import CATALOG, MATCHER
from bot.contract import DRUG_CLASS_ENTITY, DRUG_ENTITY, DRUG_INTENTS, DRUG_SLOT, DRUG_WHAT_INTENT, UNKNOWN_WORDS
from bot.knowledge.drugs import Drug, DrugClass
from bot.language.drug_matcher import DrugMatch

RESPONSE_FOR_INTENT = dict(zip(DRUG_INTENTS, (
    "utter_drug_what", "utter_drug_route", "utter_drug_side_effects", "utter_drug_who"), strict=True))


def _reviewed(entry: Drug | DrugClass) -> str:
    return entry.last_reviewed.strftime("%b %Y")


def drug_fields(drug: Drug) -> dict[str, Any]:
    """Template variables for the drug responses in domain.yml."""
    return {
        "drug_name": drug.display_name,
        "drug_class_name": CATALOG.classes[drug.drug_class].name,
        "how_it_works": drug.how_it_works,
        "routes": " or ".join(CATALOG.route_phrases(drug)),
        "side_effects": ", ".join(drug.side_effects),
        "warnings": " ".join(drug.warnings),
        "who_for": drug.who_for,
        "sources": ", ".join(drug.sources),
        "reviewed": _reviewed(drug),
    }


def class_fields(drug_class: DrugClass) -> dict[str, Any]:
    """Template variables for utter_drug_class."""
    return {
        "class_name": drug_class.name,
        "what_it_is": drug_class.what_it_is,
        "members": ", ".join(d.display_name for d in CATALOG.members(drug_class)),
        "sources": ", ".join(drug_class.sources),
        "reviewed": _reviewed(drug_class),
    }


def mentioned(tracker: Tracker) -> DrugMatch:
    """The drug or class the latest message names: an entity first, then the text itself."""
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") in (DRUG_ENTITY, DRUG_CLASS_ENTITY):
            match = MATCHER.match(str(entity.get("value", "")))
            if match.found:
                return match
    return MATCHER.match(tracker.latest_message.get("text") or "")


class ActionDrugAnswer(Action):
    """Answers what a drug is, how it is given, its side effects and who it is for."""

    def name(self) -> str:
        return "action_drug_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        intent = tracker.get_intent_of_latest_message() or DRUG_WHAT_INTENT
        response = RESPONSE_FOR_INTENT.get(intent, "utter_drug_what")
        match = mentioned(tracker)
        if match.drug_class and not match.drug:
            dispatcher.utter_message(response="utter_drug_class", **class_fields(match.drug_class))
            return [SlotSet(DRUG_SLOT, None)]
        if match.ambiguous:
            buttons = [
                {"title": d.display_name, "payload": f"/{intent}{json.dumps({'drug': d.generic})}"}
                for d in match.candidates
            ]
            dispatcher.utter_message(response="utter_ask_which_of", buttons=buttons)
            return []
        drug = match.drug or self._drug_referred_to(tracker)
        if drug is None:
            if tracker.latest_message.get(UNKNOWN_WORDS):
                dispatcher.utter_message(response="utter_drug_unknown")
                return [SlotSet(DRUG_SLOT, None)]
            dispatcher.utter_message(response="utter_ask_which_drug")
            return []
        dispatcher.utter_message(response=response, **drug_fields(drug))
        return [SlotSet(DRUG_SLOT, drug.generic)]

    @staticmethod
    def _drug_referred_to(tracker: Tracker) -> Drug | None:
        """The drug of the conversation, unless the message names something unknown."""
        if tracker.latest_message.get(UNKNOWN_WORDS):
            return None
        name = tracker.get_slot(DRUG_SLOT)
        return CATALOG.drugs.get(name) if name else None


class ActionSource(Action):
    """Says where the last drug answer came from, or where answers come from in general."""

    def name(self) -> str:
        return "action_source"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        drug = CATALOG.drugs.get(tracker.get_slot(DRUG_SLOT) or "")
        if drug:
            dispatcher.utter_message(response="utter_source_drug", **drug_fields(drug))
        else:
            dispatcher.utter_message(response="utter_source_general")
        return []
