"""Choose the FallbackClassifier threshold from data, not by feel.

Reads the out-of-fold predictions of a cross-validation run made without the
FallbackClassifier (`make nlu-report` writes them to results/nlu_crossval with
--successes), and prints, for each candidate threshold, the share of correct answers
that would be lost to "please rephrase" and the share of wrong answers that would be
caught instead of guessed. The recommendation is the highest threshold that loses at
most MAX_CORRECT_LOST of the correct answers.

Usage: python -m bot.tune_fallback RESULTS_DIR
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

MAX_CORRECT_LOST = 0.03
THRESHOLDS = [round(0.20 + 0.05 * i, 2) for i in range(13)]


def confidences(directory: Path, name: str) -> list[float]:
    path = directory / name
    if not path.exists():
        return []
    return [(item.get("intent_prediction") or {}).get("confidence") or 0.0 for item in json.loads(path.read_text())]


def recommend(correct: list[float], wrong: list[float]) -> tuple[float, list[tuple[float, float, float]]]:
    rows = []
    best = THRESHOLDS[0]
    for t in THRESHOLDS:
        lost = sum(c < t for c in correct) / max(1, len(correct))
        caught = sum(c < t for c in wrong) / max(1, len(wrong))
        rows.append((t, lost, caught))
        if lost <= MAX_CORRECT_LOST:
            best = t
    return best, rows


def main(directory: Path) -> None:
    correct = confidences(directory, "intent_successes.json")
    wrong = confidences(directory, "intent_errors.json")
    best, rows = recommend(correct, wrong)
    print(f"{len(correct)} correct and {len(wrong)} wrong out-of-fold predictions")
    print(f"{'threshold':>9} {'correct lost':>13} {'wrong caught':>13}")
    for t, lost, caught in rows:
        print(f"{t:>9.2f} {lost:>13.1%} {caught:>13.1%}")
    print(f"recommended threshold: {best:.2f} (loses at most {MAX_CORRECT_LOST:.0%} of correct answers)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
