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
