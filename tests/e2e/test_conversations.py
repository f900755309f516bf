"""Conversations with the trained assistant over the REST channel, as a patient has them."""
import re


def test_greeting_says_what_it_is(chat):
    reply = chat.say("hi there")
    assert "automated assistant" in reply and "not a doctor" in reply
    assert "911" in reply


def test_a_drug_by_brand_name_then_follow_ups(chat):
    reply = chat.say("what is ibrance?")
    assert "palbociclib" in reply and "cdk4" in reply and "targeted therapy" in reply
    assert "source:" in reply
    reply = chat.say("how is it given?")
    assert "palbociclib" in reply and re.search(r"pill|mouth", reply)
    reply = chat.say("what side effects does it have")
    assert "palbociclib" in reply and "side effects" in reply


def test_a_misspelt_drug_is_recognised(chat):
    reply = chat.say("tamoxifin side efects")
    assert "tamoxifen" in reply


def test_an_unknown_drug_is_admitted(chat):
    reply = chat.say("tell me about the drug flumbertaxin")
    assert "don't have information" in reply and re.search(r"pharmacist|care team", reply)


def test_a_pronoun_with_nothing_to_refer_to_gets_a_question(chat):
    reply = chat.say("how is it given?")
    assert "which medicine" in reply


def test_a_drug_class_lists_its_members(chat):
    reply = chat.say("what are the parp inhibitors")
    assert "olaparib" in reply and "talazoparib" in reply


def test_the_subtype_carries_into_what_are_my_options(chat):
    chat.say("I have triple negative breast cancer")
    reply = chat.say("what are my treatment options?")
    assert "chemo" in reply


def test_what_is_used_for_a_subtype_lists_its_options(new_chat):
    reply = new_chat().say("which medicines are prescribed for her2 positive disease")
    # answered, or the HER2-positive answer offered as the likeliest (issue 21's middle outcome)
    assert ("trastuzumab" in reply or "her2-positive cancer" in reply) and "which medicine" not in reply


def test_what_a_named_drug_is_used_for_stays_about_the_drug(chat):
    chat.say("what is kisqali")
    reply = chat.say("is it used for her2 positive cancer?")
    assert "ribociclib" in reply


def test_no_drug_answer_states_a_dose(chat):
    for question in ["what is letrozole", "how is xeloda given", "side effects of herceptin", "who is verzenio for"]:
        reply = chat.say(question)
        assert not re.search(r"\b\d+\s*(mg|mcg|ml)\b", reply), reply


def test_bot_challenge_and_scope(new_chat):
    assert re.search(r"automated assistant|chatbot", new_chat().say("am i talking to a real person?"))
    assert "don't have a reviewed answer" in new_chat().say("can you order me a pizza")


def test_gibberish_gets_asked_to_rephrase(chat):
    assert re.search(r"not sure i understood|say it another way", chat.say("flibber jabber wonkus"))


def test_a_topic_answer_shows_its_source(chat):
    reply = chat.say("how can I cope with hair loss")
    assert "hair" in reply and "source:" in reply


def test_the_source_of_a_drug_answer(chat):
    chat.say("what is capecitabine")
    reply = chat.say("where does that information come from?")
    assert "capecitabine" in reply and "source" in reply


def test_feedback_is_stored_and_reported(servers, chat):
    """'Was this helpful?' follows an answer, at most once in three turns; the answer lands in the report."""
    from bot.reports.feedback import helpful_by_topic

    reply = chat.say("what is letrozole")
    assert "was this helpful?" in reply
    assert "thank you for telling me" in chat.say("/feedback_helpful")
    assert "was this helpful?" not in chat.say("what is a clinical trial")
    reply = chat.say("how do I cope with nausea")
    assert "was this helpful?" in reply
    chat.say("/feedback_not_helpful")
    counts = helpful_by_topic(f"sqlite:///{servers.tracker_db}")
    assert counts["letrozole"][True] >= 1
    assert counts["side_effect/nausea"][False] >= 1


def test_two_fallbacks_in_a_row_offer_a_person(chat):
    assert re.search(r"not sure i understood|say it another way|reviewed answer", chat.say("zzkq vlorp"))
    assert "1-800-227-2345" in chat.say("wumble frax quonk")


def test_every_reply_carries_the_meta_payload(chat):
    def meta(text: str) -> dict:
        return next(m["custom"]["meta"] for m in chat.send(text) if "custom" in m)

    assert meta("I can't breathe")["red_flag"] is True
    assert meta("I want to end my life")["crisis"] is True
    drug = meta("what is anastrozole")
    assert drug["drug"] == "anastrozole" and drug["source"] and drug["red_flag"] is False
    assert meta("zxqv blorf wibble")["fallback_count"] >= 1


def test_an_unclear_follow_up_that_points_back_is_answered_for_the_same_drug(chat):
    chat.say("what is tamoxifen")
    reply = chat.say("and how do i take it")
    assert "tamoxifen" in reply and re.search(r"pill|mouth", reply)
