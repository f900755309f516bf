"""Custom Rasa NLU components: the input cleaner (first) and the safety guard (last).

`InputCleaner` runs before tokenisation: it strips markup and control characters and
caps the length, keeping the raw text aside. `SafetyGuard` runs after the classifiers
and overrides their intent when the deterministic detectors speak: crisis, red flags
and dose questions first, then unusable input (empty, too long, not English,
gibberish). So safety holds even when the statistical model is wrong.
"""
from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.contract import (
    CLEANING,
    DRUG_WHAT_INTENT,
    FALLBACK_INTENT,
    INTENT_FOR_SAFETY,
    RAW_TEXT,
    SAFETY,
    SAVE_QUESTION_INTENT,
    SUBTYPE_OPTIONS_INTENT,
    UNKNOWN_WORDS,
)
from bot.language.drug_matcher import DrugMatch, default_matcher
from bot.language.input_guard import Vocabulary, classify, default_language_hints
from bot.language.question_text import is_add_request
from bot.language.subtype_matcher import subtype_key
from bot.rasa_ext import remote_action
from bot.safety.detector import default_detector
from bot.text import CleanText, sanitise, words_of

# Unusable input becomes Rasa's own fallback intent; action_fallback reads the `safety`
# key of the parse data to say what was wrong (empty, too long, not English, ...).
INTENT_FOR_INPUT = FALLBACK_INTENT
# The drug match of a message, computed once by IntentRouter and reused by SafetyGuard (not in the output).
DRUG_MATCH = "drug_match"
_VOCABULARY_FILE = "vocabulary.json"


def _serving() -> None:
    """Rasa is building the model graph: from here on, a custom action that cannot reach the
    action server answers politely instead of silently (bot/rasa_ext/remote_action.py)."""
    remote_action.install()


def drug_match_of(message: Message, text: str) -> DrugMatch:
    """The drug match of the message, computed once per message."""
    match = message.get(DRUG_MATCH)
    if match is None:
        match = default_matcher().match(text)
        message.set(DRUG_MATCH, match)
    return match


class _ConfiglessComponent(GraphComponent):
    """A component with no settings and nothing to train: created by calling the class."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        _serving()
        return cls()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class InputCleaner(_ConfiglessComponent):
    """Cleans the text of each message before any other component reads it."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples are the project's own text: left as written."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            raw = message.get(TEXT) or ""
            clean = sanitise(raw)
            message.set(RAW_TEXT, raw)
            message.set(CLEANING, clean)
            message.set(TEXT, clean.text)
        return messages


# A general topic question (or an unclear one) that names a drug is a question about that drug.
DRUG_INTENT_FOR_TOPIC = {
    "treatment": DRUG_WHAT_INTENT,
    "side_effect": "ask_drug_side_effects",
    FALLBACK_INTENT: DRUG_WHAT_INTENT,
}
# An unclear message that names a subtype ("anything for triple negative?") gets that subtype's options,
# and so does "what is used for HER2+ disease", which reads like "what is <drug> used for" without a drug.
OPTIONS_WHEN_SUBTYPE_ONLY = {FALLBACK_INTENT, "ask_drug_who"}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentRouter(_ConfiglessComponent):
    """Corrects the model's intent where the message's form leaves no doubt.

    "add could I try immunotherapy to my list" is a request to save a question, whatever
    its words are about; "what kind of chemo is eribulin" is about eribulin, not about
    chemotherapy in general; an unclear question naming a subtype, or "what is used for" one,
    asks for its options;
    an unclear follow-up that points back ("and how do I take it?") is a drug question,
    which the action answers for the drug of the conversation or asks which one.
    """

    def __init__(self) -> None:
        self.cues = default_language_hints()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            topic = (message.get(INTENT) or {}).get("name")
            names_drug = bool(drug_match_of(message, text).drug)
            if is_add_request(text):
                _set_intent(message, SAVE_QUESTION_INTENT)
            elif topic in DRUG_INTENT_FOR_TOPIC and names_drug:
                _set_intent(message, DRUG_INTENT_FOR_TOPIC[topic])
            elif topic in OPTIONS_WHEN_SUBTYPE_ONLY and not names_drug and subtype_key(text) \
                    and not self.cues.points_back(text):
                _set_intent(message, SUBTYPE_OPTIONS_INTENT)
            elif topic == FALLBACK_INTENT and (follow_up := self.cues.drug_follow_up(text)):
                _set_intent(message, follow_up)
        return messages


def _set_intent(message: Message, name: str) -> None:
    """Make `name` the top intent with full confidence, keeping the rest of the ranking."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
    top = {"name": name, "confidence": 1.0}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafetyGuard(GraphComponent):
    """Overrides the predicted intent for safety findings and unusable input."""

    def __init__(self, model_storage: ModelStorage, resource: Resource, vocabulary: set[str]) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary = Vocabulary(vocabulary)
        self.detector = default_detector()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyGuard:
        _serving()
        return cls(model_storage, resource, set())

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SafetyGuard:
        _serving()
        with model_storage.read_from(resource) as directory:
            vocabulary = set(json.loads((directory / _VOCABULARY_FILE).read_text(encoding="utf-8")))
        return cls(model_storage, resource, vocabulary)

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the English vocabulary of the training examples (for the gibberish check)."""
        vocabulary = {w for example in training_data.training_examples for w in words_of(example.get(TEXT) or "")}
        self.vocabulary = Vocabulary(vocabulary)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _VOCABULARY_FILE).write_text(json.dumps(sorted(vocabulary)), encoding="utf-8")
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = self._override(message)
            if intent:
                _set_intent(message, intent)
        return messages

    def _override(self, message: Message) -> str | None:
        raw = message.get(RAW_TEXT) or message.get(TEXT) or ""
        clean: CleanText = message.get(CLEANING) or sanitise(raw)
        finding = self.detector.detect(raw)
        if finding:
            message.set(SAFETY, {"category": finding.category, "rule": finding.rule_id}, add_to_output=True)
            return INTENT_FOR_SAFETY[finding.category]
        drug_match = drug_match_of(message, clean.text)
        knows_a_drug = drug_match.found
        if not knows_a_drug:
            message.set(UNKNOWN_WORDS, self.vocabulary.unknown(words_of(clean.text)), add_to_output=True)
        problem = classify(clean, self.vocabulary, names_something_known=knows_a_drug)
        if problem:
            message.set(SAFETY, {"category": "input", "rule": problem}, add_to_output=True)
            return INTENT_FOR_INPUT
        return None
