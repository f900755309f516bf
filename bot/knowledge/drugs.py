"""The drug data file: its schema, its loader, and look-ups by generic or brand name.

`data/drugs.yml` is the single source of truth for drug facts. Adding a drug is one
entry there; nothing about a drug is written in Python.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, root_validator, validator

from bot.knowledge.facets import default_registry
from bot.paths import DRUGS_FILE
from bot.text import normalise_name

# Anything that looks like an amount of medicine: answers never state a dose.
_DOSE_PATTERN = re.compile(r"\b\d+(\.\d+)?\s*(mg|mcg|µg|g|ml|units?|tablets?|pills?)\b", re.I)


class DrugDataError(ValueError):
    """A drug data file that cannot be used; the message names the file, entry and field."""


def _no_dose(value: str) -> str:
    if _DOSE_PATTERN.search(value):
        raise ValueError("must not state a dose")
    return value


class _Entry(BaseModel):
    """Fields shared by drugs and drug classes."""

    sources: list[str] = Field(..., min_items=1)
    last_reviewed: dt.date

    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True
        min_anystr_length = 1

    @validator("last_reviewed")
    def _not_in_future(cls, value: dt.date) -> dt.date:
        if value > dt.date.today():
            raise ValueError("is in the future")
        return value


# Facet texts (data/facets.yml): on a class they are the default for its drugs; a drug may override each.
FACET_TEXT_FIELDS = ("partners", "pregnancy", "interactions", "vaccines", "monitoring", "precautions", "duration",
                     "schedule", "storage", "stopping")
_FACET_TEXT = Field(None, max_length=420)


class _FacetTexts(_Entry):
    """The facet texts a drug or its class may carry."""

    partners: str | None = _FACET_TEXT
    pregnancy: str | None = _FACET_TEXT
    interactions: str | None = _FACET_TEXT
    vaccines: str | None = _FACET_TEXT
    monitoring: str | None = _FACET_TEXT
    precautions: str | None = _FACET_TEXT
    duration: str | None = _FACET_TEXT
    schedule: str | None = _FACET_TEXT  # how it is given, as a pattern: how often, with food, weeks on and off
    storage: str | None = _FACET_TEXT
    stopping: str | None = _FACET_TEXT  # a yes/no answer to "can I stop it now that I am well"

    _checked_facets = validator(*FACET_TEXT_FIELDS, allow_reuse=True)(lambda v: v if v is None else _no_dose(v))


class DrugClass(_FacetTexts):
    """A family of drugs, such as the CDK4/6 inhibitors."""

    id: str = Field(..., regex=r"^[a-z0-9_]+$")
    name: str
    kind: str
    aliases: list[str] = []
    what_it_is: str = Field(..., max_length=400)
    plural: str | None = None  # how an answer about the whole class names it ("CDK4/6 inhibitors")
    side_effects: list[str] = []  # common to the class: a question naming the class gets these
    warnings: list[str] = []

    _checked_text = validator("what_it_is", allow_reuse=True)(_no_dose)
    _checked_items = validator("side_effects", "warnings", each_item=True, allow_reuse=True)(_no_dose)


class Status(BaseModel):
    """A breast-cancer approval that was withdrawn: such a drug is explained, never offered as an option."""

    withdrawn: int = Field(..., ge=1990, le=2100)
    note: str = Field(..., max_length=400)

    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True

    _checked_note = validator("note", allow_reuse=True)(_no_dose)


class Drug(_FacetTexts):
    """One medicine, with the facts the assistant may state about it."""

    generic: str
    brands: list[str] = []
    other_names: list[str] = []
    aliases: list[str] = []  # short forms and old names patients type ("palbo", "TDM-1"): matched, never shown
    drug_class: str = Field(..., alias="class")
    routes: list[str] = Field(..., min_items=1)
    who_for: str = Field(..., max_length=300)
    how_it_works: str = Field(..., max_length=300)
    side_effects: list[str] = Field(..., min_items=1)
    warnings: list[str] = Field(..., min_items=1)
    status: Status | None = None

    _checked_text = validator("who_for", "how_it_works", allow_reuse=True)(_no_dose)
    _checked_items = validator("side_effects", "warnings", each_item=True, allow_reuse=True)(_no_dose)

    @property
    def withdrawn(self) -> bool:
        """True when its breast-cancer approval was withdrawn."""
        return self.status is not None

    @property
    def names(self) -> list[str]:
        """Every name a patient may use for this drug, short forms included."""
        return [self.generic, *self.brands, *self.other_names, *self.aliases]

    @property
    def display_name(self) -> str:
        """Generic name with its first two brand names, e.g. 'palbociclib (Ibrance)'."""
        return f"{self.generic} ({', '.join(self.brands[:2])})" if self.brands else self.generic


class DrugFile(BaseModel):
    """The whole data file, checked for references between its parts."""

    routes: dict[str, str]
    route_labels: dict[str, str] = {}
    given_by_staff: list[str] = []  # route codes a nurse or doctor gives (never "take" in an answer)
    classes: list[DrugClass]
    drugs: list[Drug]

    @root_validator(skip_on_failure=True)
    def _references_resolve(cls, values: dict) -> dict:
        class_ids = {c.id for c in values["classes"]}
        registry = default_registry()
        for drug_class in values["classes"]:
            if drug_class.kind not in registry.kinds:
                raise ValueError(f"class '{drug_class.id}' field 'kind': '{drug_class.kind}' is not in data/facets.yml")
        classes = {c.id: c for c in values["classes"]}
        for drug in values["drugs"]:
            for facet in registry.required_text_fields():
                own_class = classes.get(drug.drug_class)
                if own_class and not (getattr(drug, facet) or getattr(own_class, facet)):
                    raise ValueError(f"drug '{drug.generic}' field '{facet}': required (on the drug or its class)")
        for drug in values["drugs"]:
            if drug.drug_class not in class_ids:
                raise ValueError(f"drug '{drug.generic}' field 'class': unknown class '{drug.drug_class}'")
            for route in drug.routes:
                if route not in values["routes"]:
                    raise ValueError(f"drug '{drug.generic}' field 'routes': unknown route '{route}'")
        seen: dict[str, str] = {}
        for drug in values["drugs"]:
            for name in drug.names:
                key = normalise_name(name)
                if key in seen and seen[key] != drug.generic:
                    raise ValueError(
                        f"drug '{drug.generic}' field 'names': '{name}' is also a name of '{seen[key]}'"
                    )
                seen[key] = drug.generic
        return values


class DrugCatalog:
    """All drugs and classes, with look-ups by any of their names."""

    def __init__(self, data: DrugFile) -> None:
        self.routes = data.routes
        self.route_labels = data.route_labels
        self.given_by_staff = frozenset(data.given_by_staff)
        self.classes = {c.id: c for c in data.classes}
        self.drugs = {d.generic: d for d in data.drugs}
        self.drug_by_name = {normalise_name(n): d for d in data.drugs for n in d.names}
        self.class_by_name = {
            normalise_name(n): c for c in data.classes for n in [c.name, c.id.replace("_", " "), *c.aliases]
        }

    def drug(self, name: str) -> Drug | None:
        """The drug with this exact name (generic, brand or other), ignoring case and punctuation."""
        return self.drug_by_name.get(normalise_name(name))

    def drug_class(self, name: str) -> DrugClass | None:
        """The class with this exact name or alias."""
        return self.class_by_name.get(normalise_name(name))

    def members(self, drug_class: DrugClass) -> list[Drug]:
        """The drugs of a class, in file order."""
        return [d for d in self.drugs.values() if d.drug_class == drug_class.id]

    def route_phrases(self, drug: Drug) -> list[str]:
        """Plain phrases for how a drug is given."""
        return [self.routes[r] for r in drug.routes]

    def given_by_staff_only(self, drug: Drug) -> bool:
        """True when a nurse or doctor gives every form of the drug (it is never 'taken')."""
        return all(route in self.given_by_staff for route in drug.routes)

    def route_labels_of(self, drug: Drug) -> list[str]:
        """Short labels for how a drug is given ("a pill"), for comparisons."""
        return [self.route_labels.get(r, self.routes[r]) for r in drug.routes]

    def facet_text(self, drug: Drug, field: str) -> str | None:
        """A facet text of the drug, or its class's when the drug has none of its own."""
        return getattr(drug, field, None) or getattr(self.classes[drug.drug_class], field, None)

    def options(self, drug_class: DrugClass) -> list[Drug]:
        """The drugs of a class that may be offered: never one whose approval was withdrawn."""
        return [d for d in self.members(drug_class) if not d.withdrawn]


