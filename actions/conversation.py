"""What the tracker says about the conversation so far: intents, fallbacks, the topic answered.

Shared by the actions; also the data they look facts up in, loaded once per process.
"""
from __future__ import annotations

import re

from rasa_sdk import Tracker

from bot.contract import DRUG_FACET, DRUG_INTENT, FALLBACK_INTENT, LAST_TOPIC_SLOT, TOPIC_ENTITY
from bot.knowledge.answers import topic_titles
from bot.knowledge.drugs import default_catalog
from bot.language.drug_matcher import default_matcher

CATALOG = default_catalog()
MATCHER = default_matcher()


def missed_turns(tracker: Tracker) -> list[bool]:
    """For every user message, oldest first: was it a fallback that got no answer? A fallback the fallback action
    answered from the conversation (a drug follow-up, the medicine after "which medicine?") is not a miss."""
    turns: list[list] = []
    for event in tracker.events:
        if event.get("event") == "user":
            turns.append([(event.get("parse_data") or {}).get("intent", {}).get("name") == FALLBACK_INTENT, False])
        elif event.get("event") == "bot" and turns:
            action = (event.get("metadata") or {}).get("utter_action") or ""
            turns[-1][1] = turns[-1][1] or action.startswith(f"utter_{DRUG_INTENT}")
    return [fallback and not answered for fallback, answered in turns]


def fallbacks_in_a_row(tracker: Tracker) -> int:
    count = 0
    for missed in reversed(missed_turns(tracker)):
        if not missed:
            break
        count += 1
    return count


def responses_said(tracker: Tracker) -> list[str]:
    """Names of the responses the bot said in this conversation, oldest first."""
    return [name for e in tracker.events
            if e.get("event") == "bot" and (name := (e.get("metadata") or {}).get("utter_action"))]


def turns_since_response(tracker: Tracker, response: str) -> int | None:
    """How many user messages came after the bot last said `response` (None: never said)."""
    turns = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            turns += 1
        elif event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == response:
            return turns
    return None


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


def previous_turn_bot_events(tracker: Tracker) -> list[dict]:
    """The bot events of the previous turn (between the last two user messages), oldest first."""
    events: list[dict] = []
    seen_latest_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest_user:
                break
            seen_latest_user = True
        elif seen_latest_user and event.get("event") == "bot":
            events.append(event)
    return list(reversed(events))


def previous_bot_texts(tracker: Tracker) -> list[str]:
    """The texts the bot said in its previous turn, oldest first."""
    return [e["text"] for e in previous_turn_bot_events(tracker) if e.get("text")]


def last_bot_responses(tracker: Tracker) -> list[str]:
    """The response names the bot said in its previous turn (before the latest user message)."""
    return [name for e in reversed(previous_turn_bot_events(tracker))
            if (name := (e.get("metadata") or {}).get("utter_action"))]


def selected_answer(tracker: Tracker) -> str | None:
    """The curated answer the ResponseSelector ranked first for the latest message ('prognosis/outlook')."""
    selector = (tracker.latest_message.get("response_selector") or {}).get("default") or {}
    return (selector.get("response") or {}).get("intent_response_key") or None


def topics_asked_about(tracker: Tracker) -> set[str]:
    """The topics (or drugs) the bot already asked "Was this helpful?" about in this conversation."""
    return {
        str(e.get("value"))
        for e in tracker.events
        if e.get("event") == "slot" and e.get("name") == LAST_TOPIC_SLOT and e.get("value")
    }


def drug_facet_of(tracker: Tracker) -> str | None:
    """The facet of a drug question: the router's choice, else the model's best answer under 'drug'."""
    parse = tracker.latest_message
    if parse.get(DRUG_FACET):
        return parse[DRUG_FACET]
    full = (parse.get("intent") or {}).get("full_retrieval_intent_name") or ""
    if full.startswith(f"{DRUG_INTENT}/"):
        return full.split("/", 1)[1]
    ranking = ((parse.get("response_selector") or {}).get("default") or {}).get("ranking") or []
    key = next((r.get("intent_response_key") for r in ranking
                if (r.get("intent_response_key") or "").startswith(f"{DRUG_INTENT}/")), None)
    return key.split("/", 1)[1] if key else None


def answered_this_turn(tracker: Tracker) -> list[tuple[str, dict]]:
    """(response name, its metadata) of every bot message since the latest user message, in order."""
    said: list[tuple[str, dict]] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            metadata = event.get("metadata") or {}
            said.append((metadata.get("utter_action") or "", metadata))
    return list(reversed(said))


def previous_question_parse(tracker: Tracker) -> dict | None:
    """The parse data of the user's message before the latest one (the question an answer was given to)."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    return (users[-2].get("parse_data") or None) if len(users) >= 2 else None


def last_answer_texts(tracker: Tracker) -> list[str]:
    """The texts the bot said in its previous turn, without source lines or prompts."""
    return [t for t in previous_bot_texts(tracker) if not t.startswith("Source:")]


def first_sentence(text: str) -> str:
    """The first sentence of a text (its main point, in the curated answers)."""
    head = text.strip().split("\n")[0]
    match = re.match(r"(.+?[.!?])(\s|$)", head)
    return match.group(1) if match else head
