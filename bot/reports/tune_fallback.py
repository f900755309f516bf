"""Choose the FallbackClassifier threshold from data, not by feel.

Reads the out-of-fold predictions of a cross-validation run made without the
FallbackClassifier (`make nlu-report` writes them to results/nlu_crossval with
--successes), and prints, for each candidate threshold, the share of correct answers
that would be lost to "did you mean ...?" and the share of wrong answers that would be
caught instead of guessed. The recommendation minimises the expected cost, where a
wrong answer costs WRONG_ANSWER_COST times a lost correct one: below the threshold the
assistant still offers the likeliest topics as buttons, so a lost answer is one tap away,
while a wrong answer misleads.

Usage: python -m bot.reports.tune_fallback RESULTS_DIR
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

WRONG_ANSWER_COST = 1.5
THRESHOLDS = [round(0.10 + 0.05 * i, 2) for i in range(15)]


def confidences(directory: Path, name: str) -> list[float]:
    path = directory / name
    if not path.exists():
        return []
    return [(item.get("intent_prediction") or {}).get("confidence") or 0.0 for item in json.loads(path.read_text())]


def recommend(correct: list[float], wrong: list[float]) -> tuple[float, list[tuple[float, float, float, float]]]:
    """The threshold of least expected cost, and (threshold, lost, caught, cost) for each candidate."""
    rows = []
    for t in THRESHOLDS:
        lost = sum(c < t for c in correct)
        caught = sum(c < t for c in wrong)
        cost = (lost + WRONG_ANSWER_COST * (len(wrong) - caught)) / max(1, len(correct) + len(wrong))
        rows.append((t, lost / max(1, len(correct)), caught / max(1, len(wrong)), cost))
    best = min(rows, key=lambda row: row[3])[0]
    return best, rows


def main(directory: Path) -> None:
    correct = confidences(directory, "intent_successes.json")
    wrong = confidences(directory, "intent_errors.json")
    best, rows = recommend(correct, wrong)
    print(f"{len(correct)} correct and {len(wrong)} wrong out-of-fold predictions")
    print(f"{'threshold':>9} {'correct lost':>13} {'wrong caught':>13} {'cost':>6}")
    for t, lost, caught, cost in rows:
        print(f"{t:>9.2f} {lost:>13.1%} {caught:>13.1%} {cost:>6.3f}")
    print(f"recommended threshold: {best:.2f} (a wrong answer costs {WRONG_ANSWER_COST}x a lost one)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
