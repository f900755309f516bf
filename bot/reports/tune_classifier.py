"""`python -m bot.reports.tune_classifier`: the answer classifier's C, temperature and thresholds.

- C and the temperature come from out-of-fold predictions on the training data (3 stratified folds): the C with the
  lowest log-loss, then the temperature that makes those held-out probabilities calibrated (lowest log-loss; the
  expected calibration error is printed before and after).
- The thresholds come from the question banks A + B (tests/data/question_bank_*.yml, never trained on), scored by
  the classifier fitted on all the training data: the answer threshold is the lowest whose wrong answers stay within
  the budget (`--max-wrong`), the offer threshold the lowest above which the buttons hold the right answer at least
  `--min-offered` of the time. Safety questions are left out (the detector answers those, not the classifier).
Never the sealed bank.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np
import yaml
from sklearn.model_selection import StratifiedKFold

from bot.language.encoder import SentenceEncoder, default_encoder
from bot.paths import NLU_DIR
from bot.rasa_ext.understanding import AnswerClassifier, softmax, training_examples
from bot.reports.evaluate import BANKS, CHAT_INTENTS, CHAT_NAMES

# The bank's chat and decline keys, back to the intents make eval names them from (bot/reports/evaluate.py).
CHAT_KEYS = {f"chat:{CHAT_NAMES.get(i, i)}": i for i in CHAT_INTENTS} | {"not_covered": "out_of_scope"}


def classifier_key(expected: str) -> str | None:
    """The classifier's answer key for a bank's expected key (None for the detector's safety keys)."""
    if expected.startswith("drug:"):
        return "drug/" + expected.rsplit(":", 1)[1]
    if expected.startswith("safety:"):
        return None
    return CHAT_KEYS.get(expected, expected)


def calibration_error(probs: np.ndarray, right: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of the top probability."""
    top = probs.max(axis=1)
    edges = np.linspace(0, 1, bins + 1)
    error = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (top > low) & (top <= high)
        if inside.any():
            error += inside.mean() * abs(top[inside].mean() - right[inside].mean())
    return float(error)


def log_loss(scores: np.ndarray, truth: np.ndarray, temperature: float) -> float:
    probs = softmax(scores / temperature)
    return float(-np.mean(np.log(probs[np.arange(len(truth)), truth] + 1e-12)))


def out_of_fold_scores(texts: list[str], vectors: np.ndarray, keys: list[str], config: dict
                       ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    classes = sorted(set(keys))
    index = {k: i for i, k in enumerate(classes)}
    scores = np.full((len(texts), len(classes)), -30.0)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=42)
    for train, held in folds.split(texts, keys):
        model = AnswerClassifier(config, None, None)
        model.fit([texts[i] for i in train], vectors[train], [keys[i] for i in train])
        columns = [index[c] for c in model.model.classes_]
        scores[np.ix_(held, columns)] = model.model.decision_function(model._features([texts[i] for i in held],
                                                                                      vectors[held]))
    return scores, np.array([index[k] for k in keys]), classes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--C", type=float, nargs="+", default=[10.0, 30.0, 100.0])
    parser.add_argument("--temperature", type=float, help="skip the folds: one C and this temperature")
    parser.add_argument("--max-wrong", type=float, default=0.04)
    parser.add_argument("--min-offered", type=float, default=0.75)
    args = parser.parse_args(argv)
    encoder = default_encoder()
    texts, keys = training_examples(NLU_DIR)
    vectors = encoder.embed(texts)
    if args.temperature:
        c, temperature = args.C[0], args.temperature
    else:
        c, temperature = choose_c_and_temperature(texts, vectors, keys, args.C)
    return choose_thresholds(encoder, texts, vectors, keys, c, temperature, args.max_wrong, args.min_offered)


def choose_c_and_temperature(texts: list[str], vectors: np.ndarray, keys: list[str], cs: list[float]
                             ) -> tuple[float, float]:
    """The C with the lowest held-out log-loss, and the temperature that calibrates its held-out probabilities."""
    best = None
    for c in cs:
        config = {**AnswerClassifier.get_default_config(), "C": c}
        scores, truth, _ = out_of_fold_scores(texts, vectors, keys, config)
        loss = log_loss(scores, truth, 1.0)
        accuracy = float(np.mean(scores.argmax(axis=1) == truth))
        print(f"C={c:g}: held-out log-loss {loss:.3f}, top-1 {accuracy:.3f}")
        if best is None or loss < best[0]:
            best = (loss, c, scores, truth)
    _, c, scores, truth = best
    temperatures = np.linspace(0.2, 3.0, 57)
    temperature = float(min(temperatures, key=lambda t: log_loss(scores, truth, t)))
    right = scores.argmax(axis=1) == truth
    print(f"C={c:g}; temperature {temperature:.2f}: calibration error {calibration_error(softmax(scores), right):.3f}"
          f" -> {calibration_error(softmax(scores / temperature), right):.3f}")
    return c, temperature


def choose_thresholds(encoder: SentenceEncoder, texts: list[str], vectors: np.ndarray, keys: list[str], c: float,
                      temperature: float, max_wrong: float, min_offered: float) -> int:
    """The thresholds from banks A + B, scored by the classifier fitted on all the training data."""
    config = {**AnswerClassifier.get_default_config(), "C": c, "temperature": temperature}
    model = AnswerClassifier(config, None, None)
    model.fit(texts, vectors, keys)
    items = [item for path in BANKS for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    items = [(i["q"], {k for e in i["expect"] if (k := classifier_key(e))}) for i in items]
    items = [(q, wanted) for q, wanted in items if wanted]
    probs = model.probabilities([q for q, _ in items], encoder.embed([q for q, _ in items]))
    classes = model.model.classes_
    order = np.argsort(-probs, axis=1)
    top = probs[np.arange(len(items)), order[:, 0]]
    right = np.array([classes[order[i, 0]] in wanted for i, (_, wanted) in enumerate(items)])
    offered = np.array([any(classes[j] in wanted for j in order[i, :3]) for i, (_, wanted) in enumerate(items)])
    print(f"\nbanks A + B without safety questions ({len(items)}): top-1 {right.mean():.3f}, "
          f"top-3 {offered.mean():.3f}\n{'threshold':>9} {'right':>6} {'wrong':>6} {'offered of the rest':>20}")
    answer_threshold = None
    for t in np.round(np.arange(0.10, 0.96, 0.01), 2):
        answered = top >= t
        rest = ~answered
        share = offered[rest].mean() if rest.any() else 0.0
        if answer_threshold is None and np.mean(answered & ~right) <= max_wrong:
            answer_threshold = float(t)
        if round(t * 100) % 5 == 0 or t == answer_threshold:
            print(f"{t:9.2f} {np.mean(answered & right):6.3f} {np.mean(answered & ~right):6.3f} {share:20.3f}")
    offer_threshold = None
    for t in np.round(np.arange(0.05, (answer_threshold or 0.9) + 0.001, 0.01), 2):
        band = (top >= t) & (top < (answer_threshold or 1.0))
        if band.any() and offered[band].mean() >= min_offered:
            offer_threshold = round(float(t), 2)
            break
    print(f"\nconfig.yml AnswerClassifier: C: {c:g}, temperature: {temperature:.2f}, "
          f"answer_threshold: {answer_threshold}, offer_threshold: {offer_threshold}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
