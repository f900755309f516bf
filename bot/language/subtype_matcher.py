"""Find the breast cancer subtype a message names, tolerating typos ('tripple negative')."""
from __future__ import annotations

from functools import cache

from rapidfuzz import fuzz, process

from bot.knowledge.subtypes import default_subtypes
from bot.text import normalise_name

_MIN_SCORE = 88


@cache
def _alias_index() -> dict[str, str]:
    return {normalise_name(alias): key for key, aliases in default_subtypes().items() for alias in aliases}


def subtype_key(text: str) -> str | None:
    """The subtype a text names ('tripple negative' -> 'triple_negative'), or None."""
    words = normalise_name(text).split()
    index = _alias_index()
    grams = [" ".join(words[i : i + n]) for n in (4, 3, 2, 1) for i in range(len(words) - n + 1)]
    for gram in grams:
        if gram in index:
            return index[gram]
    for gram in grams:
        if len(gram) >= 8:
            best = process.extractOne(gram, list(index), scorer=fuzz.ratio, score_cutoff=_MIN_SCORE)
            if best:
                return index[best[0]]
    return None
