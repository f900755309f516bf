"""The deterministic safety detector on its own, without the NLU model."""
import pytest

from bot.safety.detector import default_detector
from tests.support import load_test_data

CASES = load_test_data("safety_cases.yml")


@pytest.mark.parametrize("case", CASES["red_flags"], ids=lambda c: c["text"][:40])
def test_every_red_flag_phrasing_is_caught(case):
    finding = default_detector().detect(case["text"])
    assert finding is not None and finding.category in ("red_flags", "crisis"), case["text"]


@pytest.mark.parametrize("text", CASES["crisis"], ids=lambda t: t[:40])
def test_every_crisis_phrasing_is_caught(text):
    finding = default_detector().detect(text)
    assert finding is not None and finding.category == "crisis", text


def test_negation_does_not_hide_a_red_flag():
    finding = default_detector().detect("no fever, but I can't breathe")
    assert finding and finding.rule_id == "breathing"


def test_typos_in_symptom_words_are_snapped():
    assert default_detector().detect("i have a feaver and chils since chemo")
