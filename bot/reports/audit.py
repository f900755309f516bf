"""Content audit: every answer short, plain, sourced and reviewed. `make audit` runs it.

Prints the number of answers, the mean and maximum Flesch-Kincaid grade, answers
without a source, the number of drugs and the oldest review date, and exits 1 on any
violation. Drug answers are audited on the sentences that come from data/drugs.yml.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

import textstat
import yaml

from bot.contract import MAX_ANSWER_CHARS
from bot.knowledge.contacts import verified_phone_numbers
from bot.knowledge.drugs import default_catalog
from bot.paths import DOMAIN_FILE, NLU_DIR, VERIFIED_CONTACTS_FILE
from bot.reports.composed import DOSE_NUMBER, composed_answers

MAX_CHARS = MAX_ANSWER_CHARS
MAX_MEAN_GRADE = 8.0
MAX_GRADE = 10.0
MIN_DRUGS = 40
MAX_REVIEW_AGE_DAYS = 365
SOURCE_LINE = re.compile(r"^Source: (?P<orgs>.+) · Reviewed (?P<month>[A-Z][a-z]{2}) (?P<year>\d{4})$", re.M)
# A yes/no answer gives its answer first.
YES_NO_OPENING = re.compile(r"^(Yes|No|It depends)\b")
# An amount of medicine in words or digits ("two tablets", "3 capsules"): never, even in a schedule.
AMOUNT = re.compile(r"\b(\d+|one|two|three|four|five|six|half an?|a half)\s+(tablets?|capsules?|pills?)\b", re.I)
# "Take" for a medicine a nurse or doctor gives.
TAKE = re.compile(r"\b(take|takes|taking|taken|took) (it|them|this|the (drug|medicine))\b|"
                  r"\b(you|people|patients|who) (take|took|are taking)\b"
                  r"(?! (a |an )?(blood|other|any|calcium|vitamin|supplement|medicines?\b|herbs?))", re.I)
PHONE = re.compile(r"\b1-\d{3}-[0-9A-Z-]{7,}\b|\b\d{3}-\d{3}-\d{4}\b")


@dataclass
class Answer:
    name: str
    text: str
    needs_source: bool
    names: tuple[str, ...] = ()  # medicine names in a composed answer, read as "it" for the grade




def _responses(path: Path) -> dict[str, list]:
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}


def curated_variations() -> Iterator[tuple[str, str, dict]]:
    """(response name, text, metadata) of every curated answer in data/nlu/; a composed drug template is left
    out (it is audited once filled for every drug)."""
    for path in sorted(NLU_DIR.glob("*.yml")):
        for name, variations in _responses(path).items():
            for variation in variations:
                meta = variation.get("metadata") or {}
                if not meta.get("composed"):
                    yield name, variation["text"], meta


def answers() -> Iterator[Answer]:
    """Every reply text: curated topic answers (which must show a source), composed drug answers (each facet
    of each drug, filled from the data file) and domain responses."""
    for name, text, _ in curated_variations():
        yield Answer(name, text, needs_source=True)
    for composed in composed_answers():
        yield Answer(f"drug {composed.drug} {composed.facet}", composed.text, True, composed.names)
    for name, variations in _responses(DOMAIN_FILE).items():
        for variation in variations:
            yield Answer(name, variation["text"], needs_source="{sources}" in variation["text"])


def shows_source(text: str) -> bool:
    """An answer shows its source on a 'Source:' line, or names it through {sources}."""
    return bool(re.search(r"^Source: ", text, re.M)) or "{sources}" in text


def plain_text(text: str, names: tuple[str, ...] = ()) -> str:
    """The part of an answer a reader reads: no source line, no template variables; medicine names (long
    words a patient already knows from the label) count as "it", as the variables of a template do."""
    text = SOURCE_LINE.sub("", text)
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(re.escape(name), "it", text, flags=re.I)
    return re.sub(r"\{[A-Za-z_]+\}", "it", text).strip()


def drug_sentences() -> Iterator[Answer]:
    catalog = default_catalog()
    for drug in catalog.drugs.values():
        yield Answer(f"drug {drug.generic}", f"{drug.how_it_works} {drug.who_for} {' '.join(drug.warnings)}", False)
    for drug_class in catalog.classes.values():
        yield Answer(f"class {drug_class.id}", drug_class.what_it_is, False)


def review_dates() -> list[dt.date]:
    catalog = default_catalog()
    dates = [d.last_reviewed for d in catalog.drugs.values()] + [c.last_reviewed for c in catalog.classes.values()]
    for answer in answers():
        for m in SOURCE_LINE.finditer(answer.text):
            dates.append(dt.datetime.strptime(f"1 {m['month']} {m['year']}", "%d %b %Y").date())
    return dates


def metadata_problems() -> list[str]:
    """A curated answer's metadata (title, sources, reviewed) must agree with the source line it shows."""
    problems = []
    for name, text, meta in curated_variations():
        line = SOURCE_LINE.search(text)
        if not meta.get("title") or not meta.get("sources") or not meta.get("reviewed"):
            problems.append(f"{name}: metadata needs title, sources and reviewed")
        elif line and [o.strip() for o in line["orgs"].split(", ")] != list(meta["sources"]):
            problems.append(f"{name}: source line {line['orgs']!r} differs from metadata {meta['sources']}")
        elif line and not str(meta["reviewed"]).startswith(
                dt.datetime.strptime(f"1 {line['month']} {line['year']}", "%d %b %Y").strftime("%Y-%m")):
            problems.append(f"{name}: reviewed {line['month']} {line['year']} differs from {meta['reviewed']}")
    return problems


