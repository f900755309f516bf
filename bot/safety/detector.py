"""A deterministic safety detector: red flags, crisis and dose questions, on any message.

It does not depend on the NLU model. Patterns are Python regexes in `data/safety.yml`,
matched on normalised text in which misspelt symptom words are first snapped to the
vocabulary of that file (rapidfuzz). Negation is deliberately ignored: in a message
like "no fever, but I can't breathe" the breathing pattern still fires, and a false
alarm is preferred to a miss.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from re import Pattern

import yaml
from rapidfuzz import fuzz, process

from bot.paths import SAFETY_FILE

# Order of precedence when a message matches several categories.
CATEGORIES = ("crisis", "red_flags", "dosing")
_TYPO_MIN_SCORE = 85
_CONTRACTIONS = {
    "cant": "can't", "cannt": "can't", "dont": "don't", "wont": "won't", "im": "i'm", "ive": "i've",
    "isnt": "isn't", "doesnt": "doesn't", "couldnt": "couldn't", "havent": "haven't", "didnt": "didn't",
    "wouldnt": "wouldn't", "arent": "aren't", "wasnt": "wasn't", "hasnt": "hasn't",
}
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class SafetyFinding:
    """What the detector found: the category (crisis, red_flags, dosing) and the rule's id."""

    category: str
    rule_id: str
    label: str


@dataclass(frozen=True)
class _Rule:
    category: str
    rule_id: str
    label: str
    patterns: tuple[Pattern[str], ...]
    bare_mentions: tuple[Pattern[str], ...]  # skipped in impersonal information questions


def _compile_rule(category: str, rule: dict) -> _Rule:
    always, bare = [], []
    for item in rule["patterns"]:
        if isinstance(item, dict):
            (bare if item.get("skip_info_questions") else always).append(re.compile(item["pattern"], re.I))
        else:
            always.append(re.compile(item, re.I))
    return _Rule(category, rule["id"], rule["label"], tuple(always), tuple(bare))


class SafetyDetector:
    """Matches the safety patterns of one data file against user messages."""

    def __init__(self, data: dict) -> None:
        self.vocabulary = sorted({w.lower() for w in data.get("vocabulary", [])})
        self._vocabulary_set = set(self.vocabulary)
        self.rules: list[_Rule] = [
            _compile_rule(category, rule) for category in CATEGORIES for rule in data.get(category, [])
        ]
        info = data.get("info_question") or {}
        self._info_question = (
            re.compile(rf"^(?!.*\b({info['person_words']})\b).*\b({info['info_words']})\b", re.I)
            if info
            else None
        )

    def is_info_question(self, normalised: str) -> bool:
        """An impersonal question about a symptom ("is fever a side effect of X?")."""
        return bool(self._info_question and self._info_question.search(normalised))

    @classmethod
    def from_file(cls, path: Path = SAFETY_FILE) -> SafetyDetector:
        return cls(yaml.safe_load(Path(path).read_text(encoding="utf-8")))

    def normalise(self, text: str) -> str:
        """Lower-case, straighten apostrophes, restore apostrophes, snap typos to the vocabulary."""
        text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
        text = " ".join(text.split())
        return _WORD.sub(lambda m: self._fix_word(m.group(0)), text)

    def _fix_word(self, word: str) -> str:
        if word in _CONTRACTIONS:
            return _CONTRACTIONS[word]
        if len(word) < 5 or word in self._vocabulary_set or "'" in word:
            return word
        best = process.extractOne(word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=_TYPO_MIN_SCORE)
        return best[0] if best else word

    def findings(self, text: str) -> list[SafetyFinding]:
        """Every rule that matches, most urgent category first."""
        normalised = self.normalise(text)
        info_question = self.is_info_question(normalised)
        return [
            SafetyFinding(rule.category, rule.rule_id, rule.label)
            for rule in self.rules
            if any(p.search(normalised) for p in rule.patterns)
            or (not info_question and any(p.search(normalised) for p in rule.bare_mentions))
        ]

    def detect(self, text: str) -> SafetyFinding | None:
        """The most urgent finding in `text`, or None."""
        found = self.findings(text)
        return found[0] if found else None


@cache
def default_detector() -> SafetyDetector:
    """The project's detector, loaded once from data/safety.yml."""
    return SafetyDetector.from_file(SAFETY_FILE)
