"""Thin custom actions: they look facts up in the data files and fill domain responses.

No reply text and no drug fact lives here: the words are in domain.yml, the facts in
data/drugs.yml. Data is loaded once, when the action server imports this module.
"""
from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.drug_matcher import DrugMatch, DrugMatcher
from bot.drugs import Drug, DrugClass, default_catalog
from bot.subtypes import subtype_key

CATALOG = default_catalog()
MATCHER = DrugMatcher(CATALOG)

RESPONSE_FOR_INTENT = {
    "ask_drug_what": "utter_drug_what",
    "ask_drug_route": "utter_drug_route",
    "ask_drug_side_effects": "utter_drug_side_effects",
    "ask_drug_who": "utter_drug_who",
}
UNKNOWN_WORDS = "unknown_words"  # set in the parse data by bot.nlu_components.SafetyGuard


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
        if entity.get("entity") in ("drug", "drug_class"):
            match = MATCHER.match(str(entity.get("value", "")))
            if match.found:
                return match
    return MATCHER.match(tracker.latest_message.get("text") or "")


class ActionDrugAnswer(Action):
    """Answers what a drug is, how it is given, its side effects and who it is for."""

    def name(self) -> str:
        return "action_drug_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        intent = tracker.get_intent_of_latest_message() or "ask_drug_what"
        response = RESPONSE_FOR_INTENT.get(intent, "utter_drug_what")
        match = mentioned(tracker)
        if match.drug_class and not match.drug:
            dispatcher.utter_message(response="utter_drug_class", **class_fields(match.drug_class))
            return [SlotSet("drug", None)]
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
                return [SlotSet("drug", None)]
            dispatcher.utter_message(response="utter_ask_which_drug")
            return []
        dispatcher.utter_message(response=response, **drug_fields(drug))
        return [SlotSet("drug", drug.generic)]

    @staticmethod
    def _drug_referred_to(tracker: Tracker) -> Drug | None:
        """The drug of the conversation, unless the message names something unknown."""
        if tracker.latest_message.get(UNKNOWN_WORDS):
            return None
        name = tracker.get_slot("drug")
        return CATALOG.drugs.get(name) if name else None


class ActionTreatmentOptions(Action):
    """Gives the treatment overview for the patient's subtype, or asks for it."""

    def name(self) -> str:
        return "action_treatment_options"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        key = subtype_key(tracker.latest_message.get("text") or "") or tracker.get_slot("subtype")
        if not key:
            dispatcher.utter_message(response="utter_ask_subtype")
            return []
        dispatcher.utter_message(response=f"utter_subtype/{key}")
        return [SlotSet("subtype", key)]


class ActionSource(Action):
    """Says where the last drug answer came from, or where answers come from in general."""

    def name(self) -> str:
        return "action_source"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        drug = CATALOG.drugs.get(tracker.get_slot("drug") or "")
        if drug:
            dispatcher.utter_message(response="utter_source_drug", **drug_fields(drug))
        else:
            dispatcher.utter_message(response="utter_source_general")
        return []


class ActionFallback(Action):
    """Explains unusable input, or asks to rephrase instead of guessing."""

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        problem = (tracker.latest_message.get("safety") or {}).get("rule")
        response = f"utter_input_{problem}"
        if problem and response in domain.get("responses", {}):
            dispatcher.utter_message(response=response)
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []
