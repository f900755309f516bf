"""Thin actions for the "questions for my oncologist" list kept in the `my_questions` slot.

Parsing is in bot/questions.py, patterns in data/question_patterns.yml, reply text in
domain.yml. The slot is in the tracker, so the list survives a restart of the server.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import previous_bot_texts
from bot.contract import MY_QUESTIONS_SLOT, QUESTION_LIST_INTENTS, QUESTION_TEXT_ENTITY
from bot.language import question_text as q

SLOT = MY_QUESTIONS_SLOT
ENTITY = QUESTION_TEXT_ENTITY
# Messages about the list itself are never "the previous question".
LIST_INTENTS = QUESTION_LIST_INTENTS


def saved(tracker: Tracker) -> list[str]:
    """The questions on the list, oldest first."""
    value = tracker.get_slot(SLOT)
    return [str(x) for x in value] if isinstance(value, list) else []


def _earlier_user_texts(tracker: Tracker) -> Iterator[str]:
    """The texts of the user's earlier messages, newest first, leaving out the latest one."""
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    for event in reversed(user_events[:-1]):
        parse = event.get("parse_data") or {}
        if (parse.get("intent") or {}).get("name") in LIST_INTENTS:
            continue
        yield parse.get("text") or event.get("text") or ""


def question_to_save(tracker: Tracker) -> str | None:
    """A button's question_text entity, else the text the message gives, else the previous question."""
    message: dict[str, Any] = tracker.latest_message or {}
    for entity in message.get("entities") or []:
        if entity.get("entity") == ENTITY:
            return q.from_button(entity.get("value"))
    wanted = q.text_to_save(message.get("text") or "")
    if wanted.text:
        return wanted.text
    return q.previous_question(_earlier_user_texts(tracker))


class ActionSaveQuestion(Action):
    """Saves a question: the one given ("add X to my questions"), or the user's previous one."""

    def name(self) -> str:
        return "action_save_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        questions = saved(tracker)
        if q.is_add_all_request(tracker.latest_message.get("text") or ""):
            return self._save_all_listed(dispatcher, tracker, questions)
        question = question_to_save(tracker)
        if not question:
            dispatcher.utter_message(response="utter_nothing_to_save")
            return []
        if q.already_saved(question, questions):
            dispatcher.utter_message(response="utter_question_already_saved", question=question, count=len(questions))
            return []
        if len(questions) >= q.patterns().max_questions:
            dispatcher.utter_message(response="utter_questions_full", count=len(questions))
            return []
        questions.append(question)
        dispatcher.utter_message(response="utter_question_saved", question=question, count=len(questions))
        return [SlotSet(SLOT, questions)]


    @staticmethod
    def _save_all_listed(dispatcher: CollectingDispatcher, tracker: Tracker, questions: list[str]) -> list[EventType]:
        """"Add all of those": each question the bot's previous answer listed, up to the list's limit."""
        listed = [question for text in previous_bot_texts(tracker) for question in q.questions_in(text)]
        added = [x for x in dict.fromkeys(listed) if not q.already_saved(x, questions)]
        added = added[: max(0, q.patterns().max_questions - len(questions))]
        if not added:
            dispatcher.utter_message(response="utter_nothing_to_save")
            return []
        questions = questions + added
        dispatcher.utter_message(response="utter_questions_saved_many", added=len(added), count=len(questions),
                                 questions=q.numbered(added))
        return [SlotSet(SLOT, questions)]


class ActionShowQuestions(Action):
    """Lists the saved questions, numbered."""

    def name(self) -> str:
        return "action_show_questions"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        questions = saved(tracker)
        if not questions:
            dispatcher.utter_message(response="utter_questions_empty")
        else:
            dispatcher.utter_message(response="utter_questions_list", questions=q.numbered(questions),
                                     count=len(questions), last=len(questions))
        return []


class ActionRemoveQuestion(Action):
    """Removes the question the user names by number, "the last one", or its words."""

    def name(self) -> str:
        return "action_remove_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        questions = saved(tracker)
        if not questions:
            dispatcher.utter_message(response="utter_questions_empty")
            return []
        index = q.index_to_remove(tracker.latest_message.get("text") or "", questions)
        if index is None:
            dispatcher.utter_message(response="utter_ask_which_question", questions=q.numbered(questions),
                                     last=len(questions))
            return []
        removed = questions.pop(index)
        dispatcher.utter_message(response="utter_question_removed", question=removed, count=len(questions))
        return [SlotSet(SLOT, questions)]


class ActionClearQuestions(Action):
    """Empties the list."""

    def name(self) -> str:
        return "action_clear_questions"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        count = len(saved(tracker))
        if not count:
            dispatcher.utter_message(response="utter_questions_empty")
            return []
        dispatcher.utter_message(response="utter_questions_cleared", count=count)
        return [SlotSet(SLOT, [])]


class ActionExportQuestions(Action):
    """Gives the list as plain text, ready to copy, email or print."""

    def name(self) -> str:
        return "action_export_questions"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        questions = saved(tracker)
        if not questions:
            dispatcher.utter_message(response="utter_questions_empty")
            return []
        dispatcher.utter_message(response="utter_questions_export_intro")
        dispatcher.utter_message(response="utter_questions_export", questions=q.numbered(questions))
        return []
