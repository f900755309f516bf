"""Summarise `rasa test nlu` results: accuracy, macro F1 and the confusions that remain.

Usage: python -m bot.reports.nlu_report RESULTS_DIR [RESULTS_DIR ...]
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

SKIP = {"accuracy", "macro avg", "weighted avg", "micro avg"}


def summarise(directory: Path) -> None:
    print(f"== {directory}")
    for report_name, errors_name in [
        ("intent_report.json", "intent_errors.json"),
        ("response_selection_report.json", "response_selection_errors.json"),
    ]:
        report_file = directory / report_name
        if not report_file.exists():
            continue
        report = json.loads(report_file.read_text())
        accuracy = report.get("accuracy")
        macro = report.get("macro avg", {}).get("f1-score")
        support = sum(v.get("support", 0) for k, v in report.items() if k not in SKIP and isinstance(v, dict))
        kind = report_name.split("_report")[0]
        print(f"  {kind:<20} accuracy {accuracy:.3f}  macro F1 {macro:.3f}  ({support} messages)")
        errors_file = directory / errors_name
        if errors_file.exists():
            pairs = Counter()
            for error in json.loads(errors_file.read_text()):
                gold = error.get("intent") or error.get("intent_response_key_target")
                predicted = (error.get("intent_prediction") or {}).get("name") or error.get(
                    "intent_response_key_prediction", {}
                ).get("name")
                pairs[(gold, predicted)] += 1
            for (gold, predicted), count in pairs.most_common(8):
                print(f"    {count:>3} x {gold} -> {predicted}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        summarise(Path(arg))
