"""Curated topic answers chosen by code: the patient's subtype options, and a topic picked from buttons."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import first_sentence, full_topic, last_answer_texts, responses_said
from actions.drugs import ActionDrugAnswer, drug_question_set_aside, facet_of_a_follow_up
from bot.contract import SUBTYPE_SLOT, TOPIC_ENTITY
from bot.knowledge.answers import topic_titles
from bot.language.subtype_matcher import subtype_key

TITLES = topic_titles()


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


class ActionTopicAnswer(Action):
    """A curated answer; a short follow-up on the medicine in focus gets that medicine's facet instead; an answer
    already given in this conversation is not said again in full without saying so: "As I said earlier" with its
    main point, and a button for the whole answer again."""

    def name(self) -> str:
        return "action_topic_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        key = full_topic(tracker)
        if facet := drug_question_set_aside(tracker) or facet_of_a_follow_up(tracker, key):
            return ActionDrugAnswer().run(dispatcher, tracker, domain, facet=facet)
        response = f"utter_{key}"
        responses = domain.get("responses", {})
        if not key or response not in responses:
            dispatcher.utter_message(response="utter_ask_rephrase")
        elif response in responses_said(tracker):
            point = first_sentence((responses[response][0] or {}).get("text") or "")
            button = {"title": TITLES.get(key, key), "payload": f'/choose_topic{{"topic": "{key}"}}'}
            dispatcher.utter_message(response="utter_as_i_said", point=point, buttons=[button])
        else:
            dispatcher.utter_message(response=response)
        return []


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


# Treatment answers that the patient's own subtype answers better ("which targeted drugs could I get?").
SHAPED_BY_SUBTYPE = frozenset({"treatment/overview", "treatment/targeted", "treatment/hormone", "treatment/chemo",
                               "treatment/tailored"})


class ActionTreatmentAnswer(Action):
    """A treatment question: the curated answer, or the subtype's options when the patient gave theirs."""

    def name(self) -> str:
        return "action_treatment_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if facet := drug_question_set_aside(tracker):
            return ActionDrugAnswer().run(dispatcher, tracker, domain, facet=facet)
        key = full_topic(tracker) or "treatment/overview"
        subtype = tracker.get_slot(SUBTYPE_SLOT)
        if subtype and key in SHAPED_BY_SUBTYPE:
            dispatcher.utter_message(response=f"utter_subtype/{subtype}")
        else:
            dispatcher.utter_message(response=f"utter_{key}")
        return []


class ActionExplainSimpler(Action):
    """"What do you mean?": the point of the last answer, said more simply; never the same text again."""

    def name(self) -> str:
        return "action_explain_simpler"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        answer = next((t for t in reversed(last_answer_texts(tracker)) if len(t.split()) > 6), None)
        if answer:
            dispatcher.utter_message(response="utter_simpler", point=first_sentence(answer))
        else:
            dispatcher.utter_message(response="utter_simpler_nothing")
        return []
