"""The "questions for my oncologist" list: the real assistant over REST, over several turns and a restart."""
from __future__ import annotations

import json

from bot.knowledge.questions_to_ask import suggested_questions
from tests.support import Chat, Servers

EXPORT_HEADING = "My questions for my care team"
EXPORT_FOOTER = "General information only; bring this list to your care team."


def texts_of(messages: list) -> list[str]:
    return [m["text"] for m in messages if m.get("text")]


def export_of(messages: list) -> str:
    """The one reply message that is the plain-text export."""
    found = [t for t in texts_of(messages) if t.startswith(EXPORT_HEADING)]
    assert len(found) == 1, messages
    return found[0]


def test_save_list_remove_and_export_over_several_turns(chat):
    chat.say("what is ibrance?")
    reply = chat.say("save that question")
    assert "what is ibrance?" in reply and "questions on your list: 1" in reply
    reply = chat.say("add 'should I get a biopsy?' to my questions")
    assert "should i get a biopsy?" in reply and "questions on your list: 2" in reply
    reply = chat.say("remind me to ask about scans")
    assert "can we talk about scans?" in reply and "questions on your list: 3" in reply
    reply = chat.say("show my questions")
    assert "1. what is ibrance?\n2. should i get a biopsy?\n3. can we talk about scans?" in reply
    reply = chat.say("remove the second one")
    assert "removed" in reply and "should i get a biopsy?" in reply and "questions left: 2" in reply
    export = export_of(chat.send("print my questions"))
    assert export == (f"{EXPORT_HEADING}\n1. What is ibrance?\n2. Can we talk about scans?\n{EXPORT_FOOTER}")
    reply = chat.say("delete question 2")
    assert "can we talk about scans?" in reply and "questions left: 1" in reply
    reply = chat.say("remove the last one")
    assert "what is ibrance?" in reply and "questions left: 0" in reply
    assert "list of questions is empty" in chat.say("show my questions")


def test_a_suggested_question_button_is_saved_verbatim(chat):
    question = suggested_questions("cdk46_inhibitor")[0]
    payload = "/save_question" + json.dumps({"question_text": question})
    reply = chat.say(payload)
    assert question.lower() in reply and "questions on your list: 1" in reply
    assert "already on your list" in chat.say(payload)


def test_clear_and_nothing_to_save(chat):
    assert "didn't find a question to save" in chat.say("save that question")
    chat.say("add 'can I travel?' to my list")
    chat.say("add 'can I keep working?' to my list")
    reply = chat.say("clear my questions")
    assert "cleared" in reply and "empty" in reply
    assert "list of questions is empty" in chat.say("export my questions")


def test_a_session_builds_five_questions_and_exports_them(chat):
    turns = [
        "can I take a break from treatment?",
        "save that question",
        "add 'should I get a biopsy of the new spot?' to my questions",
        "what are the side effects of verzenio",
        "save that question",
        "remind me to ask if I can travel in May",
        "put are there any clinical trials near me on my list",
        "show my questions",
        "export my questions",
    ]
    transcript = []
    for text in turns:
        messages = chat.send(text)
        transcript.append(f"USER: {text}")
        transcript += [f"BOT:  {t}" for t in texts_of(messages)]
    export = export_of(messages)
    print("\n--- transcript ---\n" + "\n".join(transcript))
    print("\n--- exported text ---\n" + export)
    assert export == "\n".join([
        EXPORT_HEADING,
        "1. Can I take a break from treatment?",
        "2. Should I get a biopsy of the new spot?",
        "3. What are the side effects of verzenio?",
        "4. Can you tell me whether I can travel in May?",
        "5. Are there any clinical trials near me?",
        EXPORT_FOOTER,
    ])


def test_the_list_survives_a_restart_of_the_server(servers: Servers):
    chat = Chat(servers.url)
    chat.say("add 'how often will I have scans?' to my questions")
    chat.say("remind me to ask about hot flashes")
    servers.stop(servers.rasa)
    servers.start_rasa()
    reply = Chat(servers.url, sender=chat.sender).say("show my questions")
    assert "1. how often will i have scans?\n2. can we talk about hot flashes?" in reply
