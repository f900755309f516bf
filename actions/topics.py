"""Curated topic answers chosen by code: the patient's subtype options, and a topic picked from buttons."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.contract import SUBTYPE_SLOT, TOPIC_ENTITY
from bot.language.subtype_matcher import subtype_key


class ActionTreatmentOptions(Action):
    """Gives the treatment overview for the patient's subtype, or asks for it."""

    def name(self) -> str:
        return "action_treatment_options"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        key = subtype_key(tracker.latest_message.get("text") or "") or tracker.get_slot(SUBTYPE_SLOT)
        if not key:
            dispatcher.utter_message(response="utter_ask_subtype")
            return []
        dispatcher.utter_message(response=f"utter_subtype/{key}")
        return [SlotSet(SUBTYPE_SLOT, key)]


class ActionAnswerTopic(Action):
    """Answers the curated topic the patient picked from the offered buttons."""

    def name(self) -> str:
        return "action_answer_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        topic = next(tracker.get_latest_entity_values(TOPIC_ENTITY), None)
        response = f"utter_{topic}"
        if topic and response in domain.get("responses", {}):
            dispatcher.utter_message(response=response)
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []
