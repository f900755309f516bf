"""The end of every turn: the machine-readable meta payload, a question to save, "Was this helpful?"."""
from __future__ import annotations

import json

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    CATALOG,
    MATCHER,
    answered_this_turn,
    bot_texts_since_user,
    full_topic,
    missed_turns,
    topics_asked_about,
    turns_since_response,
)
from actions.safety import urgency_of_turn
from bot.contract import (
    AMBER_INTENT,
    ANSWER_CONFIDENCE,
    CRISIS_CHECK_INTENT,
    CRISIS_INTENT,
    DIAGNOSIS_INTENT,
    DOSE_INTENT,
    DRUG_CLASS_SLOT,
    DRUG_SLOT,
    EPISODE_LEVELS,
    EPISODE_RULE_SLOT,
    EPISODE_SLOT,
    FALLBACK_INTENT,
    IN_CARE,
    LAST_TOPIC_SLOT,
    META_AND_FEEDBACK_CHARS,
    MY_QUESTIONS_SLOT,
    RED_FLAG_INTENT,
    RED_FLAG_LEVELS,
    REPLY_BUDGET_CHARS,
    ROUTE,
    SAFETY,
    SAFETY_CORRECTION_INTENT,
    URGENCY_LEVELS,
    URGENT_DELAY_INTENT,
    URGENT_IN_CARE_INTENT,
)
from bot.knowledge.answers import source_of
from bot.knowledge.questions_to_ask import suggested_questions
from bot.language.input_guard import default_language_hints
from bot.language.question_text import already_saved

META_CHANNELS = {"rest", "socketio"}  # channels whose front ends read the custom meta payload
NO_FEEDBACK_CHANNELS = {"cmdline"}  # rasa shell turns buttons into a blocking prompt
# No "Was this helpful?" after these: a safety answer, a refusal, a correction, or a reply to feelings.
NO_FEEDBACK_INTENTS = frozenset({RED_FLAG_INTENT, AMBER_INTENT, CRISIS_INTENT, CRISIS_CHECK_INTENT, DOSE_INTENT,
                                 DIAGNOSIS_INTENT, URGENT_DELAY_INTENT, URGENT_IN_CARE_INTENT,
                                 SAFETY_CORRECTION_INTENT, FALLBACK_INTENT})
NO_FEEDBACK_TOPICS = ("feelings/",)
REFUSALS = {DOSE_INTENT: "dose", DIAGNOSIS_INTENT: "diagnosis"}
DRUG_RESPONSE_PREFIX = "utter_drug/"
DECLINE_RESPONSES = frozenset({"utter_fallback_topics", "utter_not_covered"})
COMPARE_RESPONSES = {"utter_drug_compare_similar": "compare", "utter_drug_status_current": "status",
                     "utter_drug_class": "what"}
FEEDBACK_ROOM = 720  # longest answer text (with its source line) that still gets the prompt on a phone screen
FEEDBACK_PROMPT = "utter_ask_helpful"
HINTS = default_language_hints()
FEEDBACK_EVERY = 3  # "Was this helpful?" at most once in this many answers


def sources_text(sources: object) -> str:
    """A response's `sources` metadata (a list, or the text a composed answer filled in) as one line."""
    return ", ".join(map(str, sources)) if isinstance(sources, list) else str(sources)


