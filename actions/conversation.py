"""What the tracker says about the conversation so far: intents, fallbacks, the topic answered.

Shared by the actions; also the data they look facts up in, loaded once per process.
"""
from __future__ import annotations

from rasa_sdk import Tracker

from bot.contract import FALLBACK_INTENT, TOPIC_ENTITY
from bot.knowledge.answers import topic_titles
from bot.knowledge.drugs import default_catalog
from bot.language.drug_matcher import default_matcher

CATALOG = default_catalog()
MATCHER = default_matcher()


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
        if intent != FALLBACK_INTENT:
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
    chosen = next(tracker.get_latest_entity_values(TOPIC_ENTITY), None)
    return chosen if chosen in topic_titles() else None


def bot_texts_since_user(tracker: Tracker) -> list[str]:
    texts: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot" and event.get("text"):
            texts.append(event["text"])
    return list(reversed(texts))
