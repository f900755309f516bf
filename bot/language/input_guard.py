"""Classify cleaned user input, and the word lists that help read it.

`classify` names input the assistant cannot use (empty, symbols only, too long, not English,
gibberish, repeated), so it can answer politely instead of guessing; cleaning itself is
`bot.text.sanitise`. `LanguageHints` holds the cue words of data/language.yml.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.paths import LANGUAGE_FILE
from bot.text import CleanText, words_of


@dataclass(frozen=True)
class LanguageHints:
    """Word lists from data/language.yml: other languages' function words, pointing-back words, cue patterns."""

    foreign_words: frozenset
    anaphora: frozenset = frozenset()
    person_pronouns: frozenset = frozenset()
    back_home: re.Pattern | None = None
    what_is: re.Pattern | None = None
    clarify: re.Pattern | None = None

    @classmethod
    def from_file(cls, path: Path = LANGUAGE_FILE) -> LanguageHints:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        words = {w.lower() for words in data["foreign_function_words"].values() for w in words}
        return cls(frozenset(words), frozenset(data.get("anaphora") or ()),
                   frozenset(data.get("person_pronouns") or ()),
                   re.compile(data["back_home"], re.I) if data.get("back_home") else None,
                   re.compile(data["what_is"], re.I) if data.get("what_is") else None,
                   re.compile(data["clarify"], re.I) if data.get("clarify") else None)

    def asks_what_is(self, text: str) -> bool:
        """A short "what is X" question."""
        return bool(self.what_is and self.what_is.search(text.strip()) and len(text.split()) <= 8)

    def asks_to_clarify(self, text: str) -> bool:
        """"What do you mean?": a request to explain the last answer again."""
        return bool(self.clarify and self.clarify.search(text.strip()) and len(text.split()) <= 8)

    def points_back(self, text: str) -> bool:
        """True when the message has a word that points back to something named earlier ("it", "that")."""
        return bool(set(words_of(text)) & self.anaphora)

    def says_back_home(self, text: str) -> bool:
        """The person is home again after hospital ("she's home now")."""
        return bool(self.back_home and self.back_home.search(text))

    def about_someone(self, text: str) -> bool:
        """True when the message speaks of a person as she or he ("will she lose her hair?")."""
        return bool(set(words_of(text)) & self.person_pronouns)


@cache
def default_language_hints() -> LanguageHints:
    return LanguageHints.from_file(LANGUAGE_FILE)


class Vocabulary:
    """The English words the assistant was trained on; a close misspelling counts as known."""

    MIN_SCORE = 80
    MIN_FUZZY_LENGTH = 4

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted(set(words))
        self._set = set(self.words)
        # The guard asks about the same words twice a message (unknown words, then gibberish);
        # a bounded cache keeps the fuzzy search to once a word without growing with traffic.
        self.knows = lru_cache(maxsize=4096)(self._knows)

    def __contains__(self, word: object) -> bool:
        return word in self._set

    def _knows(self, word: str) -> bool:
        """True for a training word, or a word close to one (a misspelling)."""
        if word in self._set:
            return True
        if len(word) < self.MIN_FUZZY_LENGTH:
            return False
        return process.extractOne(word, self.words, scorer=fuzz.ratio, score_cutoff=self.MIN_SCORE) is not None

    def unknown(self, words: Iterable[str]) -> list[str]:
        """The words long enough to be a name that are neither known nor close to a known word."""
        return [w for w in words if len(w) >= self.MIN_FUZZY_LENGTH and not self.knows(w)]


def _latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    return sum(1 for c in letters if "LATIN" in unicodedata.name(c, "")) / len(letters)


def classify(
    clean: CleanText,
    vocabulary: Vocabulary,
    names_something_known: bool = False,
    hints: LanguageHints | None = None,
) -> str | None:
    """The kind of unusable input this is, or None when the NLU answer can stand.

    `vocabulary` holds the English words of the training data; `names_something_known`
    is true when a drug or a safety pattern was found (those are never gibberish).
    """
    if clean.too_long:
        return "too_long"
    if not clean.text:
        return "empty"
    words = words_of(clean.text)
    if not words:
        return "no_words"
    if _latin_share(clean.text) < 0.5:
        return "not_english"
    if names_something_known:
        return None
    known = [w for w in words if vocabulary.knows(w)]
    foreign = [w for w in words if w in (hints or default_language_hints()).foreign_words and w not in vocabulary]
    if len(words) >= 3 and len(foreign) >= 2 and len(foreign) >= len(known):
        return "not_english"
    if len(words) >= 12 and len(set(words)) / len(words) < 0.25:
        return "repeated"
    if len(known) / len(words) < 0.34:
        return "gibberish"
    return None
