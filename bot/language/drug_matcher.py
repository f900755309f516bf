"""Find which drug or drug class a patient's message is about, tolerating typos.

Exact names (generic, brand, other names, class aliases) win. Otherwise each word and
run of two or three words is compared with every name by edit distance (rapidfuzz's
optimal string alignment, where swapping two letters is one edit). Short names allow
fewer edits, and a misspelling must keep the name's first letter, so ordinary words
("total", "letter") do not match. When two drugs are equally close, the result is
ambiguous and the caller asks which one was meant.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Union

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.knowledge.drugs import Drug, DrugCatalog, DrugClass, default_catalog
from bot.text import normalise_name

Target = Union[Drug, DrugClass]
MIN_GRAM_LENGTH = 4


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


class DrugMatcher:
    """Resolves mentions in free text to entries of a DrugCatalog."""

    def __init__(self, catalog: DrugCatalog) -> None:
        self.catalog = catalog
        self._targets: dict[str, Target] = {**catalog.class_by_name, **catalog.drug_by_name}
        self._names = list(self._targets)

    def match(self, text: str) -> DrugMatch:
        """The drug or class that `text` mentions, exact names first, then close misspellings."""
        words = normalise_name(text).split()
        grams = _ngrams(words)
        exact = self._exact(grams)
        if exact is not None:
            return exact
        return self._fuzzy(grams)

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
        for i, word in enumerate(words):
            if not taken[i] and len(word) >= MIN_GRAM_LENGTH:
                match = self._fuzzy([word])
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

    def _fuzzy(self, grams: list[str]) -> DrugMatch:
        best: dict[str, tuple[int, Target]] = {}
        for gram in grams:
            if len(gram) < MIN_GRAM_LENGTH:
                continue
            for name, distance, _ in process.extract(gram, self._names, scorer=OSA.distance, score_cutoff=3, limit=5):
                if distance > _edits_allowed(name, gram) or name[0] != gram[0]:
                    continue
                target = self._targets[name]
                key = getattr(target, "generic", None) or target.id
                if key not in best or distance < best[key][0]:
                    best[key] = (distance, target)
        if not best:
            return DrugMatch()
        ranked = sorted(best.values(), key=lambda item: item[0])
        top_distance, top = ranked[0]
        tied = [t for d, t in ranked if d == top_distance and isinstance(t, Drug)]
        if len(tied) > 1:
            return DrugMatch(candidates=tied)
        if isinstance(top, DrugClass):
            return DrugMatch(drug_class=top)
        return DrugMatch(drug=top)


@cache
def default_matcher() -> DrugMatcher:
    """The matcher for the project's drug file, built once per process."""
    return DrugMatcher(default_catalog())
