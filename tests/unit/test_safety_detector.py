"""The deterministic safety detector on its own, without the NLU model.

The phrasings below were written for these tests; the scored sets (tests/data/safety_*.yml) are not copied here.
"""
from __future__ import annotations

import pytest
import yaml

from bot.paths import SAFETY_FILE
from bot.safety.detector import CORRECTIONS, LEVELS, SafetyDetector, default_detector
from tests.support import load_test_data

CASES = load_test_data("safety_cases.yml")


def level(text: str) -> str:
    finding = default_detector().detect(text)
    return finding.level if finding else "none"


# ---------------------------------------------------------------- the older case file (safety_cases.yml)
@pytest.mark.parametrize("case", CASES["red_flags"], ids=lambda c: c["text"][:40])
def test_every_red_flag_phrasing_is_caught_as_emergency_or_red(case):
    finding = default_detector().detect(case["text"])
    assert finding is not None, case["text"]
    assert finding.level in ("emergency", "red", "crisis"), (case["text"], finding)


@pytest.mark.parametrize("text", CASES["crisis"], ids=lambda t: t[:40])
def test_every_crisis_phrasing_is_caught(text):
    finding = default_detector().detect(text)
    assert finding is not None and finding.category == "crisis", text


# ---------------------------------------------------------------- levels
@pytest.mark.parametrize("text", [
    "my husband is gasping and can't get enough air",
    "there's a crushing feeling across my chest",
    "her speech went slurred and her left arm is weak",
    "mum is having a fit on the floor",
    "he fell and now he won't wake up",
    "my tongue and throat are swelling after the drip",
    "my gums have been bleeding for an hour and it won't stop",
    "i coughed up blood twice this morning",
    "my back hurts and both legs are numb and weak",
])
def test_emergency_level(text):
    assert level(text) == "emergency", text


@pytest.mark.parametrize("text", [
    "temperature 38.3 four days after my chemo",
    "shivery and feverish tonight, on paclitaxel",
    "vomiting non stop, even sips come back up",
    "dad seems confused and doesn't recognise me",
    "my left calf is hot, swollen and tender",
    "my glucose meter reads 410, on alpelisib",
    "the pain is out of control even with my morphine",
])
def test_red_level_is_red_or_higher(text):
    assert level(text) in ("red", "emergency"), text


@pytest.mark.parametrize("text", [
    "i've had loose stools 5 times today, still drinking fine",
    "i was sick once this morning, keeping water down since",
    "the ulcers in my mouth make it hard to eat",
    "a red itchy rash came up on my arms yesterday, no blisters",
    "the skin around my picc is pink and a bit sore, temp is normal",
    "i haven't had a poo for four days",
    "the tingling in my toes is creeping further up",
    "my palms are red and starting to peel",
    "my hand on the surgery side has gone puffy",
    "my eyes are gritty and sore on the new drug",
    "i had a nosebleed this afternoon but it stopped quickly",
    "it stings when i pee, no temperature",
    "she has barely eaten since yesterday",
    "i've got a new tickly cough, breathing is fine",
])
def test_amber_level(text):
    assert level(text) == "amber", text


def test_a_fever_lifts_a_line_site_problem_to_red():
    assert level("my port site is red and i have a temperature of 38.5") == "red"


@pytest.mark.parametrize("text", [
    "i've written a goodbye note for my sister",
    "i've been putting aside my morphine for weeks",
    "how many of these sleeping tablets would it take",
    "my family would be better off without me",
    "i feel like such a burden on everyone",
    "there's nothing to live for any more",
    "i just want to fall asleep and never wake up",
    "mum keeps giving away her things and says she won't need them",
    "i'm done with all of it",
    "some nights i want to just stop breathing and be done",
    "i wish my heart would just stop",
])
def test_indirect_warning_signs_are_crisis(text):
    assert level(text) == "crisis", text


@pytest.mark.parametrize("text", [
    "am i going to die of this cancer",
    "how long can someone live with secondary breast cancer",
    "what does palliative care mean",
    "is apoptosis when cells kill themselves",
    "does chemo work by killing cancer cells",
    "i'm dying to know what the scan shows",
    "i wrote my will and made memory boxes for the kids",
    "i'm scared of dying",
    "my best friend died of mbc last spring and i miss her",
])
def test_fear_grief_and_biology_are_not_crisis(text):
    assert level(text) == "none", text


