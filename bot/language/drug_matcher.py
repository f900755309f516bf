"""Find which drug or drug class a patient's message is about, tolerating typos.

Exact names (generic, brand, other names, short forms, class aliases) win. Otherwise each
word and run of two or three words is compared with every name by edit distance (rapidfuzz's
optimal string alignment, where swapping two letters is one edit). Short names allow
fewer edits, and a misspelling must keep the name's first letter, so ordinary words
("total", "letter") do not match. A spelling by ear ("letersole", "zeloda", "kiskaly") may
carry one edit more when it sounds like the name: same `sound_key` (c/k/q, s/z/x, ph/f, y/i,
doubled letters, a silent final e, vowels inside the word), or one sound edit off for a
one-word name of nine letters or more. The closest names win, by edits, then by sound.

Failing that, a word of six letters or more that starts a one-word name and covers at least
half of it is a cut-short name ("letroz", "capecit"). Last, a long word right next to a word
for how a drug is given ("Fuervesant shots") may be further off a long generic name that
starts and ends with the same two letters as it. When two drugs are equally close, the
result is ambiguous and the caller asks which one was meant.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from typing import Union

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.knowledge.drugs import Drug, DrugCatalog, DrugClass, default_catalog
from bot.text import normalise_name

Target = Union[Drug, DrugClass]
Rank = tuple[int, int, int]  # (tier: 0 misspelt, 1 cut short, 2 by its context; edits; edits between sound keys)
MIN_GRAM_LENGTH = 4
MIN_SOUND_NAME_LENGTH = 5
MIN_PREFIX_LENGTH = 6
MIN_CONTEXT_WORD_LENGTH = 9  # a word next to a GIVEN_AS word, compared with one-word generic names of 10+ letters

# How a drug is given: the word right before or after a drug's name ("Fuervesant shots").
GIVEN_AS = frozenset(
    "shot shots jab jabs injection injections infusion infusions drip pill pills tablet tablets".split()
)

# Letters that sound alike, in order: each rule sees the result of the ones before it.
_SOUNDS = [(re.compile(pattern), sound) for pattern, sound in (
    (r"ph", "f"), (r"ck", "k"), (r"qu?", "k"), (r"c(?=[eiy])", "s"), (r"c", "k"),
    (r"\bx", "s"), (r"x", "ks"), (r"z", "s"), (r"y", "i"), (r"(?<=[tkrg])h", ""),
    (r"(\w)\1+", r"\1"), (r"(?<=[^aeiou\W])e\b", ""), (r"\B[aeiou]+", "a"),
)]


def sound_key(text: str) -> str:
    """How a normalised name sounds, roughly: spellings by ear share it ("kiskaly", "kisqali": "kiskala")."""
    for pattern, sound in _SOUNDS:
        text = pattern.sub(sound, text)
    return text


def allowed_edits(name: str) -> int:
    """How many typing errors a name of this length may carry and still be recognised."""
    if len(name) <= 5:
        return 0
    if len(name) <= 7:
        return 1
    if len(name) <= 11:
        return 2
    return 3


def _edits_allowed(name: str, typed: str) -> int:
    """A name of 7+ letters typed longer ("kisqualli") may carry the errors of the typed length."""
    return allowed_edits(max(name, typed, key=len)) if len(name) >= 7 else allowed_edits(name)


@dataclass
class DrugMatch:
    """What a message names: a drug, a class, or several equally likely drugs."""

    drug: Drug | None = None
    drug_class: DrugClass | None = None
    candidates: list[Drug] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    @property
    def found(self) -> bool:
        return bool(self.drug or self.drug_class or self.candidates)


def _ngrams(words: list[str], longest: int = 3) -> list[str]:
    return [" ".join(words[i : i + n]) for n in range(longest, 0, -1) for i in range(len(words) - n + 1)]


def _next_to_given_as(words: list[str]) -> list[int]:
    """Positions of the long words right before or after a word for how a drug is given."""
    return [
        i for i, word in enumerate(words)
        if len(word) >= MIN_CONTEXT_WORD_LENGTH and GIVEN_AS & set(words[max(0, i - 1) : i] + words[i + 1 : i + 2])
    ]


class DrugMatcher:
    """Resolves mentions in free text to entries of a DrugCatalog."""

    def __init__(self, catalog: DrugCatalog) -> None:
        self.catalog = catalog
        self._targets: dict[str, Target] = {**catalog.class_by_name, **catalog.drug_by_name}
        self._names = list(self._targets)
        self._sound_list = [sound_key(name) for name in self._names]
        self._sounds = dict(zip(self._names, self._sound_list, strict=True))
        self._one_word_names = [name for name in self._names if " " not in name]
        self._one_word_generics = [
            name for name in self._one_word_names if name in catalog.drugs and len(name) > MIN_CONTEXT_WORD_LENGTH
        ]

    def match(self, text: str) -> DrugMatch:
        """The drug or class that `text` mentions: exact names first, then misspellings, then cut-short names."""
        words = normalise_name(text).split()
        grams = _ngrams(words)
        exact = self._exact(grams)
        if exact is not None:
            return exact
        return self._fuzzy(grams, in_context={words[i] for i in _next_to_given_as(words)})

    def drugs_named(self, text: str) -> list[Drug]:
        """Every distinct drug the text names, in the order named ("faslodex vs orserdu" -> two drugs).

        Exact names first (longest runs, not overlapping), then close misspellings of the other words.
        """
        words = normalise_name(text).split()
        taken = [False] * len(words)
        found: list[tuple[int, Drug]] = []
        for n in (3, 2, 1):
            for i in range(len(words) - n + 1):
                if any(taken[i : i + n]):
                    continue
                target = self._targets.get(" ".join(words[i : i + n]))
                if isinstance(target, Drug):
                    found.append((i, target))
                    taken[i : i + n] = [True] * n
        in_context = set(_next_to_given_as(words))
        for i, word in enumerate(words):
            if not taken[i] and len(word) >= MIN_GRAM_LENGTH:
                match = self._fuzzy([word], in_context=[word] if i in in_context else [])
                if match.drug:
                    found.append((i, match.drug))
        ordered: list[Drug] = []
        for _, drug in sorted(found, key=lambda item: item[0]):
            if drug not in ordered:
                ordered.append(drug)
        return ordered

    def _exact(self, grams: list[str]) -> DrugMatch | None:
        for gram in grams:  # longest runs first, so "zoledronic acid" beats "acid"
            target = self._targets.get(gram)
            if isinstance(target, Drug):
                return DrugMatch(drug=target)
            if isinstance(target, DrugClass):
                return DrugMatch(drug_class=target)
        return None

    def _fuzzy(self, grams: list[str], in_context: Collection[str] = ()) -> DrugMatch:
        best: dict[str, tuple[Rank, Target]] = {}
        for gram in grams:
            if len(gram) < MIN_GRAM_LENGTH:
                continue
            for name, rank in self._close_names(gram, gram in in_context).items():
                target = self._targets[name]
                key = getattr(target, "generic", None) or target.id
                if key not in best or rank < best[key][0]:
                    best[key] = (rank, target)
        if not best:
            return DrugMatch()
        ranked = sorted(best.values(), key=lambda item: item[0])
        top_rank, top = ranked[0]
        tied = [t for r, t in ranked if r == top_rank and isinstance(t, Drug)]
        if len(tied) > 1:
            return DrugMatch(candidates=tied)
        if isinstance(top, DrugClass):
            return DrugMatch(drug_class=top)
        return DrugMatch(drug=top)

    def _close_names(self, gram: str, in_context: bool = False) -> dict[str, Rank]:
        """The names `gram` may stand for, each with its rank (lower is closer)."""
        sound = sound_key(gram)
        found: dict[str, Rank] = {}
        for name, edits, _ in process.extract(gram, self._names, scorer=OSA.distance, score_cutoff=3, limit=5):
            if edits <= _edits_allowed(name, gram) and name[0] == gram[0]:
                found[name] = (0, edits, OSA.distance(sound, self._sounds[name]))
        for name_sound, sound_edits, index in process.extract(
            sound, self._sound_list, scorer=OSA.distance, score_cutoff=1, limit=10
        ):
            name = self._names[index]
            if name in found or len(name) < MIN_SOUND_NAME_LENGTH or name_sound[0] != sound[0]:
                continue
            if sound_edits > (1 if len(name) >= 9 and " " not in name else 0):
                continue
            edits = OSA.distance(gram, name)
            if edits <= _edits_allowed(name, gram) + 1:
                found[name] = (0, edits, sound_edits)
        if found or " " in gram:
            return found
        if len(gram) >= MIN_PREFIX_LENGTH:
            found = {name: (1, len(name) - len(gram), 0) for name in self._one_word_names
                     if name.startswith(gram) and 2 * len(gram) >= len(name)}
        if in_context and not found:
            for name in self._one_word_generics:
                if (name[:2], name[-2:]) == (gram[:2], gram[-2:]):
                    allowed = _edits_allowed(name, gram)
                    edits, sound_edits = OSA.distance(gram, name), OSA.distance(sound, self._sounds[name])
                    if edits <= allowed + 2 and sound_edits <= allowed + 1:
                        found[name] = (2, edits, sound_edits)
        return found


def medicines_of(match: DrugMatch, catalog: DrugCatalog | None = None) -> frozenset[str]:
    """Identifiers of the drug data a match names, for the safety layer's drug-aware rules: generic names,
    `class:<id>` and `kind:<kind>` of each drug or class."""
    catalog = catalog or default_catalog()
    drugs = [d for d in [match.drug, *match.candidates] if d is not None]
    classes = [catalog.classes.get(d.drug_class) for d in drugs] + [match.drug_class]
    found = {d.generic for d in drugs}
    for drug_class in filter(None, classes):
        found |= {f"class:{drug_class.id}", f"kind:{drug_class.kind}"}
    return frozenset(found)


@cache
def default_matcher() -> DrugMatcher:
    """The matcher for the project's drug file, built once per process."""
    return DrugMatcher(default_catalog())
