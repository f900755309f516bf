"""Build the project's spaCy pipeline in code and save it with `to_disk`.

A blank English pipeline with an entity ruler: drug names, drug-class names and
subtype names from the data files become `drug`, `drug_class` and `subtype` entities.
Run `python -m bot.language.spacy_pipeline` (make train does) to write it to `.build/spacy_mbc`,
the path `config.yml` gives to SpacyNLP. Nothing is downloaded.
"""
from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import spacy
from spacy.language import Language

from bot.knowledge.drugs import DrugCatalog, default_catalog
from bot.knowledge.subtypes import load_subtypes
from bot.paths import SPACY_PIPELINE_DIR


def _token_pattern(nlp: Language, phrase: str) -> list[dict]:
    return [{"LOWER": token.lower_} for token in nlp.make_doc(phrase)]


def ruler_patterns(nlp: Language, catalog: DrugCatalog, subtypes: dict[str, list[str]]) -> list[dict]:
    """Entity-ruler patterns for every drug name, class name and subtype name."""

    def patterns(label: str, ent_id: str, phrases: Iterable[str]) -> list[dict]:
        return [{"label": label, "id": ent_id, "pattern": _token_pattern(nlp, p)} for p in phrases]

    result: list[dict] = []
    for drug in catalog.drugs.values():
        result += patterns("drug", drug.generic, drug.names)
    for drug_class in catalog.classes.values():
        result += patterns("drug_class", drug_class.id, [drug_class.name, *drug_class.aliases])
    for key, names in subtypes.items():
        result += patterns("subtype", key, names)
    return result


def build_pipeline(catalog: DrugCatalog | None = None, subtypes: dict[str, list[str]] | None = None) -> Language:
    """A blank English pipeline whose entity ruler knows the project's drugs and subtypes."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": None, "overwrite_ents": True})
    ruler.add_patterns(ruler_patterns(nlp, catalog or default_catalog(), subtypes or load_subtypes()))
    nlp.meta["name"] = "mbc_entities"
    nlp.meta["description"] = "Drug, drug-class and subtype names for the MBC assistant (bot.language.spacy_pipeline)."
    return nlp


def main(out_dir: Path = SPACY_PIPELINE_DIR) -> None:
    """Build the pipeline and save it to `out_dir`."""
    nlp = build_pipeline()
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    print(f"spaCy pipeline with {len(nlp.get_pipe('entity_ruler'))} patterns saved to {out_dir}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SPACY_PIPELINE_DIR)
