"""Safety answers chosen by grade: emergency (911 first), red (the 24-hour line now), amber (the team today).

Also hears a correction ("I'm not suicidal", "I was asking for later", "she's already in hospital"):
it thanks the person and answers what they meant, never repeating the same script twice in a row.
"""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import CATALOG, last_bot_responses, selected_answer
from actions.episode import IN_CARE_RESPONSE, says_in_hospital
from bot.contract import AMBER_INTENT, DRUG_SLOT, EPISODE_SLOT, IN_CARE, SAFETY
from bot.language.drug_matcher import DrugMatch, medicines_of
from bot.safety.detector import PRECEDENCE, default_detector

RESPONSE_FOR_LEVEL = {
    "emergency": "utter_emergency", "poison": "utter_poison", "red": "utter_red_flag", "amber": "utter_amber",
}
AGAIN = "_again"
TELL_THE_NURSE = "utter_tell_nurse"
# After a correction, the curated answer that says what they meant, when the model did not find a better one.
ANSWER_AFTER_CORRECTION = {
    "not_crisis": ("utter_not_crisis_thanks", ("prognosis/", "feelings/", "support/"), "utter_feelings/dying"),
    "not_now": ("utter_not_now_thanks", ("safety_info/",), "utter_safety_info/when_to_call"),
}


def safety_of(tracker: Tracker) -> dict:
    return tracker.latest_message.get(SAFETY) or {}


def urgency_of_turn(tracker: Tracker) -> str | None:
    """The urgency the safety layer found, raised by the medicine in focus when the message does not name it:
    "she has a new cough and is breathless on the stairs" two turns after "my wife is on Enhertu" is red,
    not amber (the NLU sees one message; the conversation's medicine is in a slot)."""
    level = safety_of(tracker).get("level")
    drug = CATALOG.drugs.get(tracker.get_slot(DRUG_SLOT) or "")
    if level != "amber" or drug is None:
        return level
    medicines = medicines_of(DrugMatch(drug=drug), CATALOG)
    finding = default_detector().detect(tracker.latest_message.get("text") or "", medicines)
    if finding and PRECEDENCE.index(finding.level) < PRECEDENCE.index(level):
        return finding.level
    return level


class ActionUrgentAnswer(Action):
    """Says the answer of the symptom's urgency grade (data/safety.yml), or 'tell the nurse' when the person is
    already with medical help (said in this message, or earlier in the urgent episode)."""

    def name(self) -> str:
        return "action_urgent_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if says_in_hospital(tracker) or tracker.get_slot(EPISODE_SLOT) == IN_CARE:
            dispatcher.utter_message(response=TELL_THE_NURSE)
            return [SlotSet(EPISODE_SLOT, IN_CARE)]
        intent = tracker.get_intent_of_latest_message()
        level = urgency_of_turn(tracker) or ("amber" if intent == AMBER_INTENT else "red")
        response = RESPONSE_FOR_LEVEL.get(level, RESPONSE_FOR_LEVEL["red"])
        said_last = last_bot_responses(tracker)
        if response in said_last or response + AGAIN in said_last:
            response += AGAIN
        dispatcher.utter_message(response=response)
        return []


class ActionSafetyCorrection(Action):
    """Thanks the person for a correction and answers what they meant."""

    def name(self) -> str:
        return "action_safety_correction"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        kind = safety_of(tracker).get("rule")
        if kind == "in_hospital":
            dispatcher.utter_message(response=IN_CARE_RESPONSE)
            return [SlotSet(EPISODE_SLOT, IN_CARE)]
        thanks, fitting, default = ANSWER_AFTER_CORRECTION.get(kind, ANSWER_AFTER_CORRECTION["not_now"])
        dispatcher.utter_message(response=thanks)
        key = selected_answer(tracker)
        answer = f"utter_{key}" if key and key.startswith(fitting) else default
        dispatcher.utter_message(response=answer)
        return [SlotSet(EPISODE_SLOT, None)]  # nothing is happening, or it was not a crisis: the episode ends
