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
ANSWER_CONFIDENCE = "answer_confidence"  # the classifier's best answer key, its probability and margin
ANSWER_CHOICES = "answer_choices"  # the classifier's likeliest answer keys [{"key", "confidence"}], best first
ANSWER_OUTCOME = "answer_outcome"  # "answer", "offer" (the likeliest answers as buttons) or "decline"
DRUG_FACET = "drug_facet"  # the facet a component chose for a drug question (else the ResponseSelector's)
ROUTE = "route"  # {"from": model intent, "confidence": ..., "to": intent, "why": ...} when a component changed it

# ---- intents code refers to
FALLBACK_INTENT = "nlu_fallback"  # Rasa's own fallback intent, also used for unusable input
RED_FLAG_INTENT = "red_flag"  # emergency and red grades
AMBER_INTENT = "amber_symptom"
CRISIS_INTENT = "crisis"
CRISIS_CHECK_INTENT = "crisis_check"  # the model alone heard a crisis: a gentle check-in with 988
DOSE_INTENT = "ask_dose"
DIAGNOSIS_INTENT = "ask_diagnosis"
SAFETY_CORRECTION_INTENT = "safety_correction"
URGENT_DELAY_INTENT = "urgent_delay"  # after an alarm: "can i wait till morning", "can't i just give her tylenol"
URGENT_IN_CARE_INTENT = "urgent_in_care"  # "we're at the ER", "the ambulance is here"
SAVE_QUESTION_INTENT = "save_question"
SUBTYPE_OPTIONS_INTENT = "ask_my_options"
DRUG_INTENT = "drug"  # a retrieval intent: drug/<facet>, the facets in data/facets.yml
CLARIFY_FACET = "clarify"  # a drug question whose facet is unclear: the answer asks which one, as buttons
QUESTION_LIST_INTENTS = frozenset(
    {"save_question", "show_questions", "remove_question", "clear_questions", "export_questions"}
)
# Intent the safety guard assigns to each level the detector finds; each has a rule in data/rules/safety.yml.
INTENT_FOR_LEVEL = {
    "crisis": CRISIS_INTENT, "emergency": RED_FLAG_INTENT, "poison": RED_FLAG_INTENT, "red": RED_FLAG_INTENT,
    "amber": AMBER_INTENT, "dose": DOSE_INTENT,
}
# Intents only the detector may give: when the model predicts one and the detector found nothing, the guard
# takes the model's next intent instead (a false alarm on an ordinary question is a defect too).
DETECTOR_ONLY_INTENTS = frozenset({CRISIS_INTENT, RED_FLAG_INTENT, AMBER_INTENT, DOSE_INTENT})
# Urgency grades of symptoms, most urgent first, and the levels the reply payload calls a red flag.
# "poison": an overdose or poisoning, Poison Control first.
URGENCY_LEVELS = ("emergency", "poison", "red", "amber")
RED_FLAG_LEVELS = frozenset({"emergency", "poison", "red"})
# Kinds of correction the detector recognises ("I'm not suicidal", "I was asking for later", "already in hospital").
CORRECTIONS = ("not_crisis", "not_now", "in_hospital")

# ---- slots
DRUG_SLOT = "drug"
DRUG_CLASS_SLOT = "drug_class"  # the class a class-level answer was about ("side effects of CDK4/6 inhibitors")
SUBTYPE_SLOT = "subtype"
MY_QUESTIONS_SLOT = "my_questions"
LAST_TOPIC_SLOT = "last_topic"
PENDING_FACET_SLOT = "pending_facet"  # the facet asked when the bot had to ask "which medicine?"
# The urgent episode (issue 22): the level of the last crisis, emergency, poison, red or amber answer (most
# urgent first), until the person is with medical help ("in_care"); and the rule that opened it.
EPISODE_SLOT = "urgent_episode"
EPISODE_RULE_SLOT = "urgent_rule"
EPISODE_LEVELS = ("crisis", "emergency", "poison", "red", "amber")
IN_CARE = "in_care"

# ---- entities
DRUG_ENTITY = "drug"
DRUG_CLASS_ENTITY = "drug_class"
TOPIC_ENTITY = "topic"
FACET_ENTITY = "facet"
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
