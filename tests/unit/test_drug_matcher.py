"""Drug names with typos and brands resolve to one entry; ordinary words resolve to none.

Precision and recall are measured on tests/data/drug_names.yml, a list of realistic
misspellings, brand names and near-miss words written for this test.
"""
import pytest

from bot.knowledge.drugs import default_catalog
from bot.language.drug_matcher import DrugMatcher, default_matcher, sound_key
from tests.support import load_test_data

MIN_PRECISION = 0.99
MIN_RECALL = 0.97


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


# As patients typed them (issue 21), forum short forms, and spellings by ear.
PATIENT_SPELLINGS = [
    ("Fuervesant shots. Has anyone done the shots they could give me any advice???", "fulvestrant"),
    ("my fuervesant injections hurt", "fulvestrant"),
    ("ibranch", "palbociclib"),
    ("letersole", "letrozole"),
    ("Letrazole", "letrozole"),
    ("Palbo", "palbociclib"),
    ("TDM-1", "ado-trastuzumab emtansine"),
    ("T-DM1", "ado-trastuzumab emtansine"),
    ("T-DM-1", "ado-trastuzumab emtansine"),
    ("Kadcyla's T-DM1", "ado-trastuzumab emtansine"),
    ("Faslodex injections", "fulvestrant"),
    ("letrozole/Femara", "letrozole"),
    ("abema", "abemaciclib"),
    ("is ribo a chemo", "ribociclib"),
    ("tamox", "tamoxifen"),
    ("letro", "letrozole"),
    ("capecit", "capecitabine"),
    ("letroz", "letrozole"),
    ("zeloda hand foot syndrome", "capecitabine"),
    ("anastrazole", "anastrozole"),
    ("exemestine", "exemestane"),
    ("herseptin", "trastuzumab"),
    ("enhurtu", "trastuzumab deruxtecan"),
    ("trodelvey", "sacituzumab govitecan"),
    ("kisquali", "ribociclib"),
    ("kiskaly", "ribociclib"),
    ("verzino", "abemaciclib"),
    ("nolvadecks", "tamoxifen"),
    ("xgiva low calcium", "denosumab"),
    ("pickray", "alpelisib"),
    ("sisplatin", "cisplatin"),
    ("Platinol", "cisplatin"),
]


@pytest.mark.parametrize("text, generic", PATIENT_SPELLINGS)
def test_drug_names_as_patients_type_them(text, generic):
    match = default_matcher().match(text)
    assert match.drug is not None and match.drug.generic == generic, (text, match)
    assert [d.generic for d in default_matcher().drugs_named(text)] == [generic]


def test_two_names_of_one_drug_are_one_drug_and_short_forms_count_in_a_list():
    matcher = default_matcher()
    assert [d.generic for d in matcher.drugs_named("letrozole/Femara")] == ["letrozole"]
    assert [d.generic for d in matcher.drugs_named("on ribo and letro")] == ["ribociclib", "letrozole"]
    assert [d.generic for d in matcher.drugs_named("palbo vs kiskaly")] == ["palbociclib", "ribociclib"]


def test_spellings_by_ear_share_a_sound_key():
    for typed, name in [("kiskaly", "kisqali"), ("zeloda", "xeloda"), ("nolvadecks", "nolvadex"),
                        ("ibrans", "ibrance"), ("herseptin", "herceptin"), ("taksol", "taxol")]:
        assert sound_key(typed) == sound_key(name), (typed, name)


def test_a_far_off_spelling_needs_a_word_for_how_the_drug_is_given():
    matcher = default_matcher()
    assert not matcher.match("fuervesant").found
    assert matcher.match("fuervesant shots").drug.generic == "fulvestrant"
    assert matcher.match("had my shot (fuervesant) today").drug.generic == "fulvestrant"


@pytest.mark.parametrize("text", [
    "letter", "letters", "total", "ribs", "rib", "ribbon", "ruby", "table", "tablet", "abdomen", "salad", "latte",
    "litter", "rabbit", "cape", "tamper", "capacity", "capital", "examine", "carbon", "platinum", "palm", "taxes",
    "herbal", "verbal", "navel", "cyclop", "the letters from my oncologist",
    "flu shots", "covid jabs", "adrenaline shot", "cortisone injections", "paralysis injections", "morphine pills",
    "sleeping tablets", "vitamin d tablets", "chemotherapy infusions", "hydration drip",
])
def test_ordinary_words_near_drug_names_are_not_drugs(text):
    match = default_matcher().match(text)
    assert match.drug is None and not match.candidates, (text, match)
    assert default_matcher().drugs_named(text) == []


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
             "monitoring": "x", "duration": "x", "schedule": "x", "storage": "x", "stopping": "No."}
        ],
        "drugs": [drug("bexarotine"), drug("bexarotane")],
    })
    match = DrugMatcher(DrugCatalog(data)).match("is bexarotene a pill")
    assert match.ambiguous and {d.generic for d in match.candidates} == {"bexarotine", "bexarotane"}


def test_medicines_of_a_match_name_the_drug_its_class_and_kind():
    from bot.language.drug_matcher import default_matcher, medicines_of

    found = medicines_of(default_matcher().match("my wife is on ibranse"))
    assert {"palbociclib", "class:cdk46_inhibitor", "kind:targeted_therapy"} <= found
    assert medicines_of(default_matcher().match("no medicine named here")) == frozenset()
