"""Drug answers: any facet of a medicine (data/facets.yml), a class, or two medicines side by side.

No reply text and no drug fact lives here: the words are in the `utter_drug/<facet>` responses of
data/nlu/drug_facets.yml and in domain.yml, the facts in data/drugs.yml.
"""
from __future__ import annotations

import json
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import CATALOG, MATCHER, drug_facet_of
from bot.contract import (
    ANSWER_CONFIDENCE,
    CLARIFY_FACET,
    DRUG_CLASS_ENTITY,
    DRUG_CLASS_SLOT,
    DRUG_ENTITY,
    DRUG_INTENT,
    DRUG_SLOT,
    FACET_ENTITY,
    PENDING_FACET_SLOT,
    ROUTE,
    UNKNOWN_WORDS,
)
from bot.knowledge.drugs import Drug, DrugClass
from bot.knowledge.facets import default_registry
from bot.language.drug_matcher import DrugMatch
from bot.language.input_guard import default_language_hints

REGISTRY = default_registry()
HINTS = default_language_hints()
COMPARE = "compare"
CLARIFY = CLARIFY_FACET  # an unclear message naming a drug: ask which facet, as buttons
CLARIFY_FACETS = ("what", "route", "side_effects", "interactions", "duration")
# Facets a withdrawn drug answers with its status: it is explained, never offered as an option.
STATUS_INSTEAD = {"what", "who", "partners", "route"}
# A question naming two medicines, one of them withdrawn, gets the comparison (which says what stands now).
WITHDRAWN_PAIR_FACETS = {"what", "who", "partners", "status"}
SHORT_REPLY_WORDS = 4
FOLLOW_UP_MAX_WORDS = 12  # a longer message is a new question, not a follow-up on the medicine in focus
WARNINGS_BUDGET = 380  # characters of warnings in a side-effects answer; the rest on a "Warning signs" button
SECOND_FACET_MAX_WORDS = 25  # a two-part question is short; in a story, cue words are just words
TWO_ANSWERS_BUDGET = 600  # two facet answers in one turn only when they fit; else the second is a button


def _reviewed(entry: Drug | DrugClass) -> str:
    return entry.last_reviewed.strftime("%b %Y")


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def second_facet_asked(text: str, first: str) -> str | None:
    """The other facet a two-part question asks ("how do I take kisqali and what should I watch out for"); a
    long story's common words ("for five years") are no second question."""
    if len(text.split()) > SECOND_FACET_MAX_WORDS:
        return None
    parts = [p for p in re.split(r"\?|\band\b|\balso\b", text.lower()) if p.strip()]
    if len(parts) < 2:
        return None
    for part in parts:
        words = set(re.findall(r"[a-z']+", part))
        for facet, cues in REGISTRY.follow_up_cues():
            if facet not in (first, COMPARE) and words & cues:
                return facet
    return None


def _size(drug: Drug, facet: str) -> int:
    """About how long a facet's answer for this drug is (its text plus the template's words)."""
    fields = drug_fields(drug)
    spec = REGISTRY.facets.get(facet)
    key = {"routes": "routes", "side_effects": "side_effects", "warnings": "warnings", "who_for": "who_for"}.get(
        spec.field if spec and spec.field else "", spec.field if spec else None)
    body = fields.get(key or "", "") if key else fields["how_it_works"] + fields["who_for"]
    return len(str(body)) + len(fields["drug_name"]) + 120


def _within(items: list[str], budget: int) -> list[str]:
    """The first items whose joined length fits the budget (at least one)."""
    kept: list[str] = []
    for item in items:
        if kept and sum(map(len, kept)) + len(item) > budget:
            break
        kept.append(item)
    return kept


def drug_fields(drug: Drug) -> dict[str, Any]:
    """Template variables for the utter_drug/<facet> responses."""
    drug_class = CATALOG.classes[drug.drug_class]
    fields: dict[str, Any] = {
        "drug_name": drug.display_name,
        "class_name": drug_class.name,
        "drug_class_name": drug_class.name,
        "kind": REGISTRY.kinds["not_approved" if drug.withdrawn else drug_class.kind],
        "Drug_name": _capitalised(drug.display_name),  # the name opening a sentence
        "is_chemo": REGISTRY.is_chemo[drug_class.kind].format(Drug_name=_capitalised(drug.display_name)),
        "how_it_works": drug.how_it_works,
        "routes": " or ".join(CATALOG.route_phrases(drug)),
        "side_effects": ", ".join(drug.side_effects),
        "warnings": " ".join(_within(drug.warnings, WARNINGS_BUDGET)),
        "all_warnings": "\n".join(drug.warnings),
        "who_for": drug.who_for,
        "status_note": drug.status.note if drug.status else "",
        "sources": ", ".join(drug.sources),
        "reviewed": _reviewed(drug),
    }
    for field in REGISTRY.text_fields():
        fields[field] = CATALOG.facet_text(drug, field) or ""
    return fields