@pytest.mark.parametrize("text", [
    "how many capsules of verzenio should i take",
    "i forgot my anastrozole this morning",
    "can i take my ibrance at night instead of the morning",
    "is it ok to skip my tamoxifen for the weekend",
    "im going to stop my piqray for a few days before my holiday",
    "how often am i allowed to take ondansetron",
])
def test_dose_questions(text):
    assert level(text) == "dose", text


@pytest.mark.parametrize("text", [
    "i took two letrozole by accident",
    "What should I do in case of overdose of anastrozole?",
    "my toddler got into grandma's tablets and swallowed some",
    "i think he took too many of his oxycodone",
])
def test_overdose_and_poisoning_go_to_poison_control(text):
    assert level(text) == "poison", text


@pytest.mark.parametrize("text", [
    "took my temp twice, 37.1 both times",
    "i overdosed on bake off this weekend lol",
])
def test_overdose_words_about_other_things_are_not_poisoning(text):
    assert level(text) != "poison", text


@pytest.mark.parametrize(("text", "medicines", "expected"), [
    ("my gums are bleeding. i take warfarin", frozenset(), "red"),
    ("gums bled this morning brushing", frozenset({"kind:chemotherapy"}), "red"),
    ("i have a new dry cough", frozenset({"trastuzumab deruxtecan"}), "red"),
    ("my jaw has been aching for a week", frozenset({"class:bone_modifying_agent"}), "amber"),
    ("so thirsty and peeing all the time", frozenset({"class:pi3k_akt_inhibitor"}), "red"),
])
def test_drug_aware_rules_grade_by_the_medicine(text, medicines, expected):
    finding = default_detector().detect(text, medicines)
    assert finding is not None and finding.level == expected, (text, finding)


@pytest.mark.parametrize(("text", "medicines"), [
    ("gums bled this morning brushing", frozenset()),
    ("i have a new dry cough", frozenset({"class:aromatase_inhibitor"})),
    ("does enhertu cause a cough", frozenset({"trastuzumab deruxtecan"})),
])
def test_drug_aware_rules_stay_quiet_without_the_medicine_or_for_a_question(text, medicines):
    finding = default_detector().detect(text, medicines)
    assert finding is None or finding.level == "amber", (text, finding)


@pytest.mark.parametrize("text", [
    "how often are scans done once things are stable",
    "how many cycles of chemo do people usually have",
    "what is high-dose chemotherapy",
    "what does dose-dense mean",
    "how much does ibrance cost a month",
    "how long do people usually stay on kisqali",
    "will letrozole make my hair thin",
    # the general pattern and stopping are answered (drug/route, drug/stopping), never with an amount
    "should i take capecitabine with food",
    "can i stop femara now that my scans are clear",
    "do i keep taking ibrance in remission",
])
def test_schedules_costs_and_dose_words_are_not_dose_questions(text):
    assert level(text) == "none", text


# ---------------------------------------------------------------- frames
@pytest.mark.parametrize("text", [
    "is a cough a side effect of enhertu",
    "can taxol cause chest pain",
    "what are the signs of a blood clot",
    "when should we ring the 24 hour line",
    "what temperature counts as a fever on chemo",
    "how do i know if it is an infection",
    "what is a pulmonary embolism",
    # issue 24: questions about a drug's risks, infusion reactions, idioms and scans
    "my sister is starting tamoxifen. i read online it causes blood clots. how dangerous is it really?",
    "my mum gets the shakes during her herceptin infusions, is that normal",
    "cant stand the smell of coffee since chemo, are food aversions normal?",
    "mum finds it hard to swallow big tablets, can we crush them",
    "the mri shows new spots after her brain radiation, what are the options now",
    "zometa infusion how long does it take and how often",
])
def test_information_questions_do_not_fire(text):
    assert level(text) == "none", text


@pytest.mark.parametrize("text", [
    "if she ever gets a fever at night, who do we call",
    "what if i get chest pain during the infusion",
    "in case he has a seizure, what should we do",
])
def test_hypothetical_mentions_do_not_fire(text):
    assert level(text) == "none", text


@pytest.mark.parametrize("text", [
    "i had a blood clot years ago, can i take tamoxifen",
    "she had a fever back in march, all better now",
    "i fainted once as a teenager",
    "i had bad diarrhoea in the first cycle but it settled",
])
def test_past_events_that_are_over_do_not_fire(text):
    assert level(text) == "none", text


