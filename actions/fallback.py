"""The fallback: explains unusable input, offers the likeliest topics, and after two misses a person."""
from __future__ import annotations

import json

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import MATCHER, fallbacks_in_a_row, previous_question_parse
from actions.drugs import SHORT_REPLY_WORDS, ActionDrugAnswer, asked_part
from actions.episode import ActionUrgentEpisode, open_episode
from bot.contract import (
    ANSWER_CHOICES,
    ANSWER_OUTCOME,
    DRUG_ENTITY,
    DRUG_INTENT,
    DRUG_SLOT,
    FACET_ENTITY,
    LAST_TOPIC_SLOT,
    PENDING_FACET_SLOT,
    SAFETY,
    URGENT_DELAY_INTENT,
    URGENT_IN_CARE_INTENT,
)
from bot.knowledge.answers import topic_titles
from bot.knowledge.facets import default_registry
from bot.language.input_guard import default_language_hints

FALLBACKS_BEFORE_HUMAN = 2
MAX_TOPIC_BUTTONS = 3
FOLLOW_UP_MAX_WORDS = 10
REGISTRY = default_registry()
HINTS = default_language_hints()


class ActionFallback(Action):
    """Explains unusable input; when unsure, offers the likeliest topics instead of guessing.

    After two fallbacks in a row it offers a person to talk to.
    """

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        problem = (tracker.latest_message.get(SAFETY) or {}).get("rule")
        response = f"utter_input_{problem}"
        if not problem and continues_a_drug_thread(tracker):
            return ActionDrugAnswer().run(dispatcher, tracker, domain)
        if not problem and continues_an_urgent_episode(tracker):
            return ActionUrgentEpisode().run(dispatcher, tracker, domain)
        if problem and response in domain.get("responses", {}):
            dispatcher.utter_message(response=response)
        elif fallbacks_in_a_row(tracker) >= FALLBACKS_BEFORE_HUMAN:
            dispatcher.utter_message(response="utter_offer_human")
        elif problem == "gibberish":
            dispatcher.utter_message(response="utter_ask_rephrase")
        elif tracker.latest_message.get(ANSWER_OUTCOME) != "decline" and (buttons := self._likely_topics(tracker)):
            dispatcher.utter_message(response="utter_fallback_topics", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_not_covered")
        return []

    @staticmethod
    def _likely_topics(tracker: Tracker) -> list[dict[str, str]]:
        return likely_topics(tracker.latest_message)


def continues_a_drug_thread(tracker: Tracker) -> bool:
    """What the model cannot see: the medicine asked for after "which medicine?", or a short follow-up that points
    back at the medicine of the conversation ("does it make her joints ache?") where a drug answer is among the
    likeliest answers."""
    parse = tracker.latest_message
    text = parse.get("text") or ""
    if tracker.get_slot(PENDING_FACET_SLOT) and len(text.split()) <= SHORT_REPLY_WORDS:
        return MATCHER.match(text).found
    choices = [c.get("key") or "" for c in parse.get(ANSWER_CHOICES) or []]
    return bool(tracker.get_slot(DRUG_SLOT) and HINTS.points_back(text) and len(text.split()) <= FOLLOW_UP_MAX_WORDS
                and any(key.startswith(f"{DRUG_INTENT}/") for key in choices))


def continues_an_urgent_episode(tracker: Tracker) -> bool:
    """What the model cannot see: an unclear message in an open urgent episode where waiting or being with medical
    help is among the likeliest answers ("my mri is friday anyway")."""
    choices = {c.get("key") for c in tracker.latest_message.get(ANSWER_CHOICES) or []}
    return open_episode(tracker) is not None and bool(choices & {URGENT_DELAY_INTENT, URGENT_IN_CARE_INTENT})


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


class ActionFeedbackNotHelpful(Action):
    """After "No" to "Was this helpful?": the likeliest other answers to that question, and a person."""

    def name(self) -> str:
        return "action_feedback_not_helpful"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        answered = tracker.get_slot(LAST_TOPIC_SLOT)
        question = previous_question_parse(tracker)
        buttons = likely_topics(question, {answered} if answered else set()) if question else []
        if buttons:
            dispatcher.utter_message(response="utter_feedback_other_answers", buttons=buttons)
        dispatcher.utter_message(response="utter_offer_human")
        return []
