"""Cleaning and classifying raw input, without the NLU model."""
from bot.language.input_guard import Vocabulary, classify
from bot.text import MAX_INPUT_CHARS as MAX_CHARS
from bot.text import sanitise

VOCABULARY = Vocabulary(["what", "is", "letrozole", "the", "side", "effects", "of", "help", "me", "how", "do", "i"])


def test_markup_and_scripts_are_removed():
    clean = sanitise("<b>what is</b> <script>alert('x')</script>letrozole &lt;i&gt;")
    assert clean.text == "what is letrozole" and clean.had_markup


def test_control_characters_are_removed_and_length_capped():
    assert sanitise("what\x00 is\x07 it\u202e").text == "what is it"
    clean = sanitise("a" * (MAX_CHARS + 1))
    assert clean.too_long and len(clean.text) == MAX_CHARS


def test_unusable_input_is_named():
    assert classify(sanitise("   \n\t"), VOCABULARY) == "empty"
    assert classify(sanitise("😀😀 !!"), VOCABULARY) == "no_words"
    assert classify(sanitise("x" * 3000), VOCABULARY) == "too_long"
    assert classify(sanitise("血液检查结果怎么样"), VOCABULARY) == "not_english"
    assert classify(sanitise("qué es el tratamiento para mi cáncer"), VOCABULARY) == "not_english"
    assert classify(sanitise("blorp fizz wizzle"), VOCABULARY) == "gibberish"
    assert classify(sanitise("help me " * 20), VOCABULARY) == "repeated"


def test_ordinary_questions_with_typos_pass():
    assert classify(sanitise("what is the side efects of letrozol"), VOCABULARY) is None
    assert classify(sanitise("how do i"), VOCABULARY) is None
