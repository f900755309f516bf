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
CATEGORIES = ("crisis", "red_flags", "amber", "dosing")
# The urgency grade of each finding, most urgent first (UKONS 24-hour triage toolkit levels for symptoms).
LEVELS = ("crisis", "emergency", "red", "amber", "dose")
_LEVEL_OF_CATEGORY = {"crisis": "crisis", "amber": "amber", "dosing": "dose"}
_TYPO_MIN_SCORE = 85
_CONTRACTIONS = {
    "cant": "can't", "cannt": "can't", "dont": "don't", "wont": "won't", "im": "i'm", "ive": "i've",
    "isnt": "isn't", "doesnt": "doesn't", "couldnt": "couldn't", "havent": "haven't", "didnt": "didn't",
    "wouldnt": "wouldn't", "arent": "aren't", "wasnt": "wasn't", "hasnt": "hasn't",
}
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class SafetyFinding:
    """What the detector found: the category (crisis, red_flags, amber, dosing), the rule's id and its level.

    `level` is one of LEVELS: crisis, emergency (911 first), red (the 24-hour line now), amber (the team
    today) or dose.
    """

    category: str
    rule_id: str
    label: str
    level: str


@dataclass(frozen=True)
class _Rule:
    category: str
    rule_id: str
    label: str
    level: str
    patterns: tuple[Pattern[str], ...]
    bare_mentions: tuple[Pattern[str], ...]  # skipped in impersonal information questions


def _compile_rule(category: str, rule: dict) -> _Rule:
    always, bare = [], []
    for item in rule["patterns"]:
        if isinstance(item, dict):
            (bare if item.get("skip_info_questions") else always).append(re.compile(item["pattern"], re.I))
        else:
            always.append(re.compile(item, re.I))
    level = rule.get("level") or _LEVEL_OF_CATEGORY.get(category)
    if level not in LEVELS:
        raise ValueError(f"safety rule '{rule['id']}' ({category}): level must be one of {LEVELS}, not {level!r}")
    return _Rule(category, rule["id"], rule["label"], level, tuple(always), tuple(bare))


class SafetyDetector:
    """Matches the safety patterns of one data file against user messages."""

    def __init__(self, data: dict) -> None:
        self.vocabulary = sorted({w.lower() for w in data.get("vocabulary", [])})
        self._vocabulary_set = set(self.vocabulary)
        rules = [_compile_rule(category, rule) for category in CATEGORIES for rule in data.get(category, [])]
        # Most urgent level first; within a level, the order of the file.
        self.rules: list[_Rule] = sorted(rules, key=lambda r: LEVELS.index(r.level))
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
        """Every rule that matches, most urgent level first."""
        normalised = self.normalise(text)
        info_question = self.is_info_question(normalised)
        return [
            SafetyFinding(rule.category, rule.rule_id, rule.label, rule.level)
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