class ActionReplyMeta(Action):
    """Closes every turn: a machine-readable payload for front ends, and a feedback prompt.

    The payload says whether the turn was a red flag or a crisis, how many fallbacks the
    conversation had, and the topic, drug and source of the answer. After a substantive
    answer (a curated topic or a drug) it asks "Was this helpful?" and remembers the topic.
    """

    def name(self) -> str:
        return "action_reply_meta"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        texts = bot_texts_since_user(tracker)
        said = answered_this_turn(tracker)
        facet = next((COMPARE_RESPONSES.get(name) or name.split("/", 1)[1] for name, _ in said
                      if name.startswith(DRUG_RESPONSE_PREFIX) or name in COMPARE_RESPONSES), None)
        answered = next((name.removeprefix("utter_") for name, _ in said
                         if "/" in name and not name.startswith(DRUG_RESPONSE_PREFIX)), None)
        topic = f"drug/{facet}" if facet else (answered or full_topic(tracker))
        # A reply that declined (with or without the likeliest answers as buttons) is a fallback, whatever the intent.
        declined = any(name in DECLINE_RESPONSES for name, _ in said)
        source = next((sources_text(m["sources"]) for _, m in said if m.get("sources")), None) \
            or next((s for s in map(source_of, texts) if s), None)
        # Only an answered drug question is about a drug (not "which medicine did you mean?").
        drug = tracker.get_slot(DRUG_SLOT) if facet and source else None
        drug_class = tracker.get_slot(DRUG_CLASS_SLOT) if facet and source and not drug else None
        safety = tracker.latest_message.get(SAFETY) or {}
        level = urgency_of_turn(tracker) if intent in (RED_FLAG_INTENT, AMBER_INTENT) else None
        episode, episode_events = self._episode(tracker, intent, level, safety.get("rule"))
        if tracker.get_latest_input_channel() in META_CHANNELS:
            meta = {
                "red_flag": level in RED_FLAG_LEVELS,
                "urgency": level if level in URGENCY_LEVELS else "none",
                "crisis": intent in (CRISIS_INTENT, CRISIS_CHECK_INTENT),
                "refusal": REFUSALS.get(intent),
                "fallback_count": sum(missed_turns(tracker)),
                "topic": FALLBACK_INTENT if declined else (topic or intent or None),
                "drug": drug,
                "drug_class": drug_class,
                "facet": facet,
                "source": source,
                "episode": episode,
            }
            if tracker.latest_message.get(ROUTE):
                meta["route"] = tracker.latest_message[ROUTE]
            if tracker.latest_message.get(ANSWER_CONFIDENCE) and not facet:
                meta["confidence"] = tracker.latest_message[ANSWER_CONFIDENCE]
            dispatcher.utter_message(json_message={"meta": meta})
        # A medicine named moves the focus to it, whatever the answer; a new curated topic ends the drug thread
        # ("its side effects" then needs a name).
        named = MATCHER.match(tracker.latest_message.get("text") or "").drug
        if named:
            events: list[EventType] = [SlotSet(DRUG_SLOT, named.generic)] if named.generic != drug else []
        else:
            events = [SlotSet(DRUG_SLOT, None)] if topic and not drug and not facet else []
        events += episode_events
        if self._asks_for_feedback(tracker, intent, topic, drug, source, used=sum(map(len, texts))):
            self._suggest_a_question(dispatcher, tracker, topic, drug, used=sum(map(len, texts)))
            dispatcher.utter_message(response=FEEDBACK_PROMPT)
            events.append(SlotSet(LAST_TOPIC_SLOT, drug or topic))
        return events

    @staticmethod
    def _episode(tracker: Tracker, intent: str, level: str | None,
                 rule: str | None) -> tuple[str | None, list[EventType]]:
        """The urgent episode after this turn, and the events that open it: an emergency, poison, red or crisis
        answer opens one (or raises its level), unless the person is already with medical help."""
        episode = tracker.get_slot(EPISODE_SLOT)
        opened = CRISIS_INTENT if intent == CRISIS_INTENT else level
        if episode == IN_CARE and HINTS.says_back_home(tracker.latest_message.get("text") or ""):
            return None, [SlotSet(EPISODE_SLOT, None)]  # home again: the episode is over
        if opened not in EPISODE_LEVELS or episode == IN_CARE:
            return episode, []
        if episode in EPISODE_LEVELS and EPISODE_LEVELS.index(episode) < EPISODE_LEVELS.index(opened):
            return episode, []  # a more urgent episode is already open
        return opened, [SlotSet(EPISODE_SLOT, opened), SlotSet(EPISODE_RULE_SLOT, rule)]

    @staticmethod
    def _asks_for_feedback(tracker: Tracker, intent: str, topic: str | None, drug: str | None,
                           source: str | None, used: int = 0) -> bool:
        """After a sourced answer, at most once per topic and once in FEEDBACK_EVERY turns; never after feelings,
        safety answers or fallbacks, nor while an urgent episode is open."""
        if not (topic or drug) or not source or tracker.get_latest_input_channel() in NO_FEEDBACK_CHANNELS:
            return False
        if intent in NO_FEEDBACK_INTENTS or (topic or "").startswith(NO_FEEDBACK_TOPICS):
            return False
        if tracker.get_slot(EPISODE_SLOT) in EPISODE_LEVELS:
            return False
        since = turns_since_response(tracker, FEEDBACK_PROMPT)
        if since is not None and since < FEEDBACK_EVERY:
            return False
        if used > FEEDBACK_ROOM:  # a long answer: the prompt would push the turn past a phone screen
            return False
        return (drug or topic) not in topics_asked_about(tracker)

    @staticmethod
    def _suggest_a_question(
        dispatcher: CollectingDispatcher, tracker: Tracker, topic: str | None, drug: str | None, used: int
    ) -> None:
        """Offer one curated question to add to the patient's list, when it fits on the screen."""
        key = CATALOG.drugs[drug].drug_class if drug in CATALOG.drugs else (topic or "").split("/")[0]
        saved = tracker.get_slot(MY_QUESTIONS_SLOT) or []
        question = next((q for q in suggested_questions(key) if not already_saved(q, saved)), None)
        if not question:
            return
        button = {"title": question, "payload": f"/save_question{json.dumps({'question_text': question})}"}
        if used + 2 * len(question) + META_AND_FEEDBACK_CHARS > REPLY_BUDGET_CHARS:
            return
        dispatcher.utter_message(response="utter_suggest_question", buttons=[button])
