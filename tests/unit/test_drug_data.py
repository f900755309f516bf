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
    """Drug answers leave room for the feedback prompt and meta payload within 1,000 characters."""
    from actions.drugs import drug_fields

    responses = yaml.safe_load((DRUGS_FILE.parent.parent / "domain.yml").read_text(encoding="utf-8"))["responses"]
    for drug in default_catalog().drugs.values():
        for name in ("utter_drug_what", "utter_drug_route", "utter_drug_side_effects", "utter_drug_who"):
            text = responses[name][0]["text"].format(**drug_fields(drug))
            assert len(text) <= 720, (drug.generic, name, len(text))