def comparison_fields(first: Drug, second: Drug) -> dict[str, Any]:
    """Template variables for utter_drug/compare: kind, route and who-for of each, and what differs."""
    newest = max((first, second), key=lambda d: d.last_reviewed)
    sources = list(dict.fromkeys([*first.sources, *second.sources]))
    fields: dict[str, Any] = {"reviewed": _reviewed(newest), "sources": ", ".join(sources)}
    for prefix, drug, other in (("first", first, second), ("second", second, first)):
        f = drug_fields(drug)
        own = [effect for effect in drug.side_effects if effect not in other.side_effects] or drug.side_effects
        fields.update({
            f"{prefix}_name": f["drug_name"], f"{prefix}_short": drug.generic, f"{prefix}_class": f["class_name"],
            f"{prefix}_routes": " or ".join(CATALOG.route_labels_of(drug)),
            f"{prefix}_who": _first_sentence(drug.who_for),
            f"{prefix}_sources": f["sources"], f"{prefix}_side_effects": ", ".join(own[:3]),
        })
    same = first.drug_class == second.drug_class
    phrase = REGISTRY.compare["same_class" if same else "different_class"]
    class_name = CATALOG.classes[first.drug_class].name
    fields["difference"] = phrase.format(class_name=class_name[0].lower() + class_name[1:], **fields)
    withdrawn = [d for d in (first, second) if d.status]
    if len(withdrawn) == 1:  # "abraxane with tecentriq?": what happened to the approval, and what stands now
        fields["difference"] = f"{withdrawn[0].display_name}: {withdrawn[0].status.note}"
    return fields


def comparison_response(first: Drug, second: Drug) -> str:
    """Two drugs of one class differ in side effects (a shorter answer); two of different kinds also in use."""
    return "utter_drug_compare_similar" if first.drug_class == second.drug_class else "utter_drug/compare"


def class_fields(drug_class: DrugClass) -> dict[str, Any]:
    """Template variables for utter_drug_class, and for a facet answered for the whole class."""
    fields: dict[str, Any] = {
        "class_name": drug_class.name,
        "drug_name": drug_class.plural or drug_class.name,
        "Drug_name": _capitalised(drug_class.plural or drug_class.name),
        "what_it_is": drug_class.what_it_is,
        "members": ", ".join(d.display_name for d in CATALOG.options(drug_class)),
        "side_effects": ", ".join(drug_class.side_effects),
        "warnings": " ".join(_within(drug_class.warnings, WARNINGS_BUDGET)),
        "all_warnings": "\n".join(drug_class.warnings),
        "sources": ", ".join(drug_class.sources),
        "reviewed": _reviewed(drug_class),
    }
    for field in REGISTRY.text_fields():
        fields[field] = getattr(drug_class, field, None) or ""
    return fields


def class_response(drug_class: DrugClass, facet: str) -> str:
    """A facet the class holds for all its members (its side effects, its stopping answer); else what it is."""
    spec = REGISTRY.facets.get(facet)
    if spec is None or not drug_class.plural:
        return "utter_drug_class"
    if facet in ("side_effects", "warnings"):
        return spec.response if drug_class.side_effects and drug_class.warnings else "utter_drug_class"
    return spec.response if spec.field in REGISTRY.text_fields() and getattr(drug_class, spec.field, None) \
        else "utter_drug_class"


def mentioned(tracker: Tracker) -> DrugMatch:
    """The drug or class the latest message asks about: in a story naming several, the one its question names;
    else an entity first, then the text itself."""
    text = tracker.latest_message.get("text") or ""
    asked = asked_part(text)
    if asked != text and (match := MATCHER.match(asked)).found:  # a story naming several medicines, asking of one
        return match
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") in (DRUG_ENTITY, DRUG_CLASS_ENTITY):
            match = MATCHER.match(str(entity.get("value", "")))
            if match.found:
                return match
    return MATCHER.match(text)


