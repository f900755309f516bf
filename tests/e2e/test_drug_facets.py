"""Drug facets, comparisons and withdrawn approvals, through REST against the trained assistant."""
from __future__ import annotations

import re

from tests.support import Chat


def meta_of(chat: Chat, text: str) -> tuple[str, dict]:
    messages = chat.send(text)
    reply = "\n".join([m.get("text") or "" for m in messages] +
                      [b.get("title", "") for m in messages for b in m.get("buttons") or []]).lower()
    meta = next(m["custom"]["meta"] for m in messages if "custom" in m)
    return reply, meta


def first_text_and_meta(chat: Chat, text: str) -> tuple[str, dict]:
    """The reply's first text as shown (case kept: a yes/no answer's first word) and its meta payload."""
    messages = chat.send(text)
    first = next(m["text"] for m in messages if m.get("text"))
    return first, next(m["custom"]["meta"] for m in messages if "custom" in m)


def test_alcohol_on_a_drug_is_its_interactions_facet(new_chat):
    reply, meta = meta_of(new_chat(), "can i drink wine on xeloda")
    assert meta["facet"] == "interactions" and meta["drug"] == "capecitabine"
    assert "pharmacist" in reply


def test_grapefruit_with_a_cdk_inhibitor(new_chat):
    reply, meta = meta_of(new_chat(), "can I eat grapefruit on ibrance")
    assert meta["facet"] == "interactions" and "grapefruit" in reply


def test_what_is_names_the_kind_of_treatment_first(new_chat):
    reply, _ = meta_of(new_chat(), "what is gemzar")
    assert re.search(r"gemcitabine \(gemzar.*\) is a chemotherapy", reply), reply


def test_partners_of_a_drug(new_chat):
    reply, meta = meta_of(new_chat(), "what do they give with afinitor")
    assert meta["facet"] == "partners" and "exemestane" in reply


def test_two_drugs_are_compared_side_by_side(new_chat):
    reply, meta = meta_of(new_chat(), "faslodex vs orserdu?")
    assert meta["facet"] == "compare" and "fulvestrant" in reply and "elacestrant" in reply
    assert "side by side" in reply


def test_a_withdrawn_approval_is_explained_never_offered(new_chat):
    reply, _ = meta_of(new_chat(), "is avastin used for breast cancer")
    assert "bevacizumab" in reply and re.search(r"withdr|not approved", reply)


def test_the_pending_facet_is_answered_when_the_drug_comes(new_chat):
    chat = new_chat()
    assert re.search(r"which medicine", chat.say("how is it given?"))
    reply = chat.say("ibrance")
    assert "palbociclib" in reply and re.search(r"pill|tablet|mouth", reply)


def test_no_composed_answer_states_a_dose(new_chat):
    for text in ("how much letrozole do i take", "what is letrozole", "side effects of kisqali"):
        reply = new_chat().say(text)
        assert not re.search(r"\b\d+(\.\d+)? ?(mg|mcg|units)\b", reply), (text, reply)


def _data_text(field: str, generic: str) -> str:
    """A facet text of a drug (or its class) from the data file, as the reply shows it."""
    from bot.knowledge.drugs import default_catalog

    catalog = default_catalog()
    return (catalog.facet_text(catalog.drugs[generic], field) or "").lower()


def test_how_a_pill_is_taken_gives_its_schedule_pattern_and_no_amount(new_chat):
    reply, meta = meta_of(new_chat(), "how do i take ibrance")
    assert meta["facet"] == "route" and meta["drug"] == "palbociclib"
    assert _data_text("schedule", "palbociclib")[:60] in reply
    assert "you take by mouth" in reply and not re.search(r"\b(\d+|one|two|three) (tablets?|capsules?)\b", reply)


def test_an_infusion_is_given_never_taken(new_chat):
    reply, meta = meta_of(new_chat(), "how often is enhertu given")
    assert meta["facet"] == "route" and meta["drug"] == "trastuzumab deruxtecan"
    assert "nurse gives you" in reply and not re.search(r"\b(you take|take it)\b", reply)


def test_is_it_chemo_gets_a_plain_no_first(new_chat):
    text, meta = first_text_and_meta(new_chat(), "is ibrance chemo?")
    assert meta["facet"] == "is_chemo" and text.startswith("No.")


def test_stopping_when_scans_are_clear_is_answered_not_refused(new_chat):
    text, meta = first_text_and_meta(new_chat(), "Can I stop Femara now that my scans are clear?")
    assert meta["facet"] == "stopping" and meta["drug"] == "letrozole" and meta["refusal"] is None
    assert text.startswith("No")


def test_a_question_naming_a_class_gets_the_class_answer(new_chat):
    reply, meta = meta_of(new_chat(), "what side effects do cdk4/6 inhibitors have")
    assert meta["facet"] == "side_effects" and meta["drug_class"] == "cdk46_inhibitor"
    assert "cdk4/6 inhibitors" in reply


def test_storage_of_a_hazardous_pill(new_chat):
    reply, meta = meta_of(new_chat(), "how should i store my xeloda and get rid of leftover pills")
    assert meta["facet"] == "storage" and meta["drug"] == "capecitabine"
    assert _data_text("storage", "capecitabine")[:50] in reply


def test_a_withdrawn_partner_in_a_comparison_says_it_was_withdrawn(new_chat):
    reply, _ = meta_of(new_chat(), "abraxane vs tecentriq")
    assert "withdr" in reply and "not swapped" not in reply


def test_what_a_class_is_names_the_class(new_chat):
    reply, meta = meta_of(new_chat(), "what is a serd")
    assert meta["facet"] == "what" and meta["drug_class"] == "serd" and "elacestrant" in reply


def test_do_i_need_it_forever_is_answered_the_right_way_round(new_chat):
    """'Can I stop it?' gets 'No, not on your own'; 'do I have to stay on it?' must not get a 'No'."""
    text, meta = first_text_and_meta(new_chat(), "do i need to keep taking letrozole forever now my scans are clear")
    assert meta["facet"] == "stopping" and meta["drug"] == "letrozole"
    assert text.startswith("Yes, for now") and "on your own" in text
