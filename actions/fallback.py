"""The fallback: explains unusable input, offers the likeliest topics, and after two misses a person."""
from __future__ import annotations

import json

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import fallbacks_in_a_row, previous_question_parse
from bot.contract import LAST_TOPIC_SLOT, SAFETY
from bot.knowledge.answers import topic_titles

FALLBACKS_BEFORE_HUMAN = 2
MAX_TOPIC_BUTTONS = 3
MIN_TOPIC_CONFIDENCE = 0.05


class ActionFallback(Action):
    """Explains unusable input; when unsure, offers the likeliest topics instead of guessing.

    After two fallbacks in a row it offers a person to talk to.
    """

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        problem = (tracker.latest_message.get(SAFETY) or {}).get("rule")
        response = f"utter_input_{problem}"
        if problem and response in domain.get("responses", {}):
            dispatcher.utter_message(response=response)
        elif fallbacks_in_a_row(tracker) >= FALLBACKS_BEFORE_HUMAN:
            dispatcher.utter_message(response="utter_offer_human")
        elif problem == "gibberish":
            dispatcher.utter_message(response="utter_ask_rephrase")
        elif buttons := self._likely_topics(tracker):
            dispatcher.utter_message(response="utter_fallback_topics", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_not_covered")
        return []

    @staticmethod
    def _likely_topics(tracker: Tracker) -> list[dict[str, str]]:
        return likely_topics(tracker.latest_message)


def likely_topics(parse: dict, leave_out: set[str] | frozenset[str] = frozenset()) -> list[dict[str, str]]:
    """Buttons for the few curated answers or drug questions the model found likeliest for a message."""
    titles = topic_titles()
    ranked = [(r.get("name"), r.get("confidence", 0.0)) for r in parse.get("intent_ranking") or []]
    selector = ((parse.get("response_selector") or {}).get("default") or {}).get("ranking") or []
    picks: list[str] = []
    for name, confidence in ranked:
        if confidence < MIN_TOPIC_CONFIDENCE:
            continue
        if name in titles:
            picks.append(name)
        else:
            keys = [r.get("intent_response_key") or "" for r in selector]
            picks += [k for k in keys if k.startswith(f"{name}/") and k in titles][:2]
    buttons = []
    for key in dict.fromkeys(p for p in picks if p not in leave_out):
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
