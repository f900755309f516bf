"""Conversation state through REST (issue 23): small talk gets a human reply, an answer already given is not
repeated word for word, "Was this helpful?" stays rare, and the saved-questions hints fit the list."""
from __future__ import annotations

import pytest

from tests.support import Chat

DECLINE = "don't have a reviewed answer"
FEEDBACK = "was this helpful"


def texts_of(chat: Chat, text: str) -> str:
    return "\n".join(m.get("text") or "" for m in chat.send(text))


@pytest.mark.parametrize("text", ["ok thx", "got it", "sorry i yelled at you", "never mind", "ok"])
def test_small_talk_gets_a_short_human_reply(new_chat, text):
    chat = new_chat()
    chat.send("what is metastatic breast cancer")
    reply = texts_of(chat, text)
    assert reply and DECLINE not in reply and len(reply) < 200, (text, reply)


def test_the_same_question_twice_is_not_answered_with_the_same_text(new_chat):
    chat = new_chat()
    first = texts_of(chat, "what is stable disease")
    second = texts_of(chat, "what is stable disease")
    assert first and second and second != first
    assert "as i said" in second.lower(), second


def test_was_this_helpful_comes_at_most_once_in_three_answers(new_chat):
    chat = new_chat()
    asked = [FEEDBACK in texts_of(chat, q).lower() for q in (
        "what is metastatic breast cancer", "what is a clinical trial", "can i travel by plane with mbc",
        "what is palliative care", "how do i talk to my kids about cancer", "what is a tumor marker")]
    assert any(asked), asked
    for i in range(len(asked)):
        assert sum(asked[i:i + 3]) <= 1, asked


def test_no_feedback_prompt_in_an_urgent_episode(new_chat):
    chat = new_chat()
    chat.send("i have a fever of 38.5 and i'm on chemo")
    reply = texts_of(chat, "what is a port").lower()
    assert FEEDBACK not in reply, reply


def test_the_remove_hint_names_a_question_that_is_there(new_chat):
    chat = new_chat()
    chat.send('add "should i get a biopsy?" to my questions')
    reply = texts_of(chat, "show my questions").lower()
    assert "remove question 1" in reply and "remove question 2" not in reply, reply
