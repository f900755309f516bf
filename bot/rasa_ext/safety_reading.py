"""The meaning detector's training set: the safety examples and the NLU examples."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.contract import AMBER_INTENT, CRISIS_CHECK_INTENT, CRISIS_INTENT, RED_FLAG_INTENT
from bot.language.encoder import default_encoder
from bot.rasa_ext.understanding import answer_key, encoder_vector
from bot.safety.detector import SafetyDetector
from bot.safety.meaning import ALARMS, NONE, load_examples

# NLU examples of these answer keys are alarms (labelled by the patterns' grade, or left out); all others harmless.
_ALARM_KEYS = frozenset({RED_FLAG_INTENT, AMBER_INTENT, CRISIS_INTENT, CRISIS_CHECK_INTENT})


def meaning_training_set(training_data: TrainingData, examples_dir: Path,
                         detector: SafetyDetector) -> tuple[np.ndarray, list[str]]:
    """Vectors and labels: the safety examples, the NLU examples of every other answer as harmless, and the
    NLU alarm examples with the grade the patterns give them (left out when the patterns find none)."""
    vectors, labels = [], []
    for message in training_data.intent_examples:
        text, key, vector = message.get(TEXT), answer_key(message), encoder_vector(message)
        if not text or not key or vector is None:
            continue
        label = NONE
        if key in _ALARM_KEYS:
            finding = detector.detect(text)
            if finding is None or finding.level not in ALARMS:
                continue
            label = finding.level
        vectors.append(vector[0])
        labels.append(label)
    texts, example_labels = load_examples(examples_dir)
    if texts:
        vectors.extend(default_encoder().embed(texts))
        labels.extend(example_labels)
    return np.vstack(vectors), labels
