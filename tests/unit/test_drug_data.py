"""The drug data file: schema, loader and the facts it may state."""
import re

import pytest
import yaml

from bot.knowledge.drugs import DrugDataError, default_catalog, load_drug_file
from bot.paths import DRUGS_FILE


def test_the_drug_file_is_valid_and_large_enough():
    catalog = default_catalog()
    assert len(catalog.drugs) >= 40
    assert all(catalog.members(c) for c in catalog.classes.values()), "every class has a drug"


def test_every_drug_can_be_found_by_each_of_its_names():
    catalog = default_catalog()
    for drug in catalog.drugs.values():
        for name in drug.names:
            assert catalog.drug(name.upper()) is drug


def test_no_entry_states_a_dose():
    text = DRUGS_FILE.read_text(encoding="utf-8")
    assert not re.search(r"\b\d+(\.\d+)?\s*(mg|mcg|ml)\b", text, re.I)


def _write_with(tmp_path, mutate):
    data = yaml.safe_load(DRUGS_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "drugs.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda d: d["drugs"][0].pop("routes"), "routes"),
        (lambda d: d["drugs"][0].update(side_effects=[]), "side_effects"),
        (lambda d: d["drugs"][0].update(routes=["by magic"]), "routes"),
        (lambda d: d["drugs"][0].update({"class": "no_such_class"}), "class"),
        (lambda d: d["drugs"][0].update(last_reviewed="not a date"), "last_reviewed"),
        (lambda d: d["drugs"][0].update(who_for="Take 20 mg a day."), "who_for"),
        (lambda d: d["drugs"][0].update(brands=[d["drugs"][1]["generic"]]), "names"),
    ],
)
def test_a_bad_entry_names_the_file_the_drug_and_the_field(tmp_path, mutate, field):
    path = _write_with(tmp_path, mutate)
    first = yaml.safe_load(DRUGS_FILE.read_text(encoding="utf-8"))["drugs"][0]["generic"]
    with pytest.raises(DrugDataError) as error:
        load_drug_file(path)
    message = str(error.value)
    assert str(path) in message and f"'{first}'" in message and field in message, message


def test_an_unreadable_file_is_named(tmp_path):
    path = tmp_path / "missing.yml"
    with pytest.raises(DrugDataError, match="missing.yml"):
        load_drug_file(path)


def test_every_drug_answer_fits_a_phone_screen():
    """Each composed drug answer (every facet of every drug, and comparisons) leaves room within 1,000
    characters for the feedback prompt and the meta payload."""
    from bot.reports.composed import composed_answers

    answers = list(composed_answers())
    assert len(answers) > 500
    for answer in answers:
        assert len(answer.text) <= 800, (answer.drug, answer.facet, len(answer.text))


def test_every_drug_resolves_every_required_facet():
    from bot.knowledge.facets import default_registry

    catalog = default_catalog()
    for drug in catalog.drugs.values():
        for field in default_registry().required_text_fields():
            assert catalog.facet_text(drug, field), (drug.generic, field)


def test_a_withdrawn_drug_is_never_offered_as_an_option():
    catalog = default_catalog()
    withdrawn = [d for d in catalog.drugs.values() if d.withdrawn]
    assert {d.generic for d in withdrawn} >= {"bevacizumab", "atezolizumab"}
    for drug_class in catalog.classes.values():
        assert not any(d.withdrawn for d in catalog.options(drug_class))


def test_every_yes_no_drug_answer_starts_with_its_answer_and_nurse_given_drugs_are_never_taken():
    from bot.reports.audit import drug_answer_problems, yes_no_problems

    assert drug_answer_problems() == []
    assert yes_no_problems() == []


def test_the_audit_catches_an_amount_a_take_and_a_yes_no_without_its_answer():
    from bot.reports.audit import AMOUNT, TAKE, YES_NO_OPENING

    assert AMOUNT.search("Take two tablets once a day") and not AMOUNT.search("once a day for 21 days")
    assert TAKE.search("Most people take it for years")
    assert not TAKE.search("Tell your team if you take a blood thinner")
    assert YES_NO_OPENING.match("No, not on your own.") and not YES_NO_OPENING.match("Stopping is decided with")


def test_a_stopping_question_asked_the_other_way_round_gets_the_lead_that_answers_it():
    from bot.knowledge.facets import default_registry

    stopping = default_registry().facets["stopping"]
    text = "No, not on your own. Clear scans usually mean it is working."
    assert stopping.led_for("can i stop femara now", text) == text
    assert stopping.led_for("do i need femara forever", text).startswith("Yes, for now: don't stop it")
    assert stopping.led_for("do i need chemo forever", "It depends on the plan.") == "It depends on the plan."
