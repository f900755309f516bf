"""The "questions for my oncologist" list: reading requests and curated suggestions (no servers)."""
from __future__ import annotations

import re

import pytest
import yaml

from bot.knowledge.questions_to_ask import suggested_questions
from bot.language.question_text import (
    as_question,
    from_button,
    index_to_remove,
    is_add_request,
    numbered,
    patterns,
    previous_question,
    text_to_save,
)
from bot.paths import DRUGS_FILE

TOPIC_KEYS = ["treatment", "side_effect", "subtype", "remission", "treatment_break", "pain", "prognosis",
              "support", "chemotherapy", "drug"]


# ---------------------------------------------------------------- parsing (bot/questions.py)

@pytest.mark.parametrize(("message", "saved"), [
    ("add 'should I get a biopsy?' to my questions", "Should I get a biopsy?"),
    ('add "should I get a biopsy?" to my questions', "Should I get a biopsy?"),
    ("add \u201cshould my kids be tested?\u201d to my questions too", "Should my kids be tested?"),
    ("add should i get a biopsy to my list", "Should i get a biopsy?"),
    ("please put is it ok to drink wine on ribociclib on my list of questions for my oncologist",
     "Is it ok to drink wine on ribociclib?"),
    ("add to my questions: can I still drive", "Can I still drive?"),
    ("new question: can I get a flu shot", "Can I get a flu shot?"),
    ("put scans on my list please", "Can we talk about scans?"),
    ("add 'I want to stop treatment' to my question list", "I want to stop treatment."),
    ("remind me to ask about scans", "Can we talk about scans?"),
    ("Remind me to ask my oncologist about bone drugs.", "Can we talk about bone drugs?"),
    ("remind me to ask if I can travel in May", "Can you tell me whether I can travel in May?"),
    ("remind me to ask how long treatment lasts", "Can you tell me how long treatment lasts?"),
    ("remind me to ask what is a port", "What is a port?"),
    ("remind me to ask for a referral to a social worker", "Can I get a referral to a social worker?"),
])
def test_the_text_to_save_is_read_out_of_the_message(message, saved):
    wanted = text_to_save(message)
    assert (wanted.text, wanted.previous) == (saved, False)


@pytest.mark.parametrize("message", [
    "save that question", "add that to my questions", "put it on my list", "save this to my list",
    "add my last question to the list", "save what i just asked to my questions",
])
def test_a_message_without_its_own_text_means_the_previous_question(message):
    assert text_to_save(message).previous


@pytest.mark.parametrize(("message", "expected"), [
    ("add could I try immunotherapy to my list", True), ("remind me to ask about scans", True),
    ("add that to my questions", True), ("could I try immunotherapy?", False), ("show my list", False),
])
def test_an_add_request_is_recognised_by_its_form(message, expected):
    assert is_add_request(message) is expected


def test_the_previous_question_skips_other_messages_and_payloads():
    newest_first = ["thanks", '/feedback_helpful{"helpful": "yes"}', "ok", "what is  ibrance", "hi"]
    assert previous_question(newest_first) == "What is ibrance?"
    assert previous_question(["can I travel?", "what is ibrance"]) == "Can I travel?"
    assert previous_question(["thanks", "hello"]) is None


def test_a_saved_question_is_capped_at_a_word_boundary():
    saved = as_question("what " + "very " * 200 + "long question")
    assert len(saved) <= patterns().max_chars and saved.endswith("\u2026")


def test_a_button_question_is_kept_verbatim_without_markup():
    assert from_button("How is it given, and how often?") == "How is it given, and how often?"
    assert from_button("<b>Can I travel?</b>") == "Can I travel?"
    assert from_button("   ") is None


QUESTIONS = ["Can I travel?", "Should I get a biopsy?", "Can we talk about scans?", "What is a port?"]


@pytest.mark.parametrize(("message", "index"), [
    ("remove the second one", 1), ("delete question 2", 1), ("remove the last one", 3),
    ("remove the first one", 0), ("take off question three", 2), ("remove #3", 2),
    ("drop the 4th question", 3), ("delete the biopsy question", 1), ("remove the one about scans", 2),
    ("remove question 9", None), ("remove the one about hair", None), ("remove a question", None),
])
def test_which_question_to_remove(message, index):
    assert index_to_remove(message, QUESTIONS) == index


def test_the_list_is_numbered_one_per_line():
    assert numbered(["A?", "B?"]) == "1. A?\n2. B?"


def test_curated_questions_cover_every_topic_and_drug_class():
    class_ids = [c["id"] for c in yaml.safe_load(DRUGS_FILE.read_text(encoding="utf-8"))["classes"]]
    for key in TOPIC_KEYS + class_ids:
        questions = suggested_questions(key)
        assert 3 <= len(questions) <= 5, key
        for question in questions:
            assert question.endswith("?") and len(question) <= 90, (key, question)
            assert not re.search(r"\d\s*(mg|mcg|ml|units?)\b", question, re.I), (key, question)


def test_curated_questions_by_intent_drug_name_and_fallback():
    assert suggested_questions("side_effect/nausea") == suggested_questions("side_effect")
    assert suggested_questions("Ibrance") == suggested_questions("cdk46_inhibitor")
    assert suggested_questions("palbociclib") == suggested_questions("cdk46_inhibitor")
    assert suggested_questions("greet") == [] and suggested_questions("") == []


# ---------------------------------------------------------------- the assistant over REST
