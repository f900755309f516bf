"""Bad input over the REST channel: never a crash, silence or echoed markup.

A fixed corpus (tests/data/bad_inputs.yml) plus inputs generated with hypothesis.
"""
import re

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import Chat, load_test_data

CORPUS = load_test_data("bad_inputs.yml")
MARKUP = re.compile(r"<\s*/?\s*(script|img|b|i|iframe|div|svg|a|style)\b", re.I)


def check_reply(servers, text: str) -> None:
    chat = Chat(servers.url)
    messages = chat.send(text)
    texts = [m.get("text") or "" for m in messages]
    assert any(t.strip() for t in texts), f"empty reply to {text[:80]!r}"
    joined = "\n".join(texts)
    assert not MARKUP.search(joined), f"markup echoed for {text[:80]!r}"
    assert len(joined) <= 1000


def test_fixed_bad_input_corpus(servers):
    inputs = CORPUS["inputs"]
    repeat = CORPUS["repeat"]
    inputs = [*inputs, repeat["text"] * repeat["times"], "what is letrozole? " * 40, "a" * 100_000]
    for text in inputs:
        check_reply(servers, str(text))
    assert len(inputs) >= 60


def test_too_long_is_said(servers):
    reply = Chat(servers.url).say("please help " * 400)
    assert "too long" in reply


def test_not_english_is_said(servers):
    reply = Chat(servers.url).say("¿qué es el tratamiento para el cáncer de mama metastásico?")
    assert "only answer in english" in reply


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(st.text(min_size=0, max_size=300))
def test_generated_inputs(servers, text):
    check_reply(servers, text)


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(st.lists(st.sampled_from(["<b>", "</script>", "DROP TABLE", "😀", "\x00", "ibrance", "' OR 1=1", "/", "{", "}",
                                 "&lt;", "\u202e", "what", "is", "?"]), max_size=30).map(" ".join))
def test_generated_markup_mixes(servers, text):
    check_reply(servers, text)


def test_server_still_answers_afterwards(servers):
    assert requests.get(servers.url, timeout=10).ok
    assert "femara" in Chat(servers.url).say("what is letrozole")