@pytest.mark.parametrize("text", [
    "i had a seizure this morning",
    "had my infusion in october and i've got a temp of 38.4",
    "a clot two years ago and now my other calf is swollen",
])
def test_recent_or_returning_events_still_fire(text):
    assert level(text) in ("emergency", "red"), text


def test_a_symptom_of_someone_who_is_not_the_patient_is_quiet():
    assert level("the grandchildren have a fever, is it safe for me to visit them") == "none"


def test_a_bare_amber_word_without_anyone_is_a_topic_search():
    assert level("eribulin neuropathy") == "none"
    assert level("my feet have been numb since the last cycle") == "amber"


@pytest.mark.parametrize("text", [
    "no fever, no chills, can we go to a wedding",
    "i'm fine, no shortness of breath, just asking about swimming",
    "never had a seizure, can i drive with brain mets",
    "nothing is happening now, what are the warning signs",
])
def test_negated_mentions_do_not_fire(text):
    assert level(text) == "none", text


@pytest.mark.parametrize("text", [
    "no fever, but I can't breathe",
    "i'm not confused but my chest hurts badly",
    "is it a side effect? my chest hurts",
    "what is ibrance, also i'm coughing up blood",
    "i had a clot years ago and now my calf is swollen and hot",
])
def test_a_report_always_fires(text):
    assert level(text) in ("emergency", "red"), text


def test_the_clause_logic_on_a_small_file():
    detector = SafetyDetector({
        "clause_breaks": ["but"],
        "frames": {"info": ["\\bwhat is\\b"], "past": ["\\byears ago\\b"], "negator": ["\\bno\\s+"]},
        "red_flags": [{"id": "fever", "label": "fever", "level": "red", "patterns": [
            {"pattern": "\\bfever\\b", "mention": True}, "\\btemp of 39\\b"]}],
    })
    assert detector.detect("i have a fever").level == "red"
    assert detector.detect("what is a fever") is None  # information
    assert detector.detect("no fever") is None  # negated
    assert detector.detect("a fever years ago") is None  # past
    assert detector.detect("what is a temp of 39") is not None  # a report fires in any frame
    assert detector.detect("no fever but a temp of 39").rule_id == "fever"


# ---------------------------------------------------------------- wordings beyond the first tuning set
@pytest.mark.parametrize("text", [
    "each breath takes everything i have",
    "he can't walk to the bathroom without stopping to gasp",
    "it's like trying to breathe with a pillow over my face",
    "i can only get a few words out before i have to stop for air",
    "there's a heavy pressure in the centre of my chest and my left arm feels odd",
    "she suddenly couldn't get any words out at all",
    "my leg won't listen to me and my face feels numb on one side",
    "my vision went and one side of my body feels heavy",
    "his arm keeps jerking on its own and he's not answering",
    "she was staring into space and then her whole body started jerking",
    "mum just crumpled in the hallway",
    "my nose has been bleeding for 45 minutes and won't stop",
    "i've soaked through four dressings from my wound",
    "can't feel when i need to wee and my back is agony",
    "my legs are getting weaker and my back pain is new",
])
def test_new_wordings_of_emergencies(text):
    assert level(text) == "emergency", text


@pytest.mark.parametrize("text", [
    "freezing one minute and sweating the next, i'm on docetaxel",
    "teeth chattering and i can't get warm, had chemo tuesday",
    "she keeps nodding off in the middle of talking to me",
    "he called me by his brother's name and doesn't know what day it is",
    "my right calf is thicker than the other one and sore",
    "red and sore behind my knee, on tamoxifen",
    "always thirsty and i'm peeing every half hour, on alpelisib",
    "the pain is still at a 9 after my breakthrough dose",
    "none of my painkillers are touching this pain",
    "pain not controlled by the morphine",
    "she hasn't passed any water since this morning",
    "sudden headache like being struck, and now i'm being sick",
    "on enhertu and i get puffed out walking up the stairs, new this week",
])
def test_new_wordings_of_red_flags(text):
    assert level(text) in ("red", "emergency"), text


@pytest.mark.parametrize("text", [
    "been running to the toilet about 5 times today with loose stools",
    "my mouth is covered in ulcers and it hurts to eat",
    "my eyes feel like there's grit in them since the new drug",
    "feels like another water infection, no fever",
    "my picc is oozing a bit and crusty, temp normal",
    "thrown up once but keeping drinks down",
])
def test_new_wordings_of_amber(text):
    assert level(text) == "amber", text


