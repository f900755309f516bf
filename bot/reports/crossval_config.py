"""Print config.yml without the FallbackClassifier, for `rasa test nlu --cross-validation`."""
from __future__ import annotations

import sys

import yaml

from bot.paths import CONFIG_FILE


def crossval_config() -> dict:
    config = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] != "FallbackClassifier"]
    return config


if __name__ == "__main__":
    yaml.safe_dump(crossval_config(), sys.stdout, sort_keys=False)