def drug_answer_problems() -> list[str]:
    """Drug answers: a yes/no facet starts with its answer, no amount, and no "take" for a drug a nurse gives."""
    from actions.drugs import REGISTRY

    catalog = default_catalog()
    problems = []
    for composed in composed_answers():
        name = f"drug {composed.drug} {composed.facet}"
        facet = REGISTRY.facets.get(composed.facet)
        if facet and facet.yes_no and not YES_NO_OPENING.match(composed.text):
            problems.append(f"{name}: a yes/no answer must start with Yes, No or It depends ({composed.text[:40]!r})")
        if m := AMOUNT.search(composed.text):
            problems.append(f"{name}: states an amount ({m.group(0)!r})")
        drug = catalog.drugs.get(composed.drug)
        if drug and catalog.given_by_staff_only(drug) and (m := TAKE.search(composed.text)):
            problems.append(f"{name}: says {m.group(0)!r} of a medicine a nurse gives")
    return problems


def yes_no_problems() -> list[str]:
    """A curated answer marked yes_no starts with Yes, No or It depends."""
    return [f"{name}: a yes/no answer must start with Yes, No or It depends"
            for name, text, meta in curated_variations() if meta.get("yes_no") and not YES_NO_OPENING.match(text)]


def run() -> int:
    problems: list[str] = metadata_problems() + drug_answer_problems() + yes_no_problems()
    verified = verified_phone_numbers()
    all_answers = list(answers())
    graded = [a for a in all_answers if len(plain_text(a.text).split()) >= 12] + list(drug_sentences())
    grades = {a.name: textstat.flesch_kincaid_grade(plain_text(a.text, a.names)) for a in graded}
    unsourced = [a.name for a in all_answers if a.needs_source and not shows_source(a.text)]
    for a in all_answers:
        if len(a.text) > MAX_CHARS:
            problems.append(f"{a.name}: {len(a.text)} characters (max {MAX_CHARS})")
        if DOSE_NUMBER.search(a.text):
            problems.append(f"{a.name}: states a dose ({DOSE_NUMBER.search(a.text).group(0)!r})")
        for number in PHONE.findall(a.text):
            if number not in verified:
                problems.append(f"{a.name}: phone number {number} is not in {VERIFIED_CONTACTS_FILE.name}")
    problems += [f"{name}: grade {g:.1f} (max {MAX_GRADE})" for name, g in grades.items() if g > MAX_GRADE]
    problems += [f"{name}: no source line" for name in unsourced]
    mean_grade = mean(grades.values())
    if mean_grade > MAX_MEAN_GRADE:
        problems.append(f"mean grade {mean_grade:.2f} (max {MAX_MEAN_GRADE})")
    drugs = len(default_catalog().drugs)
    if drugs < MIN_DRUGS:
        problems.append(f"{drugs} drugs (min {MIN_DRUGS})")
    oldest = min(review_dates())
    if (dt.date.today() - oldest).days > MAX_REVIEW_AGE_DAYS:
        problems.append(f"oldest review {oldest} is over {MAX_REVIEW_AGE_DAYS} days old")

    hardest = max(grades, key=grades.get)
    print("content audit")
    print(f"  answers (responses)         {len(all_answers)}")
    print(f"  texts graded                {len(grades)}")
    print(f"  mean grade (Flesch-Kincaid) {mean_grade:.2f}")
    print(f"  max grade                   {grades[hardest]:.1f} ({hardest})")
    print(f"  answers without a source    {len(unsourced)}")
    print(f"  drugs in the data file      {drugs}")
    print(f"  drug classes                {len(default_catalog().classes)}")
    print(f"  oldest review date          {oldest}")
    for problem in problems:
        print(f"FAIL {problem}")
    print("audit: " + ("passed" if not problems else f"{len(problems)} problems"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(run())