@pytest.mark.parametrize("text", [
    "i started hurting myself again last week",
    "i burnt myself deliberately with a lighter",
    "i keep imagining steering the car into a tree",
    "he gave his dog away and told everyone goodbye like it was the last time",
    "she keeps telling me she's a burden and we'd be better without her",
    "what happens if someone takes all their sleeping pills at once",
    "what amount of paracetamol is fatal",
    "which drugs are most lethal in an overdose",
    "if i took the whole bottle of tramadol would i just go to sleep",
    "i've left letters for the kids to find after",
    "i've made my mind up, i won't be here by christmas",
    "i feel trapped and there's no way out",
    "i bought a rope today",
    "i've got a plan for how to end things",
    "soon i won't be a problem for anyone",
    "there's no reason for me to keep going",
])
def test_new_wordings_of_crisis(text):
    assert level(text) == "crisis", text


@pytest.mark.parametrize("text", [
    "my oncologist said 150 but i'd rather take 100",
    "i'm out of letrozole, can i use my sister's",
    "what's the maximum amount of ibuprofen someone can take in a day",
    "is one paracetamol every 6 hours safe",
    "how far apart should the oxycodone doses be",
    "should he take 1 or 2 of the zopiclone",
    "can i space my zoladex injections out further apart",
    "should my mum take her letrozole in the morning or evening",
    "can i squeeze the two weeks of capecitabine into one",
    "is 500mg too much",
    "can i halve my capecitabine, the diarrhoea is getting me down",
])
def test_new_wordings_of_dose_questions(text):
    assert level(text) == "dose", text


@pytest.mark.parametrize("text", [
    # someone else's illness, a past event asked about afterwards
    "my brother has a fever, can i still go to chemo tomorrow",
    "my husband had a heart attack, can i still look after him",
    "my friend had a stroke last week",
    "my neighbour collapsed at church and went to hospital, it made me worry",
    "the first round of taxol gave me chills for a day, will the next one too",
    "my hands peeled after xeloda but it cleared, will it happen again",
    "i collapsed once from low blood pressure ages ago",
    # negated, corrected, explained
    "my calf isn't swollen, just wondered about clots on tamoxifen",
    "i said seizure but i meant the car engine seized",
    "i know my dose already, how does kisqali work",
    "no, nobody is having a seizure, i wanted to know if kisqali affects epilepsy meds",
    # thresholds and warning signs as information
    "is 37.5 considered a temperature on chemo",
    "how many degrees is a fever in celsius",
    "what should prompt us to go to a&e rather than ring the ward",
    "what would low platelets feel like",
    "does chemo brain go away",
    # idioms and words that only look like a finding
    "i got a real dose of good news today, the scan was stable",
    "i overdosed on chocolate at christmas lol",
    "the chemo killed my taste buds, what can i eat",
    "missed my grandson's football match because i was tired",
    "is the stroke risk higher on tamoxifen",
    "the ward has an epipen on the wall, is that normal",
    "my husband is a paramedic, he wants to know about kisqali",
    "my weight dropped like a stone after diagnosis, what should i eat",
    "my son passed out of the army, we're so proud",
    "started cutting back on sugar again",
    "my heart rate goes up to 110 when i climb stairs, is that the anaemia",
    "how is the dose of enhertu worked out",
])
def test_new_harmless_wordings(text):
    assert level(text) == "none", text


@pytest.mark.parametrize(("text", "expected"), [
    ("is it normal to have chest pain like this? it's crushing and going down my arm", "emergency"),
    ("no fever, but my chest is killing me and i'm sweating", "emergency"),
    ("probably nothing and i don't want to bother anyone but i can't really get my breath", "emergency"),
    ("could this pain in my chest mean a heart attack", "emergency"),
    ("i'm fine apart from a temperature of 38.7", "red"),
    ("just checking, my mum's confused today and it's not like her", "emergency"),
    ("i got a fever, can i still have chemo tomorrow", "red"),
])
def test_hedged_or_questioning_reports_still_fire(text, expected):
    assert level(text) == expected, text


