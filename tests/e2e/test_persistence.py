"""A conversation's context survives a restart of `rasa run` (SQLite tracker store)."""
from tests.support import Chat


def test_the_drug_of_the_conversation_survives_a_restart(servers):
    chat = Chat(servers.url)
    assert "letrozole" in chat.say("what is letrozole")
    servers.stop(servers.rasa)
    servers.start_rasa()
    assert servers.tracker_db.stat().st_size > 0
    reply = chat.say("how is it given?")
    assert "letrozole" in reply and "which medicine" not in reply