def _describe(error: dict, raw: dict) -> str:
    """One validation error as 'drug 'x' field 'y': problem'."""
    loc = list(error["loc"])
    if loc == ["__root__"]:
        return error["msg"]
    if len(loc) >= 2 and loc[0] in ("drugs", "classes") and isinstance(loc[1], int):
        entry = (raw.get(loc[0]) or [])[loc[1]] or {}
        label = entry.get("generic") or entry.get("id") or f"#{loc[1] + 1}"
        kind = "drug" if loc[0] == "drugs" else "class"
        field = ".".join(str(p) for p in loc[2:]) or "entry"
        return f"{kind} '{label}' field '{field}': {error['msg']}"
    return "field '" + ".".join(str(p) for p in loc) + f"': {error['msg']}"


def load_drug_file(path: Path = DRUGS_FILE) -> DrugCatalog:
    """Read and validate a drug data file; raise DrugDataError naming file, entry and field."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DrugDataError(f"{path}: cannot read the drug data file: {exc}") from exc
    if not isinstance(raw, dict):
        raise DrugDataError(f"{path}: expected a mapping with routes, classes and drugs")
    try:
        return DrugCatalog(DrugFile.parse_obj(raw))
    except ValidationError as exc:
        problems = "; ".join(_describe(e, raw) for e in exc.errors())
        raise DrugDataError(f"{path}: {problems}") from exc


@cache
def default_catalog() -> DrugCatalog:
    """The project's drug catalogue, loaded once."""
    return load_drug_file(DRUGS_FILE)
