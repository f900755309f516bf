"""The urgent episode: after an emergency, poison, red or crisis answer, the conversation stays in it until the
person is with medical help.

"Can I wait until Friday", "can't I just give her Tylenol", "it's probably nothing" get a short, firm repeat of
what to do now and why, in words not yet said in this conversation; "we're at the hospital" switches to in-care
mode (tell the nurse; questions answered as usual, no more "call 911"). The texts are domain responses:
`utter_episode_stay_<level>_<n>` and `utter_in_care`.
"""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import responses_said
from actions.offers import likely_topics
from bot.contract import (
    ANSWER_CHOICES,
    EPISODE_LEVELS,
    EPISODE_SLOT,
    IN_CARE,
    SAFETY,
    URGENT_DELAY_INTENT,
    URGENT_IN_CARE_INTENT,
)

STAY_VARIANTS = 3  # utter_episode_stay_<level>_1 .. _3 in domain.yml
IN_CARE_RESPONSE = "utter_in_care"
URGENT_INTENTS = frozenset({URGENT_DELAY_INTENT, URGENT_IN_CARE_INTENT})
SMALL_TALK_RESPONSES = {"deny": "utter_anything_else"}  # else utter_<intent>


def open_episode(tracker: Tracker) -> str | None:
    """The level of the open urgent episode, or None (none open, or the person is with medical help)."""
    episode = tracker.get_slot(EPISODE_SLOT)
    return episode if episode in EPISODE_LEVELS else None


def stay_response(tracker: Tracker, level: str) -> str:
    """The level's repeat not yet said in this conversation; when all were, the one said longest ago."""
    names = [f"utter_episode_stay_{level}_{n}" for n in range(1, STAY_VARIANTS + 1)]
    said = responses_said(tracker)
    unsaid = [n for n in names if n not in said]
    if unsaid:
        return unsaid[0]
    return min(names, key=lambda n: max(i for i, s in enumerate(said) if s == n))


def say_stay(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """In an open episode, say its next repeat and return True; else say nothing and return False."""
    level = open_episode(tracker)
    if level is None:
        return False
    dispatcher.utter_message(response=stay_response(tracker, level))
    return True


def says_in_hospital(tracker: Tracker) -> bool:
    """The safety detector heard that the person is already with medical help ("we're at the hospital")."""
    return (tracker.latest_message.get(SAFETY) or {}).get("correction") == "in_hospital"


def with_medical_help(tracker: Tracker) -> bool:
    """The message says the person is with medical help: its intent, or (for an unclear message) the likelier
    of waiting and being in care among the model's choices."""
    if tracker.get_intent_of_latest_message() == URGENT_IN_CARE_INTENT:
        return True
    keys = [c.get("key") for c in tracker.latest_message.get(ANSWER_CHOICES) or []]
    either = [k for k in keys if k in URGENT_INTENTS]
    return bool(either) and either[0] == URGENT_IN_CARE_INTENT


class ActionUrgentEpisode(Action):
    """In an open urgent episode, answers a delay ("can I wait") or news of being with medical help ("we're at the
    ER"). Outside one, such words mean something else ("no, I don't need an ambulance, I'm just angry"): the
    likeliest other answers are offered as buttons."""

    def name(self) -> str:
        return "action_urgent_episode"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if open_episode(tracker) is None:
            buttons = likely_topics(tracker.latest_message, URGENT_INTENTS)
            if buttons:
                dispatcher.utter_message(response="utter_fallback_topics", buttons=buttons)
            else:
                dispatcher.utter_message(response="utter_not_covered")
            return []
        if with_medical_help(tracker):
            dispatcher.utter_message(response=IN_CARE_RESPONSE)
            return [SlotSet(EPISODE_SLOT, IN_CARE)]
        say_stay(dispatcher, tracker)
        return []


class ActionDoseRefusal(Action):
    """No dose advice; in an open urgent episode a medicine question ("can't I just give her Tylenol?") is a
    way of waiting, and gets the episode's repeat, unless the person is now with medical help (ask them)."""

    def name(self) -> str:
        return "action_dose_refusal"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if open_episode(tracker) and says_in_hospital(tracker):
            dispatcher.utter_message(response=IN_CARE_RESPONSE)
            return [SlotSet(EPISODE_SLOT, IN_CARE)]
        if not say_stay(dispatcher, tracker):
            dispatcher.utter_message(response="utter_no_dosing")
        return []


class ActionSmallTalk(Action):
    """"ok", "sorry I snapped", "never mind": a short human reply; in an open urgent episode (above all after a
    crisis: "forget I said anything, I'm just tired"), the episode's repeat instead."""

    def name(self) -> str:
        return "action_small_talk"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if not say_stay(dispatcher, tracker):
            intent = tracker.get_intent_of_latest_message()
            dispatcher.utter_message(response=SMALL_TALK_RESPONSES.get(intent, f"utter_{intent}"))
        return []
