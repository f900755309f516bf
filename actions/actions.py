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
from bot.questions import already_saved, suggested_questions
from bot.subtypes import subtype_key
from bot.topics import source_of, topic_titles

CATALOG = default_catalog()
MATCHER = DrugMatcher(CATALOG)

RESPONSE_FOR_INTENT = {
    "ask_drug_what": "utter_drug_what",
    "ask_drug_route": "utter_drug_route",
    "ask_drug_side_effects": "utter_drug_side_effects",
    "ask_drug_who": "utter_drug_who",
}
UNKNOWN_WORDS = "unknown_words"  # set in the parse data by bot.nlu_components.SafetyGuard
SAFETY = "safety"  # likewise: {"category": ..., "rule": ...} when the guard overrode the intent
DRUG_INTENTS = set(RESPONSE_FOR_INTENT)
FALLBACK = "nlu_fallback"
FALLBACKS_BEFORE_HUMAN = 2
MAX_TOPIC_BUTTONS = 3
MIN_TOPIC_CONFIDENCE = 0.05
META_CHANNELS = {"rest", "socketio"}  # channels whose front ends read the custom meta payload
NO_FEEDBACK_CHANNELS = {"cmdline"}  # rasa shell turns buttons into a blocking prompt
REPLY_BUDGET = 900  # characters of a whole turn (texts, buttons, payloads) for a phone screen


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


def user_intents(tracker: Tracker) -> list[str]:
    """The intent of every user message of the conversation, oldest first."""
    return [
        (e.get("parse_data") or {}).get("intent", {}).get("name") or ""
        for e in tracker.events
        if e.get("event") == "user"
    ]


def fallbacks_in_a_row(tracker: Tracker) -> int:
    count = 0
    for intent in reversed(user_intents(tracker)):
        if intent != FALLBACK:
            break
        count += 1
    return count


def full_topic(tracker: Tracker) -> str | None:
    """'side_effect/nausea' for a curated answer, the entity of a chosen topic, else None."""
    intent = tracker.latest_message.get("intent") or {}
    if intent.get("full_retrieval_intent_name"):
        return intent["full_retrieval_intent_name"]
    # One ResponseSelector serves every retrieval intent, so its answer is under "default".
    selected = ((tracker.latest_message.get("response_selector") or {}).get("default") or {}).get("response") or {}
    key = selected.get("intent_response_key") or ""
    if intent.get("name") and key.startswith(f"{intent['name']}/"):
        return key
    chosen = next(tracker.get_latest_entity_values("topic"), None)
    return chosen if chosen in topic_titles() else None


def bot_texts_since_user(tracker: Tracker) -> list[str]:
    texts: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot" and event.get("text"):
            texts.append(event["text"])
    return list(reversed(texts))


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
        drug = tracker.get_slot("drug") if intent in DRUG_INTENTS and source else None
        if tracker.get_latest_input_channel() in META_CHANNELS:
            meta = {
                "red_flag": intent == "red_flag",
                "crisis": intent == "crisis",
                "fallback_count": user_intents(tracker).count(FALLBACK),
                "topic": topic or intent or None,
                "drug": drug,
                "source": source,
            }
            dispatcher.utter_message(json_message={"meta": meta})
        # A new curated topic ends the drug thread: "its side effects" now needs a name.
        events: list[EventType] = [SlotSet("drug", None)] if topic and not drug else []
        if (topic or drug) and source and tracker.get_latest_input_channel() not in NO_FEEDBACK_CHANNELS:
            self._suggest_a_question(dispatcher, tracker, topic, drug, used=sum(map(len, texts)))
            dispatcher.utter_message(response="utter_ask_helpful")
            events.append(SlotSet("last_topic", drug or topic))
        return events

    @staticmethod
    def _suggest_a_question(
        dispatcher: CollectingDispatcher, tracker: Tracker, topic: str | None, drug: str | None, used: int
    ) -> None:
        """Offer one curated question to add to the patient's list, when it fits on the screen."""
        key = CATALOG.drugs[drug].drug_class if drug in CATALOG.drugs else (topic or "").split("/")[0]
        saved = tracker.get_slot("my_questions") or []
        question = next((q for q in suggested_questions(key) if not already_saved(q, saved)), None)
        if not question:
            return
        button = {"title": question, "payload": f"/save_question{json.dumps({'question_text': question})}"}
        if used + 2 * len(question) + 400 > REPLY_BUDGET:  # 400: the meta payload and the feedback prompt
            return
        dispatcher.utter_message(response="utter_suggest_question", buttons=[button])


class ActionAnswerTopic(Action):
    """Answers the curated topic the patient picked from the offered buttons."""

    def name(self) -> str:
        return "action_answer_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        topic = next(tracker.get_latest_entity_values("topic"), None)
        response = f"utter_{topic}"
        if topic and response in domain.get("responses", {}):
            dispatcher.utter_message(response=response)
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []


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
        elif problem != "gibberish" and (buttons := self._likely_topics(tracker)):
            dispatcher.utter_message(response="utter_fallback_topics", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []

    @staticmethod
    def _likely_topics(tracker: Tracker) -> list[dict[str, str]]:
        """Buttons for the few curated answers or drug questions the model found likeliest."""
        titles = topic_titles()
        parse = tracker.latest_message
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
        for key in dict.fromkeys(picks):
            payload = f"/choose_topic{json.dumps({'topic': key})}" if "/" in key else f"/{key}"
            buttons.append({"title": titles[key], "payload": payload})
        return buttons[:MAX_TOPIC_BUTTONS]
