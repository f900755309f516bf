"""The spaCy pipeline built by code: drug, class and subtype names become entities."""
import spacy

from bot.language.spacy_pipeline import build_pipeline


def test_a_brand_name_in_a_sentence_is_a_drug_entity(tmp_path):
    build_pipeline().to_disk(tmp_path / "nlp")
    nlp = spacy.load(tmp_path / "nlp")
    doc = nlp("My oncologist wants me to start IBRANCE next week")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [("IBRANCE", "drug", "palbociclib")]


def test_multi_word_names_classes_and_subtypes_are_found():
    nlp = build_pipeline()
    doc = nlp("is zoledronic acid a cdk4/6 inhibitor for triple negative cancer")
    found = {(e.label_, e.ent_id_) for e in doc.ents}
    assert ("drug", "zoledronic acid") in found
    assert ("subtype", "triple_negative") in found
