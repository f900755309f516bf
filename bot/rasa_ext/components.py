"""Custom Rasa NLU components: the input cleaner (first) and the safety guard (last).

`InputCleaner` runs before tokenisation: it strips markup and control characters and
caps the length, keeping the raw text aside. `SafetyGuard` runs after the classifiers
and overrides their intent when the safety detectors speak: crisis, red flags, poison
and dose questions first, then unusable input (empty, too long, not English,
gibberish). So safety holds even when the answer model is wrong. Two detectors speak:
the patterns (bot/safety/detector.py) and a classifier that reads the meaning of the
whole message (bot/safety/meaning.py). In a short message a pattern's finding stands; in a
long story, a symptom the patterns found gives way when the meaning detector reads the
story as harmless (a past event, a side-effect question). The meaning detector alone
raises an alarm the patterns missed (a crisis heard only by meaning gets the gentle
check-in), unless the message corrects the assistant.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.contract import (
    ANSWER_CHOICES,
    CLEANING,
    CRISIS_CHECK_INTENT,
    CRISIS_INTENT,
    DETECTOR_ONLY_INTENTS,
    DOSE_INTENT,
    DRUG_FACET,
    DRUG_INTENT,
    FALLBACK_INTENT,
    INTENT_FOR_LEVEL,
    RAW_TEXT,
    ROUTE,
    SAFETY,
    SAFETY_CORRECTION_INTENT,
    UNKNOWN_WORDS,
)
from bot.language.drug_matcher import DrugMatch, default_matcher, medicines_of
from bot.language.input_guard import Vocabulary, classify, default_language_hints
from bot.language.question_text import is_add_request
from bot.language.routing import Features, default_router
from bot.paths import (
    DRUGS_FILE,
    FACETS_FILE,
    LANGUAGE_FILE,
    QUESTION_PATTERNS_FILE,
    ROUTING_FILE,
    SAFETY_EXAMPLES_DIR,
    SAFETY_FILE,
    SUBTYPES_FILE,
)
from bot.rasa_ext import remote_action
from bot.rasa_ext.safety_reading import meaning_training_set
from bot.rasa_ext.understanding import encoder_vector
from bot.safety.detector import MENTION, SafetyDetector, SafetyFinding
from bot.safety.meaning import MEANING, MeaningDetector, MeaningReading
from bot.text import CleanText, sanitise, words_of

# Unusable input becomes Rasa's own fallback intent; action_fallback reads the `safety`
# key of the parse data to say what was wrong (empty, too long, not English, ...).
INTENT_FOR_INPUT = FALLBACK_INTENT
# The drug match of a message, computed once by IntentRouter and reused by SafetyGuard (not in the output).
DRUG_MATCH = "drug_match"
_VOCABULARY_FILE = "vocabulary.json"
# "tell me about flumbertaxin": a short drug question with an unknown long word stays a drug question.
UNKNOWN_DRUG_MAX_WORDS = 10
UNKNOWN_DRUG_MIN_LETTERS = 6
_SAFETY_PATTERNS_FILE = "safety.yml"
_FINGERPRINTS_FILE = "data_fingerprints.json"
# Data files the components read at load besides the model: their hashes at train time are kept in the
# model, and a model refuses to load beside different ones (retrain with `make train`). The safety
# patterns are not read from disk at all: the model carries the copy it was trained and tested with.
DATA_FILES_READ_AT_LOAD = (DRUGS_FILE, LANGUAGE_FILE, QUESTION_PATTERNS_FILE, SUBTYPES_FILE, FACETS_FILE, ROUTING_FILE)


class DataChangedSinceTraining(RuntimeError):
    """A data file the components read differs from the one the model was trained with."""


def data_fingerprints(files: tuple[Path, ...] = DATA_FILES_READ_AT_LOAD) -> dict[str, str]:
    """SHA-256 of each data file, by file name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def check_data_unchanged(trained_with: dict[str, str]) -> None:
    """Refuse, in one line, to serve a model beside data files other than those it was trained with."""
    changed = sorted(name for name, digest in data_fingerprints().items()
                     if name in trained_with and trained_with[name] != digest)
    if changed:
        raise DataChangedSinceTraining(
            f"{', '.join(changed)} changed since the model was trained: run `make train` before serving it"
        )


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
            message.set(TEXT, clean.text)  # a long story is read whole: the encoder reads its meaning
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentRouter(_ConfiglessComponent):
    """Corrects the model's intent for what it cannot see, by the table in data/routing.yml.

    "add could I try immunotherapy to my list" saves a question, whatever its words are about; an unclear
    "what do you mean?" asks to explain the previous reply. (A follow-up pointing back at the conversation's
    medicine is the fallback action's: it sees the conversation.) Each route is recorded with the model's own pick.
    """

    def __init__(self) -> None:
        self.cues = default_language_hints()
        self.router = default_router()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = (message.get(INTENT) or {}).get("name") or ""
            match = drug_match_of(message, text)
            names = {"drug"} if match.drug or match.ambiguous else set()
            if self.cues.asks_what_is(text):
                names.add("what_is")
            if self.cues.asks_to_clarify(text):
                names.add("clarify")
            route = self.router.route(Features(intent, frozenset(names), is_add_request(text)))
            if route:
                _set_intent(message, route.intent, f"route {route.id}")
                if route.facet:
                    message.set(DRUG_FACET, route.facet, add_to_output=True)
        return messages


