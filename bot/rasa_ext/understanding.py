"""Understanding by meaning: the sentence-encoder featurizer and the one answer classifier.

`SentenceEncoderFeaturizer` adds each message's all-MiniLM-L6-v2 vector (bot/language/encoder.py) as Rasa's dense
sentence features, computed once per message and read by whatever needs it. `AnswerClassifier` predicts the answer
key itself (`about_mbc/what_is`, `drug/side_effects`, `greet`, ...) from word and character n-grams together with
those features, by one logistic regression, and fills the parse data Rasa's rules and the actions read (intent,
intent ranking, `response_selector`). It decides among three outcomes: confident, the answer; in between, the
likeliest answers offered as buttons; low, the honest decline.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    RESPONSE_SELECTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.contract import (
    ANSWER_CHOICES,
    ANSWER_CONFIDENCE,
    ANSWER_OUTCOME,
    CLARIFY_FACET,
    DRUG_CLASS_ENTITY,
    DRUG_ENTITY,
    DRUG_FACET,
    DRUG_INTENT,
    FALLBACK_INTENT,
)
from bot.language.encoder import default_encoder

ENCODER_FEATURES = "sentence_encoder"  # the origin name of the encoder's features
_VECTORIZERS = {"words": {"ngram_range": (1, 2)}, "chars": {"analyzer": "char_wb", "ngram_range": (2, 4)}}
_WEIGHTS_FILE = "weights.npz"
_VOCABULARY_FILE = "vocabularies.json"


def encoder_vector(message: Message) -> np.ndarray | None:
    """The message's encoder vector (1 x 384), if the featurizer ran on it."""
    for feature in message.features:
        if feature.origin == ENCODER_FEATURES and feature.type == FEATURE_TYPE_SENTENCE:
            return np.asarray(feature.features, dtype=np.float32)
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEncoderFeaturizer(GraphComponent):
    """Adds the sentence encoder's vector of the whole message (up to 256 word pieces) as sentence features."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SentenceEncoderFeaturizer:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        self._add(examples, default_encoder().embed([m.get(TEXT) for m in examples]))
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        self._add(messages, default_encoder().embed([m.get(TEXT) or "" for m in messages]))
        return messages

    @staticmethod
    def _add(messages: list[Message], vectors: np.ndarray) -> None:
        for message, vector in zip(messages, vectors, strict=True):
            message.add_features(Features(vector[None, :], FEATURE_TYPE_SENTENCE, TEXT, ENCODER_FEATURES))


def softmax(scores: np.ndarray) -> np.ndarray:
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def names_a_drug(message: Message) -> bool:
    """The entity pipeline found a medicine or a class of medicines in the message."""
    return any(e.get("entity") in (DRUG_ENTITY, DRUG_CLASS_ENTITY) for e in message.get(ENTITIES) or [])


def answer_key(message: Message) -> str:
    """The answer key a training example is labelled with: 'about_mbc/what_is', or the intent."""
    return message.get(INTENT_RESPONSE_KEY) or message.get(INTENT)


def training_examples(nlu_dir: Path) -> tuple[list[str], list[str]]:
    """The training examples' texts and answer keys, as `rasa train` reads them."""
    examples = [m for m in load_data(str(nlu_dir)).intent_examples if m.get(TEXT) and answer_key(m)]
    return [m.get(TEXT) for m in examples], [answer_key(m) for m in examples]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class AnswerClassifier(GraphComponent, IntentClassifier):
    """One logistic regression over n-gram TF-IDF and the encoder vector, predicting the answer key."""

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage | None, resource: Resource | None,
                 vectorizers: dict[str, TfidfVectorizer] | None = None, model: LogisticRegression | None = None
                 ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.vectorizers = vectorizers or {}
        self.model = model

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 30.0, "encoder_weight": 1.0, "temperature": 1.0, "answer_threshold": 0.5, "offer_threshold": 0.15,
                "max_offers": 3, "min_offer_confidence": 0.05, "max_iter": 3000}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> AnswerClassifier:
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    # ---- training
    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and answer_key(m)]
        self.fit([m.get(TEXT) for m in examples], np.vstack([self._vector_of(m) for m in examples]),
                 [answer_key(m) for m in examples])
        self._persist()
        return self._resource

    def fit(self, texts: list[str], vectors: np.ndarray, keys: list[str]) -> None:
        """Fit the n-gram vocabularies and the regression on examples, their encoder vectors and answer keys."""
        self.vectorizers = {name: TfidfVectorizer(sublinear_tf=True, lowercase=True, **kw)
                            for name, kw in _VECTORIZERS.items()}
        for vectorizer in self.vectorizers.values():
            vectorizer.fit(texts)
        self.model = LogisticRegression(C=float(self.config["C"]), max_iter=int(self.config["max_iter"]))
        self.model.fit(self._features(texts, vectors), keys)

    def _persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / _WEIGHTS_FILE, coef=self.model.coef_, intercept=self.model.intercept_,
                     **{f"idf_{name}": v.idf_ for name, v in self.vectorizers.items()})
            vocabularies = {name: {term: int(i) for term, i in v.vocabulary_.items()}
                            for name, v in self.vectorizers.items()}
            (directory / _VOCABULARY_FILE).write_text(
                json.dumps({"classes": list(self.model.classes_), "vocabularies": vocabularies}), encoding="utf-8")

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> AnswerClassifier:
        """Rebuilt from arrays and JSON (no pickle)."""
        config = {**cls.get_default_config(), **config}
        with model_storage.read_from(resource) as directory:
            weights = np.load(directory / _WEIGHTS_FILE)
            saved = json.loads((directory / _VOCABULARY_FILE).read_text(encoding="utf-8"))
        vectorizers = {}
        for name, kw in _VECTORIZERS.items():
            vectorizer = TfidfVectorizer(sublinear_tf=True, lowercase=True, vocabulary=saved["vocabularies"][name],
                                         **kw)
            vectorizer.idf_ = weights[f"idf_{name}"]
            vectorizers[name] = vectorizer
        model = LogisticRegression()
        model.classes_ = np.array(saved["classes"])
        model.coef_, model.intercept_ = weights["coef"], weights["intercept"]
        return cls(config, model_storage, resource, vectorizers, model)

    # ---- features
    @staticmethod
    def _vector_of(message: Message) -> np.ndarray:
        vector = encoder_vector(message)
        if vector is None:
            raise ValueError("AnswerClassifier needs SentenceEncoderFeaturizer before it in the pipeline")
        return vector

    def _features(self, texts: list[str], vectors: np.ndarray) -> sparse.csr_matrix:
        parts = [v.transform(texts) for v in self.vectorizers.values()]
        parts.append(sparse.csr_matrix(vectors * float(self.config["encoder_weight"])))
        return sparse.hstack(parts).tocsr()

    def probabilities(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Calibrated probability of each answer key (columns in `self.model.classes_`), one row per text:
        the regression's scores, softened by the temperature fitted on held-out folds (tune_classifier)."""
        return softmax(self.model.decision_function(self._features(texts, vectors)) / float(self.config["temperature"]))

    # ---- prediction
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            probs = self.probabilities([text], self._vector_of(message))[0]
            self._decide(message, probs)
        return messages

    def _decide(self, message: Message, probs: np.ndarray) -> None:
        classes = self.model.classes_
        order = np.argsort(-probs)
        ranked = [(str(classes[i]), float(probs[i])) for i in order]
        best_key, best = ranked[0]
        margin = best - ranked[1][1]
        intents: dict[str, float] = {}
        for key, p in ranked:
            intent = key.split("/", 1)[0]
            intents[intent] = intents.get(intent, 0.0) + p
        intent_ranking = [{"name": n, "confidence": round(c, 4)} for n, c in
                          sorted(intents.items(), key=lambda item: -item[1])[:10]]
        choices = [{"key": k, "confidence": round(p, 4)} for k, p in ranked[:int(self.config["max_offers"])]
                   if p >= float(self.config["min_offer_confidence"])]
        message.set(ANSWER_CHOICES, choices, add_to_output=True)
        message.set(ANSWER_CONFIDENCE, {"key": best_key, "confidence": round(best, 4), "margin": round(margin, 4)},
                    add_to_output=True)
        self._fill_response_selector(message, ranked)
        threshold = float(self.config["answer_threshold"])
        drug_share = intents.get(DRUG_INTENT, 0.0)
        if best >= threshold:
            outcome, name, confidence = "answer", best_key.split("/", 1)[0], best
        elif drug_share >= threshold and names_a_drug(message):
            # Surely about a medicine, less sure which facet: the likeliest facet when it outweighs all the others
            # together, else the drug answer asks which one ("what would you like to know about X?").
            outcome, name, confidence = "answer", DRUG_INTENT, drug_share
            facet_key, facet_p = next((k, p) for k, p in ranked if k.startswith(f"{DRUG_INTENT}/"))
            facet = facet_key.split("/", 1)[1] if facet_p / drug_share > 0.5 else CLARIFY_FACET
            message.set(DRUG_FACET, facet, add_to_output=True)
        else:
            outcome = "offer" if best >= float(self.config["offer_threshold"]) else "decline"
            name, confidence = FALLBACK_INTENT, 1.0 - best
        message.set(ANSWER_OUTCOME, outcome, add_to_output=True)
        top = {"name": name, "confidence": round(confidence, 4)}
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [top, *[r for r in intent_ranking if r["name"] != name]], add_to_output=True)

    @staticmethod
    def _fill_response_selector(message: Message, ranked: list[tuple[str, float]]) -> None:
        """Rasa's response-selector parse data, so retrieval actions and rules work as with a ResponseSelector."""
        retrieval = [(k, p) for k, p in ranked if "/" in k]
        intents = sorted({k.split("/", 1)[0] for k, _ in retrieval})
        selector: dict[str, Any] = {"all_retrieval_intents": intents}

        def entry(keys: list[tuple[str, float]]) -> dict[str, Any]:
            key, p = keys[0]
            return {"response": {"intent_response_key": key, "utter_action": f"utter_{key}", "confidence": p,
                                 "responses": []},
                    "ranking": [{"intent_response_key": k, "confidence": round(c, 4)} for k, c in keys[:10]]}

        selector["default"] = entry(retrieval)
        for intent in intents:
            selector[intent] = entry([(k, p) for k, p in retrieval if k.startswith(f"{intent}/")])
        message.set(RESPONSE_SELECTOR, selector, add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
