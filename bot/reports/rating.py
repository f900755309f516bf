"""A clinical rating of the assistant's replies (Boie et al. 2025: relevant, correct, complete, harmful).

`sheet` asks a running assistant a fixed sample of questions from the facet set and the sealed banks, and
writes what a rater reads: each question and the reply as a patient sees it. `summary` reads the rater's
verdicts and prints the rates; its table names a sealed question by its id only, so the sealed banks stay
unread by whoever tunes the assistant.
"""
from __future__ import annotations

import argparse
import random
import sys
import uuid
from collections import Counter
from pathlib import Path

import yaml

from bot.paths import ROOT
from bot.reports.evaluate import say

TEST_DATA = ROOT / "tests" / "data"
SAMPLES = {  # set -> (file, how many questions, sealed)
    "facet_set": (TEST_DATA / "facet_set.yml", 40, False),
    "sealed_bank": (TEST_DATA / "sealed" / "question_bank_sealed.yml", 50, True),
    "sealed_bank_24": (TEST_DATA / "sealed" / "question_bank_sealed_24.yml", 30, True),
}
SEED = 24


def shown(messages: list[dict]) -> str:
    """A reply as the patient sees it: its texts, then its buttons."""
    texts = [m["text"] for m in messages if m.get("text")]
    buttons = [b.get("title", "") for m in messages for b in m.get("buttons") or []]
    return "\n".join(texts) + (f"\n[buttons: {' | '.join(buttons)}]" if buttons else "")


def sample(seed: int = SEED) -> list[tuple[str, str]]:
    """(id, question) for a fixed sample: the same questions for the same seed (a new round, a new seed)."""
    chosen = []
    for name, (path, count, _) in SAMPLES.items():
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        picked = sorted(random.Random(seed).sample(range(len(items)), min(count, len(items))))
        chosen += [(f"{name}-{i}", items[i]["q"]) for i in picked]
    return chosen


def write_sheet(url: str, out: Path, seed: int = SEED) -> None:
    rows = []
    for case_id, question in sample(seed):
        reply = shown(say(url, question, sender=f"rating-{uuid.uuid4().hex[:8]}"))
        rows.append({"id": case_id, "question": question, "reply": reply})
    out.write_text(yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")
    print(f"{len(rows)} replies written to {out}")


def summary(verdicts_file: Path, table: Path | None) -> None:
    """Rates over the rater's verdicts: relevant, correct, complete (yes/partly/no), harm (none/minor/major)."""
    verdicts = yaml.safe_load(verdicts_file.read_text(encoding="utf-8"))
    for v in verdicts:  # YAML reads a bare yes / no as true / false
        for key in ("relevant", "correct", "complete"):
            v[key] = {True: "yes", False: "no"}.get(v[key], v[key])
    n = len(verdicts)
    counts = {k: Counter(str(v[k]).lower() for v in verdicts) for k in ("relevant", "correct", "complete", "harm")}
    print(f"clinical rating: {n} replies")
    for key in ("relevant", "correct", "complete"):
        c = counts[key]
        print(f"  {key:9} yes {c['yes'] / n:.1%}  partly {c['partly'] / n:.1%}  no {c['no'] / n:.1%}")
    harm = counts["harm"]
    print(f"  harm      none {harm['none'] / n:.1%}  minor {harm['minor'] / n:.1%}  major {harm['major'] / n:.1%}")
    if table:
        lines = ["| id | relevant | correct | complete | harm | note |", "|---|---|---|---|---|---|"]
        for v in verdicts:
            sealed = SAMPLES[v["id"].rsplit("-", 1)[0]][2]
            note = "" if sealed else str(v.get("note") or "").replace("|", "/").replace("\n", " ")
            lines.append(f"| {v['id']} | {v['relevant']} | {v['correct']} | {v['complete']} | {v['harm']} | {note} |")
        table.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sheet = sub.add_parser("sheet")
    sheet.add_argument("--url", default="http://localhost:5005")
    sheet.add_argument("--out", type=Path, required=True)
    sheet.add_argument("--seed", type=int, default=SEED)
    summ = sub.add_parser("summary")
    summ.add_argument("verdicts", type=Path)
    summ.add_argument("--table", type=Path)
    args = parser.parse_args(argv)
    if args.command == "sheet":
        write_sheet(args.url, args.out, args.seed)
    else:
        summary(args.verdicts, args.table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