def _set_intent(message: Message, name: str, why: str, confidence: float = 1.0) -> None:
    """Make `name` the top intent, keeping the rest of the ranking; record the route and the model's own pick."""
    before = message.get(INTENT) or {}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
    top = {"name": name, "confidence": confidence}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
    route = {"from": before.get("name"), "confidence": before.get("confidence"), "to": name, "why": why}
    message.set(ROUTE, route, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafetyGuard(GraphComponent):
    """Overrides the predicted intent for safety findings and unusable input."""

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 vocabulary: set[str], detector: SafetyDetector, meaning: MeaningDetector | None = None) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.config = {**self.get_default_config(), **config}
        self.vocabulary = Vocabulary(vocabulary)
        self.detector = detector
        self.meaning = meaning
        self.cues = default_language_hints()
        self.min_confidence = float(self.config["min_confidence_after_demotion"])
        self.crisis_check_confidence = float(self.config["crisis_check_confidence"])

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "min_confidence_after_demotion": 0.45,
            "crisis_check_confidence": 0.8,
            # the meaning detector: its regression's C, the weight of harmless examples, the probability at
            # which it raises each alarm alone (a level left out is never raised alone), and, in a message of
            # `long_message_words` words or more, the probability of `none` at which a pattern's finding gives
            # way: a bare mention, or a report (never a crisis)
            "meaning_c": 10.0,
            "meaning_harmless_weight": 1.0,
            "meaning_raise": {"crisis": 0.95, "emergency": 0.95, "poison": 0.95, "red": 0.98},
            "meaning_veto_mention": 0.6,
            "meaning_veto_report": 0.95,
            "long_message_words": 40,
            # a bare dose word in a long story is a dose question only if the answer model also sees one
            "dose_mention_min_confidence": 0.1,
            # a crisis read by meaning alone gives way when the answer model is this sure of a factual answer
            # (leaving a trial, writing down end-of-life wishes): never the case for a crisis message of the
            # development sets, whose likeliest answers are crisis, feelings, support or family
            "meaning_crisis_factual_confidence": 0.9,
            "factual_answers": ["treatment/", "tests/", "drug/", "subtype/", "devices/", "care/", "practical/",
                                "living/", "side_effect/", "spread/", "remission/", "treatment_break/",
                                "support/advance_directives", "support/fertility"],
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain (and re-persist the safety patterns) whenever a data file the components read changes."""
        return json.dumps(data_fingerprints((SAFETY_FILE, *DATA_FILES_READ_AT_LOAD)), sort_keys=True)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyGuard:
        _serving()
        return cls(config, model_storage, resource, set(), SafetyDetector.from_file(SAFETY_FILE))

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
        config = {**cls.get_default_config(), **config}
        with model_storage.read_from(resource) as directory:
            vocabulary = set(json.loads((directory / _VOCABULARY_FILE).read_text(encoding="utf-8")))
            patterns = yaml.safe_load((directory / _SAFETY_PATTERNS_FILE).read_text(encoding="utf-8"))
            trained_with = json.loads((directory / _FINGERPRINTS_FILE).read_text(encoding="utf-8"))
            meaning = MeaningDetector.load(directory, config["meaning_raise"])
        check_data_unchanged(trained_with)
        return cls(config, model_storage, resource, vocabulary, SafetyDetector(patterns), meaning)

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the English vocabulary of the training examples (for the gibberish check), fit the meaning
        detector, and keep the safety patterns in the model, so the patterns that run are the ones tested with it."""
        vocabulary = {w for example in training_data.training_examples for w in words_of(example.get(TEXT) or "")}
        self.vocabulary = Vocabulary(vocabulary)
        vectors, labels = meaning_training_set(training_data, SAFETY_EXAMPLES_DIR, self.detector)
        self.meaning = MeaningDetector.fit(vectors, labels, self.config["meaning_raise"],
                                           c=float(self.config["meaning_c"]),
                                           harmless_weight=float(self.config["meaning_harmless_weight"]))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _VOCABULARY_FILE).write_text(json.dumps(sorted(vocabulary)), encoding="utf-8")
            (directory / _SAFETY_PATTERNS_FILE).write_text(SAFETY_FILE.read_text(encoding="utf-8"), encoding="utf-8")
            (directory / _FINGERPRINTS_FILE).write_text(json.dumps(data_fingerprints()), encoding="utf-8")
            self.meaning.save(directory)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._override(message)
        return messages

    def _override(self, message: Message) -> None:
        raw = message.get(RAW_TEXT) or message.get(TEXT) or ""
        clean: CleanText = message.get(CLEANING) or sanitise(raw)
        medicines = medicines_of(drug_match_of(message, clean.text))
        finding = self.detector.detect(raw, medicines)
        correction = self.detector.correction(raw)
        reading = self._read(message)
        finding, set_aside = self._weigh(finding, reading, message, clean.text, correction)
        if finding:
            found = {"category": finding.category, "rule": finding.rule_id, "level": finding.level,
                     "evidence": finding.evidence}
            message.set(SAFETY, {**found, "correction": correction}, add_to_output=True)
            intent = INTENT_FOR_LEVEL[finding.level]
            if finding.evidence == MEANING and finding.level == "crisis":
                intent = CRISIS_CHECK_INTENT  # heard only by meaning: the gentle check-in that gives 988
            _set_intent(message, intent, f"safety detector: {finding.rule_id}")
            return
        if set_aside:
            message.set(SAFETY, {"category": "set_aside", "rule": set_aside, "level": None}, add_to_output=True)
        if correction:
            message.set(SAFETY, {"category": "correction", "rule": correction, "level": None}, add_to_output=True)
            _set_intent(message, SAFETY_CORRECTION_INTENT, f"a correction: {correction}")
            return
        self._demote_safety_intent(message)
        drug_match = drug_match_of(message, clean.text)
        knows_a_drug = drug_match.found
        unknown: list[str] = []
        if not knows_a_drug:
            unknown = self.vocabulary.unknown(words_of(clean.text))
            message.set(UNKNOWN_WORDS, unknown, add_to_output=True)
            self._no_drug_no_drug_question(message, clean.text, unknown)
        problem = classify(clean, self.vocabulary, names_something_known=knows_a_drug)
        if problem:
            message.set(SAFETY, {"category": "input", "rule": problem}, add_to_output=True)
            _set_intent(message, INTENT_FOR_INPUT, f"unusable input: {problem}")

    def _read(self, message: Message) -> MeaningReading | None:
        """The meaning detector's reading of the whole message (its encoder vector)."""
        vector = encoder_vector(message)
        if self.meaning is None or vector is None:
            return None
        return self.meaning.read(vector)

    def _weigh(self, finding: SafetyFinding | None, reading: MeaningReading | None, message: Message,
               text: str, correction: str | None) -> tuple[SafetyFinding | None, str | None]:
        """The finding that stands, and the rule of a finding set aside (or None).

        In a long story, a symptom the patterns found gives way when the meaning detector reads the story as
        harmless (a bare mention at `meaning_veto_mention`, a report at `meaning_veto_report`; a crisis never),
        and a bare dose word when the answer model sees no dose question in it. Unless the message corrects the
        assistant, the meaning detector's alarm stands where the patterns found nothing. A finding of the
        patterns keeps their grade: raised by meaning, mild symptoms ("a tickly cough, breathing is fine") were
        read as emergencies (6 of 76 amber messages of the development sets), and dose questions as overdoses."""
        long = len(text.split()) >= int(self.config["long_message_words"])
        if finding and long and reading is not None and finding.level not in ("crisis", "dose"):
            veto = self.config["meaning_veto_mention" if finding.evidence == MENTION else "meaning_veto_report"]
            if reading.harmless >= float(veto):
                return None, finding.rule_id
        if finding and long and finding.level == "dose" and finding.evidence == MENTION \
                and self._no_dose_question(message):
            return None, finding.rule_id
        if reading is not None and reading.level and not correction and finding is None:
            level = reading.level
            if level == "crisis" and self._sure_of_a_factual_answer(message):
                return None, None
            return SafetyFinding(MEANING, f"meaning_{level}", f"read as {level} by meaning", level, MEANING), None
        return finding, None

    def _sure_of_a_factual_answer(self, message: Message) -> bool:
        """The answer model's likeliest answer is a factual one ("how do I leave a trial safely") and it is sure."""
        choices = message.get(ANSWER_CHOICES) or []
        top = max(choices, key=lambda c: c["confidence"], default=None)
        return bool(top) and top["key"].startswith(tuple(self.config["factual_answers"])) \
            and top["confidence"] >= float(self.config["meaning_crisis_factual_confidence"])

    def _no_dose_question(self, message: Message) -> bool:
        """The answer model does not see a dose question among its likeliest answers."""
        choices = {c["key"]: c["confidence"] for c in message.get(ANSWER_CHOICES) or []}
        return choices.get(DOSE_INTENT, 0.0) < float(self.config["dose_mention_min_confidence"])

    def _no_drug_no_drug_question(self, message: Message, text: str, unknown: list[str]) -> None:
        """A drug question that names no drug or class, no unknown word (perhaps a drug we do not know) and
        points back at nothing ("which targeted drugs could I get?") is about the model's next topic."""
        top = message.get(INTENT) or {}
        if top.get("name") != DRUG_INTENT or message.get(DRUG_FACET) or self.cues.points_back(text):
            return
        short = len(text.split()) <= UNKNOWN_DRUG_MAX_WORDS
        if unknown and short and max(map(len, unknown)) >= UNKNOWN_DRUG_MIN_LETTERS:
            return  # a short question about an unknown long word: perhaps a drug we do not know
        ranking = message.get(INTENT_RANKING_KEY) or []
        nxt = next((r for r in ranking if r.get("name") not in {DRUG_INTENT, FALLBACK_INTENT}
                    | DETECTOR_ONLY_INTENTS), None)
        if nxt:
            _set_intent(message, nxt["name"], "a drug question naming no drug: the next topic", nxt["confidence"])

    def _demote_safety_intent(self, message: Message) -> None:
        """The model alone never raises an alarm: its crisis, red-flag, amber or dose pick without a
        detector finding gives way to its next intent (or the fallback when that one is doubtful)."""
        top = message.get(INTENT) or {}
        intent = top.get("name")
        if intent not in DETECTOR_ONLY_INTENTS:
            return
        if intent == CRISIS_INTENT and top.get("confidence", 0.0) >= self.crisis_check_confidence:
            # A miss costs more than a false alarm here: a gentle check-in that gives the 988 Lifeline.
            _set_intent(message, CRISIS_CHECK_INTENT, "model's confident crisis without a detector finding",
                        top["confidence"])
            return
        ranking = message.get(INTENT_RANKING_KEY) or []
        nxt = next((r for r in ranking if r.get("name") not in DETECTOR_ONLY_INTENTS | {FALLBACK_INTENT}), None)
        if nxt is None or nxt.get("confidence", 0.0) < self.min_confidence:
            _set_intent(message, FALLBACK_INTENT, f"model's {intent} without a detector finding", 1.0)
        else:
            _set_intent(message, nxt["name"], f"model's {intent} without a detector finding", nxt["confidence"])
