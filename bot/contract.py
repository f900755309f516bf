"""Names both servers share: parse-data keys, intents, slots and entities that code refers to.

The Rasa server (bot.rasa_ext) writes these keys into the parse data and the action server
(actions/) reads them; defining them once here keeps the two sides from drifting apart.
"""
from __future__ import annotations

# ---- parse-data keys written by the NLU components (bot.rasa_ext.components)
RAW_TEXT = "raw_text"  # the message as typed, before cleaning
CLEANING = "input_cleaning"  # bot.text.CleanText of the message
SAFETY = "safety"  # {"category": ..., "rule": ...} when the safety guard overrode the intent
UNKNOWN_WORDS = "unknown_words"  # words neither in the training vocabulary nor a known drug name

# ---- intents code refers to
FALLBACK_INTENT = "nlu_fallback"  # Rasa's own fallback intent, also used for unusable input
RED_FLAG_INTENT = "red_flag"
CRISIS_INTENT = "crisis"
DOSE_INTENT = "ask_dose"
SAVE_QUESTION_INTENT = "save_question"
SUBTYPE_OPTIONS_INTENT = "ask_my_options"
DRUG_WHAT_INTENT = "ask_drug_what"
DRUG_INTENTS = ("ask_drug_what", "ask_drug_route", "ask_drug_side_effects", "ask_drug_who")
QUESTION_LIST_INTENTS = frozenset(
    {"save_question", "show_questions", "remove_question", "clear_questions", "export_questions"}
)
# Intent the safety guard assigns to each detector category; each has a rule in data/rules/safety.yml.
INTENT_FOR_SAFETY = {"crisis": CRISIS_INTENT, "red_flags": RED_FLAG_INTENT, "dosing": DOSE_INTENT}

# ---- slots
DRUG_SLOT = "drug"
SUBTYPE_SLOT = "subtype"
MY_QUESTIONS_SLOT = "my_questions"
LAST_TOPIC_SLOT = "last_topic"

# ---- entities
DRUG_ENTITY = "drug"
DRUG_CLASS_ENTITY = "drug_class"
TOPIC_ENTITY = "topic"
QUESTION_TEXT_ENTITY = "question_text"

# ---- sizes
MAX_ANSWER_CHARS = 1000  # one reply on a phone screen (the audit and the eval check it)
REPLY_BUDGET_CHARS = 900  # a whole turn's texts, buttons and payloads, leaving room under MAX_ANSWER_CHARS
META_AND_FEEDBACK_CHARS = 400  # what the meta payload and the feedback prompt take of that budget

# ---- privacy (issue 16)
DELETE_CONVERSATION_INTENT = "delete_conversation"
CONFIRM_DELETE_INTENT = "confirm_delete_conversation"
CANCEL_DELETE_INTENT = "cancel_delete_conversation"
DELETE_CONVERSATION_ACTION = "action_delete_conversation"
CONFIRM_DELETE_RESPONSE = "utter_confirm_delete"  # the two-button question that must come right before a deletion
CONVERSATION_DELETED_RESPONSE = "utter_conversation_deleted"
# Set to True by action_delete_conversation: the tracker store then deletes every event of the sender
# instead of saving the turn (bot/rasa_ext/tracker_store.py).
CONVERSATION_DELETED_SLOT = "conversation_deleted"
SLOW_DOWN_RESPONSE = "utter_slow_down"  # what a flooding sender gets instead of an answer (bot/rasa_ext/flood.py)
