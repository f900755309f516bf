"""Reading requests about the "questions for my oncologist" list: which text to save, which to remove.

Patterns live in data/question_patterns.yml; reply text lives in domain.yml. The functions
here are pure, so the actions in actions/questions.py stay thin and the parsing is unit-tested.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from re import Pattern

import yaml

from bot.paths import QUESTION_PATTERNS_FILE as PATTERNS_FILE
from bot.text import sanitise

_QUOTES = "'\"\u2018\u2019\u201c\u201d`"
_END_PUNCTUATION = ".,;:!? "
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class AddRule:
    """One way of giving a question: a pattern with a `text` group, and an optional template."""

    pattern: Pattern[str]
    template: str | None


@dataclass(frozen=True)
class QuestionPatterns:
    """The compiled contents of data/question_patterns.yml."""

    max_chars: int
    max_questions: int
    question_start: Pattern[str]
    statement_start: Pattern[str]
    topic_template: str
    back_reference: Pattern[str]
    add: tuple[AddRule, ...]
    add_all: Pattern[str]
    last: Pattern[str]
    digits: Pattern[str]
    ordinals: dict[str, int]
    number_after_prefix: Pattern[str]
    number_words: dict[str, int]
    filler_words: frozenset[str]

    @classmethod
    def from_file(cls, path: Path = PATTERNS_FILE) -> QuestionPatterns:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        remove = data["remove"]
        number_words = {str(k).lower(): int(v) for k, v in remove["number_words"].items()}
        words = "|".join(map(re.escape, number_words))
        return cls(
            max_chars=int(data["max_chars"]),
            max_questions=int(data["max_questions"]),
            question_start=re.compile(data["question_start"], re.I),
            statement_start=re.compile(data["statement_start"], re.I),
            topic_template=data["topic_template"],
            back_reference=re.compile(data["back_reference"], re.I),
            add=tuple(AddRule(re.compile(r["pattern"], re.I), r.get("template")) for r in data["add"]),
            add_all=re.compile(data["add_all"], re.I),
            last=re.compile(remove["last"], re.I),
            digits=re.compile(remove["digits"]),
            ordinals={str(k).lower(): int(v) for k, v in remove["ordinals"].items()},
            number_after_prefix=re.compile(f"{remove['number_prefix']}({words})\\b", re.I),
            number_words=number_words,
            filler_words=frozenset(str(w).lower() for w in remove["filler_words"]),
        )


@cache
def patterns() -> QuestionPatterns:
    """The project's patterns, loaded once."""
    return QuestionPatterns.from_file()


def _squash(text: str) -> str:
    return " ".join((text or "").split())


def _strip(text: str) -> str:
    """Spaces, surrounding quotes and trailing punctuation removed."""
    text = _squash(text).strip(_QUOTES + " ")
    return text.rstrip(_END_PUNCTUATION).strip(_QUOTES + " ")


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(_END_PUNCTUATION) + "\u2026"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def looks_like_question(text: str) -> bool:
    """True when a message ends with "?" or starts like a question."""
    text = _squash(text)
    return text.endswith("?") or bool(patterns().question_start.search(text))


def as_question(text: str) -> str | None:
    """The form in which a free text is saved: a question, a statement, or a topic to talk about."""
    p = patterns()
    core = _strip(text)
    if not core:
        return None
    if looks_like_question(core):
        saved = _capitalised(core) + "?"
    elif p.statement_start.search(core):
        saved = _capitalised(core) + "."
    else:
        saved = p.topic_template.format(text=core)
    return _shorten(saved, p.max_chars)


def is_back_reference(text: str) -> bool:
    """True for "that", "this question" and the like: the user means an earlier question."""
    return bool(patterns().back_reference.match(_strip(text)))


@dataclass(frozen=True)
class ToSave:
    """What a "save/add/remind" message asks to save: a text, or the previous question."""

    text: str | None = None
    previous: bool = False


def text_to_save(message: str) -> ToSave:
    """Read the question out of "add X to my questions" or "remind me to ask about X".

    Without a text of its own ("save that question", "add that to my list"), the
    message means the user's previous question.
    """
    message = _squash(message)
    for rule in patterns().add:
        match = rule.pattern.search(message)
        if not match:
            continue
        text = _strip(match["text"])
        if not text or is_back_reference(text):
            return ToSave(previous=True)
        if rule.template:
            saved = _capitalised(rule.template.format(text=text))
            return ToSave(text=_shorten(saved, patterns().max_chars))
        return ToSave(text=as_question(text))
    return ToSave(previous=True)


def asks_something(message: str) -> bool:
    """True when a message carries a question: a "?", or a sentence that starts like one."""
    text = _squash(message)
    if "?" in text:
        return True
    return any(patterns().question_start.search(part.strip()) for part in re.split(r"[.!;,]", text) if part.strip())


def is_add_all_request(message: str) -> bool:
    """True for "add all of those to my list": every question the bot just listed is to be saved."""
    return bool(patterns().add_all.search(_squash(message)))


def questions_in(text: str) -> list[str]:
    """The questions a bot message lists, one per line ("- What is the goal of this treatment?")."""
    found = []
    for line in (text or "").splitlines():
        line = line.strip().lstrip("-*•0123456789.) ").strip()
        if line.endswith("?") and looks_like_question(line):
            found.append(_shorten(_capitalised(line), patterns().max_chars))
    return found


def is_add_request(message: str) -> bool:
    """True when a message has the form of "add X to my questions" or "remind me to ask about X"."""
    message = _squash(message)
    return any(rule.pattern.search(message) for rule in patterns().add) or is_add_all_request(message)


def previous_question(user_texts: Iterable[str]) -> str | None:
    """The first of `user_texts` (newest first) that reads like a question, in saved form."""
    for text in user_texts:
        text = _squash(text)
        if text and not text.startswith("/") and looks_like_question(text):
            return as_question(text)
    return None


def from_button(value: object) -> str | None:
    """A question sent in a button payload, kept as written (cleaned of markup, capped)."""
    text = _squash(sanitise(str(value or "")).text)
    return _shorten(text, patterns().max_chars) if text else None


def already_saved(question: str, questions: Iterable[str]) -> bool:
    key = _strip(question).casefold()
    return any(_strip(q).casefold() == key for q in questions)


def index_to_remove(message: str, questions: list[str]) -> int | None:
    """The 0-based index of the question the message names, or None when it is unclear."""
    p = patterns()
    text = _squash(message).lower()
    number = _number_in(text, p)
    if number is None and p.last.search(text):
        number = len(questions)
    if number is not None:
        return number - 1 if 1 <= number <= len(questions) else None
    return _index_by_words(text, questions, p)


def _number_in(text: str, p: QuestionPatterns) -> int | None:
    digits = p.digits.search(text)
    if digits:
        return int(digits.group(1))
    for word in _WORD.findall(text):
        if word in p.ordinals:
            return p.ordinals[word]
    spelled = p.number_after_prefix.search(text)
    return p.number_words[spelled.group(1).lower()] if spelled else None


def _index_by_words(text: str, questions: list[str], p: QuestionPatterns) -> int | None:
    """The only question that contains every meaningful word of the message."""
    keywords = [w for w in _WORD.findall(text) if w not in p.filler_words and len(w) >= 3]
    if not keywords:
        return None
    hits = [i for i, q in enumerate(questions) if all(k in q.lower() for k in keywords)]
    return hits[0] if len(hits) == 1 else None


def numbered(questions: Iterable[str]) -> str:
    """The questions as a numbered plain-text list, one per line."""
    return "\n".join(f"{i}. {q}" for i, q in enumerate(questions, start=1))
