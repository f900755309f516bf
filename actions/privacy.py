"""Privacy (issue 16): "delete my conversation", after a confirmation with two buttons.

The action only confirms and marks the turn (the `conversation_deleted` slot); the Rasa server's
tracker store (bot/rasa_ext/tracker_store.py) then deletes every event of the sender, the list of
questions with them, instead of saving the turn. Reply texts are domain.yml responses.
"""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.contract import (
    CONFIRM_DELETE_RESPONSE,
    CONVERSATION_DELETED_RESPONSE,
    CONVERSATION_DELETED_SLOT,
    DELETE_CONVERSATION_ACTION,
)


def was_asked_to_confirm(tracker: Tracker) -> bool:
    """True when the bot's last turn (before the latest user message) was the delete question."""
    seen_latest_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest_user:
                return False
            seen_latest_user = True
        elif seen_latest_user and event.get("event") == "bot":
            if (event.get("metadata") or {}).get("utter_action") == CONFIRM_DELETE_RESPONSE:
                return True
    return False


class ActionDeleteConversation(Action):
    """Confirms the deletion and marks the turn for the tracker store; asks first if it was not asked."""

    def name(self) -> str:
        return DELETE_CONVERSATION_ACTION

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if not was_asked_to_confirm(tracker):
            dispatcher.utter_message(response=CONFIRM_DELETE_RESPONSE)
            return []
        dispatcher.utter_message(response=CONVERSATION_DELETED_RESPONSE)
        return [SlotSet(CONVERSATION_DELETED_SLOT, True)]
