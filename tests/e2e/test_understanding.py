"""Understanding by meaning (issue 21), through REST against the trained assistant: the wordings the issue found
answered with the wrong facet or topic, long forum-style posts read whole, drug names as patients type them, and
the three outcomes (answer, the likeliest answers as buttons, decline)."""
from __future__ import annotations

import json

import pytest

from bot.knowledge.answers import topic_titles
from tests.support import Chat


def turn(chat: Chat, text: str) -> tuple[dict, list[dict]]:
    """The reply's meta payload and its buttons."""
    messages = chat.send(text)
    meta = next(m["custom"]["meta"] for m in messages if "custom" in m)
    return meta, [b for m in messages for b in m.get("buttons") or []]


@pytest.mark.parametrize(("text", "drug", "facet"), [
    ("is a glass of wine ok on femara", "letrozole", "interactions"),
    ("does ibrance count as chemo", "palbociclib", "is_chemo"),
    ("which birth control is safe while on kisqali", "ribociclib", "pregnancy"),
    ("Fuervesant shots. Has anyone done the shots they could give me any advice???", "fulvestrant", "route"),
])
def test_a_drug_question_gets_the_facet_it_asks(new_chat, text, drug, facet):
    """Answered with that facet, or (when the model is unsure) that facet offered among the likeliest answers;
    never another curated answer."""
    meta, buttons = turn(new_chat(), text)
    offered = [json.loads("{" + b["payload"].split("{", 1)[1]) for b in buttons if b["payload"].startswith("/drug{")]
    assert (meta["drug"], meta["facet"]) == (drug, facet) or (
        meta["topic"] == "nlu_fallback" and {"drug": drug, "facet": facet} in offered), (meta, buttons)


@pytest.mark.parametrize(("text", "drug"), [
    ("what is ibranch", "palbociclib"), ("what is letersole", "letrozole"), ("palbo side effects", "palbociclib"),
    ("what is Letrazole", "letrozole"), ("what is TDM-1", "ado-trastuzumab emtansine"),
])
def test_drug_names_as_patients_type_them(new_chat, text, drug):
    meta, buttons = turn(new_chat(), text)
    offered = [json.loads("{" + b["payload"].split("{", 1)[1]).get("drug") for b in buttons if "{" in b["payload"]]
    assert meta["drug"] == drug or drug in offered, (meta, buttons)


def test_remission_of_a_relative_is_about_remission(new_chat):
    meta, _ = turn(new_chat(), "my aunt was told she is in remission. does that mean the cancer is gone?")
    assert meta["topic"].startswith("remission/"), meta
    assert meta["urgency"] == "none" and not meta["crisis"]


def test_a_long_post_is_read_whole_not_by_its_last_question(new_chat):
    post = ("I have been on Ibrance and letrozole for five and a half years and my scans have been stable the whole "
            "time. My oncologist is now talking about stopping the Ibrance and staying on letrozole alone, or even "
            "taking a break from treatment altogether because I have been stable for so long. I am scared that "
            "stopping will let the cancer grow again. Does anyone have any information about this or any "
            "experience in this area?")
    meta, buttons = turn(new_chat(), post)
    offered = [b["payload"] for b in buttons]
    # a break from treatment, or (since issue 24) Ibrance's own answer on stopping it
    assert meta["topic"].startswith("treatment_break/") or any("treatment_break/" in p for p in offered) \
        or (meta["topic"], meta["drug"]) == ("drug/stopping", "palbociclib"), meta
    assert meta["topic"] != "what_can_you_do"


def test_an_unclear_message_offers_the_models_likeliest_answers(new_chat):
    # ("tired and sore and my hair" now gets the hair-loss answer, which covers a sore scalp: issue 24)
    meta, buttons = turn(new_chat(), "tired and sore and fed up")
    assert meta["topic"] == "nlu_fallback", meta
    assert 1 <= len(buttons) <= 3
    titles = topic_titles()
    for button in buttons:  # each one a titled curated answer, or a facet of a named medicine
        payload = button["payload"]
        if payload.startswith("/choose_topic{"):
            assert json.loads(payload.removeprefix("/choose_topic"))["topic"] in titles, payload
        else:
            assert payload.startswith("/drug{") or payload.removeprefix("/") in titles, payload


def test_something_else_entirely_is_declined_honestly(new_chat):
    meta, _ = turn(new_chat(), "can you order me a pizza")
    assert meta["topic"] in ("out_of_scope", "nlu_fallback"), meta
    assert meta["facet"] is None and meta["urgency"] == "none"


@pytest.mark.parametrize(("text", "topic"), [
    ("is a clinical trial likely to give me just a placebo", "treatment/trial_placebo"),
    ("does going on morphine mean the end is close", "pain/morphine_fears"),
])
def test_a_yes_no_question_gets_its_answer_first(new_chat, text, topic):
    messages = new_chat().send(text)
    meta = next(m["custom"]["meta"] for m in messages if "custom" in m)
    first = next(m["text"] for m in messages if m.get("text"))
    assert meta["topic"] == topic and first.split()[0].strip(".,") in ("Yes", "No", "It"), (meta, first)


@pytest.mark.parametrize(("text", "topic"), [
    ("I've made up my mind to leave my clinical trial, the travel is too much. How do I quit it safely?",
     "treatment/leaving_trial"),
])
def test_a_sure_factual_answer_is_not_a_crisis_check_in(new_chat, text, topic):
    """A crisis read by meaning alone gives way when the answer model is sure of a factual answer."""
    meta, _ = turn(new_chat(), text)
    assert meta["topic"] == topic and not meta["crisis"], meta