def asked_part(text: str) -> str:
    """The last sentence that asks something, when the message names medicines in several sentences."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    if len(sentences) < 2 or len(MATCHER.drugs_named(text)) < 2:
        return text
    return next((s for s in reversed(sentences) if s.endswith("?")), text)


def is_a_follow_up(tracker: Tracker) -> bool:
    """What the model cannot see: a short message, with a medicine in focus, that names no medicine."""
    text = tracker.latest_message.get("text") or ""
    if not tracker.get_slot(DRUG_SLOT) or len(text.split()) > FOLLOW_UP_MAX_WORDS:
        return False
    return not (MATCHER.match(text).found or tracker.latest_message.get(UNKNOWN_WORDS))


def drug_question_set_aside(tracker: Tracker) -> str | None:
    """The facet of a drug question the NLU passed to another topic because it names no drug ("and side
    effects?"), when it is a follow-up on the medicine in focus, which the NLU cannot see."""
    route = tracker.latest_message.get(ROUTE) or {}
    key = (tracker.latest_message.get(ANSWER_CONFIDENCE) or {}).get("key") or ""
    if route.get("from") != DRUG_INTENT or not key.startswith(f"{DRUG_INTENT}/") or not is_a_follow_up(tracker):
        return None
    return key.split("/", 1)[1]


def facet_of_a_follow_up(tracker: Tracker, topic: str | None) -> str | None:
    """A follow-up that points back or speaks of the person on the medicine asks that medicine's facet for its
    general topic ("can she get her flu shot" after "my wife started Ibrance": its vaccines); "how do I cope with
    nausea" keeps the general answer."""
    text = tracker.latest_message.get("text") or ""
    if not topic or not is_a_follow_up(tracker) or not (HINTS.points_back(text) or HINTS.about_someone(text)):
        return None
    return REGISTRY.facet_for_topic(topic)


class ActionDrugAnswer(Action):
    """Answers the facet a question asks about a drug, a class, or a comparison of two drugs.

    When it has to ask which medicine, it remembers the facet, so "ibrance" next answers the
    question first asked.
    """

    def name(self) -> str:
        return "action_drug_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict,
            facet: str | None = None) -> list[EventType]:
        """Answers the facet asked (or `facet`, when the caller resolved a follow-up)."""
        text = tracker.latest_message.get("text") or ""
        facet = facet or self._facet(tracker, text)
        drugs = MATCHER.drugs_named(text)
        # "abraxane with tecentriq?": two medicines, one withdrawn, whatever the facet read: say what stands now
        with_withdrawn = facet in WITHDRAWN_PAIR_FACETS and any(d.withdrawn for d in drugs)
        if (facet == COMPARE or with_withdrawn) and len(drugs) >= 2:
            response = comparison_response(drugs[0], drugs[1])
            dispatcher.utter_message(response=response, **comparison_fields(drugs[0], drugs[1]))
            return [SlotSet(DRUG_SLOT, drugs[1].generic), SlotSet(PENDING_FACET_SLOT, None)]
        facet = "what" if facet == COMPARE else facet
        match = mentioned(tracker)
        if match.drug_class and not match.drug:
            response = class_response(match.drug_class, facet)
            dispatcher.utter_message(response=response,
                                     **self._fields_for(class_fields(match.drug_class), facet, text))
            return [SlotSet(DRUG_SLOT, None), SlotSet(PENDING_FACET_SLOT, None),
                    SlotSet(DRUG_CLASS_SLOT, match.drug_class.id)]
        if match.ambiguous:
            buttons = [self._button(d, facet) for d in match.candidates]
            dispatcher.utter_message(response="utter_ask_which_of", buttons=buttons)
            return [SlotSet(PENDING_FACET_SLOT, facet)]
        drug = match.drug or self._drug_referred_to(tracker)
        if drug is None:
            if tracker.latest_message.get(UNKNOWN_WORDS):
                dispatcher.utter_message(response="utter_drug_unknown")
                return [SlotSet(DRUG_SLOT, None), SlotSet(PENDING_FACET_SLOT, None)]
            dispatcher.utter_message(response="utter_ask_which_drug")
            return [SlotSet(PENDING_FACET_SLOT, facet)]
        if facet == CLARIFY:
            buttons = [self._facet_button(drug, f) for f in CLARIFY_FACETS]
            dispatcher.utter_message(response="utter_drug_clarify", buttons=buttons, **drug_fields(drug))
            return [SlotSet(DRUG_SLOT, drug.generic), SlotSet(PENDING_FACET_SLOT, None)]
        response = self._response(drug, facet)
        shown = _within(drug.warnings, WARNINGS_BUDGET)
        more = response == "utter_drug/side_effects" and len(shown) < len(drug.warnings)
        buttons = [self._facet_button(drug, "warnings")] if more else []
        fields = drug_fields(drug)
        second = second_facet_asked(text, facet)
        if second and self._response(drug, second) != response:
            if not buttons and _size(drug, facet) + _size(drug, second) <= TWO_ANSWERS_BUDGET:
                dispatcher.utter_message(response=response, **self._fields_for(dict(fields), facet, text))
                dispatcher.utter_message(response=self._response(drug, second),
                                         **self._fields_for(dict(fields), second, text))
                return [SlotSet(DRUG_SLOT, drug.generic), SlotSet(PENDING_FACET_SLOT, None)]
            # Too long for one screen: the answer the model read first now, the other one as a button.
            buttons = [*buttons, self._facet_button(drug, second)]
        dispatcher.utter_message(response=response, buttons=buttons, **self._fields_for(fields, facet, text))
        return [SlotSet(DRUG_SLOT, drug.generic), SlotSet(PENDING_FACET_SLOT, None)]

    @staticmethod
    def _fields_for(fields: dict[str, Any], facet: str, text: str) -> dict[str, Any]:
        """The template variables, with the facet's yes/no lead fitted to how the question asks."""
        spec = REGISTRY.facets.get(facet)
        if spec and spec.field and spec.field in fields:
            fields[spec.field] = spec.led_for(text, fields[spec.field])
        return fields

    @staticmethod
    def _facet(tracker: Tracker, text: str) -> str:
        """The facet asked: a button's entity, the pending one when this message only names the drug,
        else the one the model (or the router) found."""
        chosen = next(tracker.get_latest_entity_values(FACET_ENTITY), None)
        if chosen in REGISTRY.facets or chosen == CLARIFY:
            return chosen
        pending = tracker.get_slot(PENDING_FACET_SLOT)
        if pending in REGISTRY.facets and len(text.split()) <= SHORT_REPLY_WORDS:
            return pending
        return drug_facet_of(tracker) or "what"

    @staticmethod
    def _response(drug: Drug, facet: str) -> str:
        """The facet's response; status for a withdrawn drug; 'what' when the drug has no text for it."""
        if drug.withdrawn and facet in STATUS_INSTEAD:
            return "utter_drug/status"
        if facet == "status" and not drug.withdrawn:
            return "utter_drug_status_current"
        spec = REGISTRY.facets.get(facet) or REGISTRY.facets["what"]
        if spec.field in REGISTRY.text_fields() and not CATALOG.facet_text(drug, spec.field):
            return "utter_drug_facet_missing"
        return spec.response

    @staticmethod
    def _button(drug: Drug, facet: str) -> dict[str, str]:
        entities = json.dumps({DRUG_ENTITY: drug.generic, FACET_ENTITY: facet})
        return {"title": drug.display_name, "payload": f"/{DRUG_INTENT}{entities}"}

    @staticmethod
    def _facet_button(drug: Drug, facet: str) -> dict[str, str]:
        entities = json.dumps({DRUG_ENTITY: drug.generic, FACET_ENTITY: facet})
        return {"title": REGISTRY.facets[facet].title, "payload": f"/{DRUG_INTENT}{entities}"}

    @staticmethod
    def _drug_referred_to(tracker: Tracker) -> Drug | None:
        """The drug of the conversation, unless the message names something unknown."""
        if tracker.latest_message.get(UNKNOWN_WORDS):
            return None
        name = tracker.get_slot(DRUG_SLOT)
        return CATALOG.drugs.get(name) if name else None


class ActionSource(Action):
    """Says where the last drug answer came from, or where answers come from in general."""

    def name(self) -> str:
        return "action_source"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        drug = CATALOG.drugs.get(tracker.get_slot(DRUG_SLOT) or "")
        if drug:
            dispatcher.utter_message(response="utter_source_drug", **drug_fields(drug))
        else:
            dispatcher.utter_message(response="utter_source_general")
        return []
