"""The end of every turn: the machine-readable meta payload, a question to save, "Was this helpful?"."""
from __future__ import annotations

import json

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import CATALOG, bot_texts_since_user, full_topic, user_intents
from bot.contract import (
    CRISIS_INTENT,
    DRUG_INTENTS,
    DRUG_SLOT,
    FALLBACK_INTENT,
    LAST_TOPIC_SLOT,
    META_AND_FEEDBACK_CHARS,
    MY_QUESTIONS_SLOT,
    RED_FLAG_INTENT,
    REPLY_BUDGET_CHARS,
)
from bot.knowledge.answers import source_of
from bot.knowledge.questions_to_ask import suggested_questions
from bot.language.question_text import already_saved

META_CHANNELS = {"rest", "socketio"}  # channels whose front ends read the custom meta payload
NO_FEEDBACK_CHANNELS = {"cmdline"}  # rasa shell turns buttons into a blocking prompt


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
        topic = full_topic(tracker)
        texts = bot_texts_since_user(tracker)
        source = next((s for s in map(source_of, texts) if s), None)
        # Only an answered drug question is about a drug (not "which medicine did you mean?").
        drug = tracker.get_slot(DRUG_SLOT) if intent in DRUG_INTENTS and source else None
        if tracker.get_latest_input_channel() in META_CHANNELS:
            meta = {
                "red_flag": intent == RED_FLAG_INTENT,
                "crisis": intent == CRISIS_INTENT,
                "fallback_count": user_intents(tracker).count(FALLBACK_INTENT),
                "topic": topic or intent or None,
                "drug": drug,
                "source": source,
            }
            dispatcher.utter_message(json_message={"meta": meta})
        # A new curated topic ends the drug thread: "its side effects" now needs a name.
        events: list[EventType] = [SlotSet(DRUG_SLOT, None)] if topic and not drug else []
        if (topic or drug) and source and tracker.get_latest_input_channel() not in NO_FEEDBACK_CHANNELS:
            self._suggest_a_question(dispatcher, tracker, topic, drug, used=sum(map(len, texts)))
            dispatcher.utter_message(response="utter_ask_helpful")
            events.append(SlotSet(LAST_TOPIC_SLOT, drug or topic))
        return events

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
