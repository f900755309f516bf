"""Breast cancer subtypes: the names patients use, from data/subtypes.yml."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from rapidfuzz import fuzz, process

from bot.drugs import normalise_name
from bot.paths import SUBTYPES_FILE

_MIN_SCORE = 88


def load_subtypes(path: Path = SUBTYPES_FILE) -> Dict[str, List[str]]:
    """Subtype key -> the names patients use for it."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))["subtypes"]


@lru_cache(maxsize=None)
def _alias_index() -> Dict[str, str]:
    return {normalise_name(alias): key for key, aliases in load_subtypes().items() for alias in aliases}


def subtype_key(text: str) -> Optional[str]:
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
