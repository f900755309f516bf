"""Text helpers every layer shares: cleaning raw input, splitting words, normalising names.

Pure functions with no data files; `MAX_INPUT_CHARS` is the longest message the assistant reads.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

MAX_INPUT_CHARS = 2000

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)", re.I | re.S)
_TAG = re.compile(r"<[^<>]{0,200}>")
_ANGLE = re.compile(r"[<>]")
_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class CleanText:
    """A message after cleaning, and what the cleaning found."""

    text: str
    too_long: bool
    had_markup: bool


def sanitise(raw: str | None, max_chars: int = MAX_INPUT_CHARS) -> CleanText:
    """Drop tags, scripts and control characters, collapse spaces, cap the length."""
    text = raw or ""
    too_long = len(text) > max_chars
    text = text[: max_chars * 2]  # bound the work on huge input before any regex runs
    cleaned = _SCRIPT_OR_STYLE.sub(" ", text)
    cleaned = _TAG.sub(" ", cleaned)
    cleaned = _TAG.sub(" ", html.unescape(cleaned))
    had_markup = cleaned != text
    cleaned = _ANGLE.sub(" ", cleaned)
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") else c for c in cleaned)
    cleaned = " ".join(cleaned.split())[:max_chars]
    return CleanText(cleaned, too_long, had_markup)


def words_of(text: str) -> list[str]:
    """The words of a text, lower-cased (letters of any script)."""
    return [w.lower() for w in _WORDS.findall(text)]


def normalise_name(name: str) -> str:
    """Lower-case a name and turn punctuation into single spaces ('T-DM1' -> 't dm1')."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())
