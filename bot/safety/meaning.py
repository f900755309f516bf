"""The safety detector that reads meaning: one classifier over sentence-encoder vectors of a message.

It labels a message none, crisis, emergency, poison, red or amber from what it means, beside the patterns of
`bot/safety/detector.py`. It sees the message's vector only, never the encoder (bot.rasa_ext computes the vector
once per message and passes it in). The whole message is read at once: read sentence by sentence, a story's
past events looked like reports and raised false alarms without catching more (issue 22's closing note).
Its training examples live in `data/safety_examples/`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

NONE = "none"
MEANING = "meaning"  # the evidence of a finding that only this detector made
# Most urgent first: when several levels pass their thresholds, the first wins.
ALARMS = ("crisis", "emergency", "poison", "red", "amber")
LABELS = (NONE, *ALARMS)
# The section of an example file that holds harmless messages.
HARMLESS_SECTION = "harmless"
_WEIGHTS_FILE = "safety_meaning.npz"
_LABELS_FILE = "safety_meaning.json"


@dataclass(frozen=True)
class MeaningReading:
    """What the meaning detector read in one message.

    `level`: the most urgent alarm whose probability passed its threshold, or None; `probability`: that
    alarm's probability; `harmless`: the probability that the message reports nothing dangerous.
    """

    level: str | None
    probability: float
    harmless: float


def load_examples(directory: Path) -> tuple[list[str], list[str]]:
    """Texts and labels of every example file in `directory` (sections: harmless and the alarm levels)."""
    texts: list[str] = []
    labels: list[str] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section, items in data.items():
            label = NONE if section == HARMLESS_SECTION else section
            if label not in LABELS:
                raise ValueError(f"{path.name}: unknown section {section!r}; expected harmless or one of {ALARMS}")
            for item in items or []:
                text = item if isinstance(item, str) else item.get("text", "")
                if text.strip():
                    texts.append(text.strip())
                    labels.append(label)
    return texts, labels


class MeaningDetector:
    """A multinomial logistic regression from encoder vectors to LABELS, with a threshold per alarm level."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, labels: list[str],
                 raise_at: dict[str, float]) -> None:
        self.weights = weights
        self.bias = bias
        self.labels = list(labels)
        self.raise_at = raise_at
        self._none = self.labels.index(NONE)

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: list[str], raise_at: dict[str, float], c: float = 10.0,
            harmless_weight: float = 1.0) -> MeaningDetector:
        """Fit on example vectors and their labels; `harmless_weight` scales the weight of harmless examples."""
        from sklearn.linear_model import LogisticRegression

        counts = {label: labels.count(label) for label in set(labels)}
        # Balanced classes, then harmless weighed up or down: a false alarm is a defect too.
        weight = np.array([len(labels) / (len(counts) * counts[label]) * (harmless_weight if label == NONE else 1.0)
                           for label in labels])
        model = LogisticRegression(C=c, max_iter=3000)
        model.fit(vectors, labels, sample_weight=weight)
        return cls(model.coef_, model.intercept_, list(model.classes_), raise_at)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """One row per vector, columns in `self.labels`."""
        scores = vectors @ self.weights.T + self.bias
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    def read(self, vector: np.ndarray) -> MeaningReading:
        """Read one message from its encoder vector (1 x dimensions)."""
        probs = self.probabilities(vector.reshape(1, -1))[0]
        harmless = float(probs[self._none])
        for level in ALARMS:
            if level in self.labels and level in self.raise_at:
                p = float(probs[self.labels.index(level)])
                if p >= self.raise_at[level]:
                    return MeaningReading(level, p, harmless)
        return MeaningReading(None, 0.0, harmless)

    def save(self, directory: Path) -> None:
        np.savez(directory / _WEIGHTS_FILE, weights=self.weights, bias=self.bias)
        (directory / _LABELS_FILE).write_text(json.dumps({"labels": self.labels}), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, raise_at: dict[str, float]) -> MeaningDetector:
        arrays = np.load(directory / _WEIGHTS_FILE)
        labels = json.loads((directory / _LABELS_FILE).read_text(encoding="utf-8"))["labels"]
        return cls(arrays["weights"], arrays["bias"], labels, raise_at)
