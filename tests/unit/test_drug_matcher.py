"""Drug names with typos and brands resolve to one entry; ordinary words resolve to none.

Precision and recall are measured on tests/data/drug_names.yml, a list of realistic
misspellings, brand names and near-miss words written for this test.
"""
from bot.knowledge.drugs import default_catalog
from bot.language.drug_matcher import DrugMatcher
from tests.support import load_test_data

MIN_PRECISION = 0.97
MIN_RECALL = 0.90


def measure():
    matcher = DrugMatcher(default_catalog())
    cases = load_test_data("drug_names.yml")["cases"]
    true_pos = false_pos = false_neg = 0
    errors = []
    for case in cases:
        match = matcher.match(case["text"])
        got = match.drug.generic if match.drug else None
        expected = case["expect"]
        if got and got == expected:
            true_pos += 1
        elif got:
            false_pos += 1
            errors.append((case["text"], expected, got))
        if expected and got != expected:
            false_neg += 1
            if not got:
                errors.append((case["text"], expected, "ambiguous" if match.ambiguous else None))
    precision = true_pos / max(1, true_pos + false_pos)
    recall = true_pos / max(1, true_pos + false_neg)
    return len(cases), precision, recall, errors


def test_drug_name_precision_and_recall():
    count, precision, recall, errors = measure()
    print(f"\ndrug-name matcher on {count} cases: precision {precision:.3f}, recall {recall:.3f}")
    for text, expected, got in errors:
        print(f"  {text!r}: expected {expected}, got {got}")
    assert count >= 150
    assert precision >= MIN_PRECISION and recall >= MIN_RECALL


def test_similar_names_do_not_swap():
    matcher = DrugMatcher(default_catalog())
    for text, generic in [("letrozole", "letrozole"), ("anastrozole", "anastrozole"), ("exemestane", "exemestane"),
                          ("trastuzumab", "trastuzumab"), ("pertuzumab", "pertuzumab")]:
        assert matcher.match(text).drug.generic == generic


def test_ordinary_words_are_not_drugs():
    matcher = DrugMatcher(default_catalog())
    for text in ["I feel tired today", "total", "letter", "exercise", "tomorrow", "heaven", "camera"]:
        assert not matcher.match(text).found, text


def test_two_equally_likely_drugs_are_ambiguous():
    """A misspelling one edit away from two drugs' names returns both, so the assistant asks."""
    import datetime as dt

    from bot.knowledge.drugs import DrugCatalog, DrugFile

    def drug(name: str) -> dict:
        return {"generic": name, "class": "c", "routes": ["pill"], "who_for": "x", "how_it_works": "x",
                "side_effects": ["x"], "warnings": ["x"], "sources": ["x"], "last_reviewed": dt.date(2026, 1, 1)}

    data = DrugFile.parse_obj({
        "routes": {"pill": "a pill"},
        "classes": [
            {"id": "c", "name": "c", "kind": "hormone_therapy", "what_it_is": "x", "sources": ["x"],
             "last_reviewed": dt.date(2026, 1, 1), "pregnancy": "x", "interactions": "x", "vaccines": "x",
             "monitoring": "x", "duration": "x"}
        ],
        "drugs": [drug("bexarotine"), drug("bexarotane")],
    })
    match = DrugMatcher(DrugCatalog(data)).match("is bexarotene a pill")
    assert match.ambiguous and {d.generic for d in match.candidates} == {"bexarotine", "bexarotane"}
