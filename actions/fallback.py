"""The fallback: explains unusable input, offers the likeliest topics, and after two misses a person."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import MATCHER, fallbacks_in_a_row, previous_question_parse
from actions.drugs import (
    FOLLOW_UP_MAX_WORDS,
    SHORT_REPLY_WORDS,
    ActionDrugAnswer,
    facet_of_a_follow_up,
    is_a_follow_up,
)
from actions.episode import ActionUrgentEpisode, open_episode
from actions.offers import likely_topics
from bot.contract import (
    ANSWER_CHOICES,
    ANSWER_OUTCOME,
    DRUG_INTENT,
    DRUG_SLOT,
    LAST_TOPIC_SLOT,
    PENDING_FACET_SLOT,
    SAFETY,
)
from bot.language.input_guard import default_language_hints

FALLBACKS_BEFORE_HUMAN = 2
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
        if not problem and (facet := follow_up_facet(tracker)):
            return ActionDrugAnswer().run(dispatcher, tracker, domain, facet=facet)
        if not problem and open_episode(tracker):
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


def follow_up_facet(tracker: Tracker) -> str | None:
    """A short, unclear question with a medicine in focus whose likeliest answer is a drug facet, or a general
    topic that a facet answers ("can she get her flu shot"): that facet of the medicine in focus."""
    choices = [c.get("key") or "" for c in tracker.latest_message.get(ANSWER_CHOICES) or []]
    if not choices:
        return None
    top = choices[0]
    if top.startswith(f"{DRUG_INTENT}/"):
        return top.split("/", 1)[1] if is_a_follow_up(tracker) else None
    return facet_of_a_follow_up(tracker, top)


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
