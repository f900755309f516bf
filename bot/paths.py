"""Paths of the project's data files, resolved from this file so any working directory works."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DRUGS_FILE = DATA_DIR / "drugs.yml"
SAFETY_FILE = DATA_DIR / "safety.yml"
LANGUAGE_FILE = DATA_DIR / "language.yml"
SUBTYPES_FILE = DATA_DIR / "subtypes.yml"
BUILD_DIR = ROOT / ".build"
SPACY_PIPELINE_DIR = BUILD_DIR / "spacy_mbc"
