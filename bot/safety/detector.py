"""A deterministic safety detector: crisis, graded red flags (emergency, red, amber) and dose questions.

It does not depend on the NLU model. Every pattern and cue list is a Python regex in `data/safety.yml`;
this module only applies them:

1. The text is normalised (lower case, straight apostrophes, contractions restored) and misspelt symptom
   words are snapped to the file's vocabulary (rapidfuzz).
2. It is split into clauses at sentence ends, commas, ';' and the words of `clause_breaks` (but, btw, also...).
3. A pattern matches inside one clause. A match is dropped when a negator stands right before it ("no
   fever") or when its clause tells of a past event that is over ("years ago", "it went away"). A pattern
   marked `mention: true` (a bare symptom word) is also dropped in a clause that asks for information,
   is hypothetical ("if she ever gets...") or says nothing is happening now ("I'm fine").
   Other patterns are REPORTS: they fire whatever the other clauses say, so "no fever but I can't catch my
   breath" is still an emergency. Where the two conflict, a false alarm is preferred to a miss.
   A bare mention is also quiet where it is someone else's (a friend; a relative when the writer is the
   patient, "my brother has a fever, can i still go to chemo"), in a plain past clause when the message
   asks about life after it ("he had a heart attack, can i still look after him"), and when a negator
   stands right before its last word ("my leg isn't swollen").
4. A bare amber mention also needs someone or some time in the message (`frames.experience`): "perjeta
   diarrhea" alone is a topic search, "diarrhoea 5 times today" is a report.
5. Crisis first, then emergency, poison (an overdose: Poison Control), red, dose and amber: a dose question
   naming a mild symptom is a dose question.
6. A drug-aware rule (`drug_aware:`) fires only when the message is about someone on one of its medicines:
   an identifier of the drug data the caller passes (a drug's generic name, its class id or its kind, e.g.
   `kind:chemotherapy`) or a name of the rule's `names` word list (medicines outside the drug data, such as
   blood thinners).
Patterns may name a word list of the file as {name} ("{medicine}").
Each finding says its evidence: "report" when a report pattern fired, "mention" when only bare mentions did;
a caller may weigh a mention against what the whole message means (bot/safety/meaning.py).
`correction()` says whether a message corrects the assistant (not a crisis, nothing now, already in hospital).
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
CATEGORIES = ("crisis", "red_flags", "drug_aware", "poison", "amber", "dosing")
# The urgency grade of each finding, most urgent first (UKONS 24-hour triage toolkit levels for symptoms).
LEVELS = ("crisis", "emergency", "poison", "red", "amber", "dose")
# Which finding wins when several match: a dose question outranks a mild (amber) symptom it mentions.
PRECEDENCE = ("crisis", "emergency", "poison", "red", "dose", "amber")
REPORT, MENTION = "report", "mention"
CORRECTIONS = ("not_crisis", "in_hospital", "not_now")
_LEVEL_OF_CATEGORY = {"crisis": "crisis", "amber": "amber", "dosing": "dose", "poison": "poison"}
# Clause frames, as named in data/safety.yml `frames:`.
_FRAMES = (
    "info", "hypothetical", "negated_now", "others", "person_now", "experience", "past", "now", "resolved", "negator",
    "inner_negator", "relatives", "self_patient", "past_simple", "aftermath",
)
_TYPO_MIN_SCORE = 85
_CONTRACTIONS = {
    "cant": "can't", "cannt": "can't", "dont": "don't", "wont": "won't", "im": "i'm", "ive": "i've",
    "isnt": "isn't", "doesnt": "doesn't", "couldnt": "couldn't", "havent": "haven't", "didnt": "didn't",
    "wouldnt": "wouldn't", "arent": "aren't", "wasnt": "wasn't", "hasnt": "hasn't", "hadnt": "hadn't",
    "shouldnt": "shouldn't", "werent": "weren't", "shes": "she's", "hes": "he's", "theyre": "they're",
    "thats": "that's", "whats": "what's", "theres": "there's", "youre": "you're", "id": "i'd", "theyd": "they'd",
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
    evidence: str = REPORT  # REPORT: a report pattern fired; MENTION: only bare mentions did


@dataclass(frozen=True)
class _Pattern:
    regex: Pattern[str]
    mention: bool  # a bare mention: silenced in information, hypothetical and "nothing now" clauses
    message: bool  # may match across clause ends
    negatable: bool  # a negator before the match's last word cancels it ("my leg isn't swollen"); all mentions are


@dataclass(frozen=True)
class _Rule:
    category: str
    rule_id: str
    label: str
    level: str
    patterns: tuple[_Pattern, ...]
    on: frozenset[str] = frozenset()  # drug-aware: identifiers of the drug data, one of which must apply
    names: Pattern[str] | None = None  # drug-aware: medicine names outside the drug data that also apply


@dataclass(frozen=True)
class _Clause:
    start: int
    end: int
    silenced: bool  # past and over: nothing in it fires
    quiet: bool  # information, hypothetical, nothing now or someone else: bare mentions in it do not fire


def _last_word(text: str, match: re.Match[str]) -> int:
    """Where the last word of a match starts."""
    return match.start() + max(0, match.group(0).rstrip().rfind(" ") + 1)


def _expand(pattern: str, words: dict[str, str]) -> str:
    """Replace each {name} of a word list of the file (e.g. {medicine}) by an alternation of its entries."""

    def word_list(match: re.Match[str]) -> str:
        if match.group(1) not in words:
            raise ValueError(f"safety pattern names an unknown word list {{{match.group(1)}}}: {pattern}")
        return words[match.group(1)]

    return re.sub(r"\{([a-z_]+)\}", word_list, pattern)


def _any_of(patterns: list[str]) -> Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!x)x", re.I)


def _compile_rule(category: str, rule: dict, words: dict[str, str]) -> _Rule:
    patterns = []
    for item in rule["patterns"]:
        item = item if isinstance(item, dict) else {"pattern": item}
        regex = re.compile(_expand(item["pattern"], words), re.I)
        mention = bool(item.get("mention"))
        negatable = mention or bool(item.get("negatable"))
        patterns.append(_Pattern(regex, mention=mention, message=bool(item.get("message")), negatable=negatable))
    level = rule.get("level") or _LEVEL_OF_CATEGORY.get(category)
    if level not in LEVELS:
        raise ValueError(f"safety rule '{rule['id']}' ({category}): level must be one of {LEVELS}, not {level!r}")
    if category == "drug_aware" and not (rule.get("when_on") or rule.get("names")):
        raise ValueError(f"drug-aware safety rule '{rule['id']}' names no medicine (`when_on:` or `names:`)")
    names = re.compile(rf"\b{_expand(rule['names'], words)}\b", re.I) if rule.get("names") else None
    category = "red_flags" if category == "drug_aware" else category
    on = frozenset(rule.get("when_on") or ())
    return _Rule(category, rule["id"], rule["label"], level, tuple(patterns), on, names)


class SafetyDetector:
    """Matches the safety patterns of one data file against user messages, clause by clause."""

    def __init__(self, data: dict) -> None:
        self.vocabulary = sorted({w.lower() for w in data.get("vocabulary") or []})
        self._kept = set(self.vocabulary) | {w.lower() for w in data.get("keep_words") or []}
        self._respellings: dict[str, str] = {k.lower(): v.lower() for k, v in (data.get("respellings") or {}).items()}
        words = {
            name: "(?:" + "|".join(entries) + ")" for name, entries in (data.get("word_lists") or {}).items()
        }
        rules = [
            _compile_rule(category, rule, words) for category in CATEGORIES for rule in data.get(category) or []
        ]
        # In order of precedence (most urgent first, dose before amber); within a level, the order of the file.
        self.rules: list[_Rule] = sorted(rules, key=lambda r: PRECEDENCE.index(r.level))
        frames = data.get("frames") or {}
        self._frames = {name: _any_of([_expand(p, words) for p in frames.get(name) or []]) for name in _FRAMES}
        # A negator counts only when it ends right where the match starts.
        self._negator = re.compile(rf"(?:{self._frames['negator'].pattern})\s*$", re.I)
        # Inside a match, a negator counts only right before its last word ("leg isn't (really) swollen").
        self._inner_negator = re.compile(rf"(?:{self._frames['inner_negator'].pattern})\s+(?:\w+\s+)?$", re.I)
        self._breaks = re.compile(
            r"[.!?;,:]+(?=\s|$)|\s(?:" + "|".join(data.get("clause_breaks") or ["but"]) + r")\s", re.I
        )
        corrections = data.get("corrections") or {}
        self._corrections = {kind: _any_of(corrections.get(kind) or []) for kind in CORRECTIONS}

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
        if word in self._respellings:
            return self._respellings[word]
        if len(word) < 5 or word in self._kept or "'" in word:
            return word
        best = process.extractOne(word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=_TYPO_MIN_SCORE)
        return best[0] if best else word

    def clauses(self, normalised: str) -> list[_Clause]:
        """The clauses of a normalised message, each with the frames that silence or quieten it."""
        spans, start = [], 0
        for cut in [*self._breaks.finditer(normalised), None]:
            end = cut.start() if cut else len(normalised)
            if normalised[start:end].strip():
                spans.append((start, end))
            start = cut.end() if cut else end
        texts = [normalised[a:b] for a, b in spans]
        frame = {name: [bool(regex.search(t)) for t in texts] for name, regex in self._frames.items()}
        # Message-level cues: the writer is the patient asking about someone else's illness ("can i still go
        # to chemo"); the message asks about life after an event ("can i still", "next time").
        self_patient = bool(self._frames["self_patient"].search(normalised))
        aftermath = bool(self._frames["aftermath"].search(normalised))
        result = []
        for i, (a, b) in enumerate(spans):
            now = frame["now"][i]
            resolved = frame["resolved"][i] or (i + 1 < len(spans) and frame["resolved"][i + 1] and not now)
            silenced = resolved or (frame["past"][i] and not now)
            info = frame["info"][i] and not frame["person_now"][i]
            others = frame["others"][i] or (self_patient and frame["relatives"][i])
            over = aftermath and frame["past_simple"][i] and not now
            quiet = info or frame["hypothetical"][i] or frame["negated_now"][i] or others or over
            result.append(_Clause(a, b, silenced, quiet))
        return result

    @staticmethod
    def _applies(rule: _Rule, text: str, medicines: frozenset[str]) -> bool:
        """A drug-aware rule applies only to someone on one of its medicines; every other rule always applies."""
        if not (rule.on or rule.names):
            return True
        return bool(rule.on & medicines) or bool(rule.names and rule.names.search(text))

    def _evidence(self, rule: _Rule, text: str, clauses: list[_Clause]) -> str | None:
        """REPORT when a report pattern of the rule fires, MENTION when only a bare mention does, else None."""
        fired = [p for p in rule.patterns if self._fires(rule, p, text, clauses)]
        if not fired:
            return None
        return MENTION if all(p.mention for p in fired) else REPORT

    def _fires(self, rule: _Rule, pattern: _Pattern, text: str, clauses: list[_Clause]) -> bool:
        """Whether `pattern` matches in a clause that lets it speak, with no negator right before it."""
        if pattern.mention and rule.level == "amber" and not self._frames["experience"].search(text):
            return False  # a bare amber word with nobody and no time in the message is a topic search
        for clause in clauses:
            if clause.silenced or (pattern.mention and clause.quiet):
                continue
            # A `message` pattern may run on past the clause end ("drinking loads, feeling sick").
            end = len(text) if pattern.message else clause.end
            for match in pattern.regex.finditer(text, clause.start, end):
                if match.start() >= clause.end:
                    break
                if self._negator.search(text, clause.start, match.start()):
                    continue
                if pattern.negatable and self._inner_negator.search(text, match.start(), _last_word(text, match)):
                    continue  # "my leg isn't swollen"
                return True
        return False

    def findings(self, text: str, medicines: frozenset[str] = frozenset()) -> list[SafetyFinding]:
        """Every rule that matches, in order of precedence (crisis, emergency, poison, red, dose, amber).

        `medicines`: identifiers of the drug data the message is about (generic names, class ids, kinds),
        for the drug-aware rules.
        """
        normalised = self.normalise(text)
        clauses = self.clauses(normalised)
        found = []
        for rule in self.rules:
            if not self._applies(rule, normalised, medicines):
                continue
            evidence = self._evidence(rule, normalised, clauses)
            if evidence:
                found.append(SafetyFinding(rule.category, rule.rule_id, rule.label, rule.level, evidence))
        return found

    def detect(self, text: str, medicines: frozenset[str] = frozenset()) -> SafetyFinding | None:
        """The most urgent finding in `text`, or None (a report before a mention at the same level)."""
        found = self.findings(text, medicines)
        if not found:
            return None
        top = PRECEDENCE.index(found[0].level)
        same_level = [f for f in found if PRECEDENCE.index(f.level) == top]
        return next((f for f in same_level if f.evidence == REPORT), same_level[0])

    def correction(self, text: str) -> str | None:
        """Whether the person corrects the assistant: "not_crisis", "in_hospital", "not_now", or None.

        A correction is not a finding: a message that corrects and also reports a red flag still gets
        the red flag from `detect`.
        """
        normalised = self.normalise(text)
        return next((kind for kind in CORRECTIONS if self._corrections[kind].search(normalised)), None)


@cache
def default_detector() -> SafetyDetector:
    """The project's detector, loaded once from data/safety.yml."""
    return SafetyDetector.from_file(SAFETY_FILE)