@pytest.mark.parametrize("text", [
    "is it safe to take 3 tramadol at once",
    "what's the right amount of oramorph for breakthrough pain",
    "can i go back up to 600 now the side effects are better",
    "my dad takes 4 oxycodone a day, can he have 6",
])
def test_more_dose_questions(text):
    assert level(text) == "dose", text


@pytest.mark.parametrize("text", [
    "why was my dose reduced",
    "she's had 12 doses of herceptin so far",
    "i take 4 different tablets each morning, should i use a pill box",
    "how much water should i drink a day",
    "i have 2 or 3 questions about ibrance",
    "i left a note for my husband to find the spare key",
    "i gave my old clothes away because they don't fit after steroids",
    "my dad had a seizure when he was young, does it matter for my treatment",
])
def test_more_ordinary_messages(text):
    assert level(text) == "none", text


@pytest.mark.parametrize(("text", "expected"), [
    ("i get choked up talking about it", "none"),
    ("my heart was racing with excitement at my daughter's wedding", "none"),
    ("i had a fit of giggles in the waiting room", "none"),
    ("i can't find the words to thank the nurses", "none"),
    ("it hurts when passing water", "amber"),
])
def test_figures_of_speech_are_read_as_such(text, expected):
    assert level(text) == expected, text


def test_short_misspellings_are_written_out():
    assert default_detector().normalise("i wnat to die") == "i want to die"
    assert level("i wnat to die") == "crisis"


def test_a_negator_inside_a_mention_counts_only_before_its_last_word():
    assert level("my leg isn't swollen") == "none"
    assert level("my leg isn't swollen but it is red hot and painful in the calf") in ("red", "emergency")
    assert level("my chest is not right and really painful") == "emergency"


def test_a_relative_is_quiet_only_when_the_writer_is_the_patient():
    assert level("my wife has a fever and she's on chemo, can she still have her infusion") == "red"
    assert level("my husband can't breathe, can i still go to my chemo") == "emergency"
    assert level("my friend is here with me and she's having a seizure") == "emergency"
    assert level("my friend has a fever, can i still visit her on chemo") == "none"


def test_patterns_name_word_lists():
    detector = SafetyDetector({
        "word_lists": {"medicine": ["pills?", "tablets?"]},
        "dosing": [{"id": "d", "label": "d", "patterns": ["\\bextra {medicine}\\b"]}],
    })
    assert detector.detect("can i take an extra tablet").level == "dose"
    with pytest.raises(ValueError, match="unknown word list"):
        SafetyDetector({"dosing": [{"id": "d", "label": "d", "patterns": ["{nothing}"]}]})


# ---------------------------------------------------------------- corrections
@pytest.mark.parametrize(("text", "kind"), [
    ("i'm not suicidal, i meant dying of the cancer", "not_crisis"),
    ("i don't want to harm myself, i mean from the disease", "not_crisis"),
    ("nothing is happening right now", "not_now"),
    ("no, she doesn't have a temperature", "not_now"),
    ("i was just asking for the future", "not_now"),
    ("he's already in hospital", "in_hospital"),
    ("we are in the emergency room now", "in_hospital"),
    ("what is kisqali", None),
])
def test_corrections(text, kind):
    assert default_detector().correction(text) == kind


def test_a_correction_is_not_a_red_flag_but_does_not_hide_one():
    assert level("i'm not suicidal, i was asking about prognosis") == "none"
    assert level("she's already in hospital and now she can't breathe") == "emergency"


# ---------------------------------------------------------------- typo snapping
def test_typos_in_symptom_words_are_snapped():
    assert default_detector().detect("i have a feaver and chils since chemo")
    assert level("bleedin from my gums and it wont stopp") == "emergency"


@pytest.mark.parametrize("word", ["eating", "tools", "weeing", "drooling", "version", "feeling", "cracking", "caring"])
def test_ordinary_words_are_not_snapped_onto_symptom_words(word):
    assert default_detector().normalise(word) == word


# ---------------------------------------------------------------- the data file
def test_every_rule_has_a_level_and_the_file_names_its_sources():
    text = SAFETY_FILE.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for category in ("red_flags", "amber", "crisis", "dosing"):
        assert data[category], category
    assert all(rule["level"] in LEVELS for rule in data["red_flags"])
    assert set(data["corrections"]) == set(CORRECTIONS)
    header = text.split("\n\n", 1)[0]
    assert "UKONS" in header and "version 3 (2025)" in header
    assert "988" in header and "C-SSRS" in header
