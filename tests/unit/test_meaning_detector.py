"""The meaning-based safety detector: its examples, its fit, its reading and its saved form."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.paths import ROOT, SAFETY_EXAMPLES_DIR
from bot.safety.meaning import ALARMS, NONE, MeaningDetector, load_examples

TEST_DATA = ROOT / "tests" / "data"


def test_every_example_file_loads_with_known_sections():
    texts, labels = load_examples(SAFETY_EXAMPLES_DIR)
    assert len(texts) == len(labels) > 1500
    assert set(labels) == {NONE, *ALARMS}


def test_no_training_example_is_a_test_case():
    """The safety examples never copy a case of a test set (the sealed ones included)."""
    texts, _ = load_examples(SAFETY_EXAMPLES_DIR)
    training = {" ".join(t.lower().split()) for t in texts}
    leaked = []
    for path in [*TEST_DATA.glob("safety_*.yml"), *TEST_DATA.glob("sealed/safety_*.yml")]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in data.values():
            for case in section or []:
                turns = case.get("turns", []) if isinstance(case, dict) else []
                text = case.get("text") if isinstance(case, dict) else case
                for t in [text, *turns]:
                    if t and " ".join(str(t).lower().split()) in training:
                        leaked.append(path.name)
    assert not leaked, f"{len(leaked)} training examples copy test cases, in {sorted(set(leaked))}"


def _toy() -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(0)
    centres = {label: rng.normal(size=8) for label in (NONE, *ALARMS)}
    vectors, labels = [], []
    for label, centre in centres.items():
        for _ in range(30):
            vectors.append(centre + rng.normal(scale=0.1, size=8))
            labels.append(label)
    return np.array(vectors), labels


def test_reading_raises_only_the_levels_given_a_threshold():
    vectors, labels = _toy()
    crisis_vector = vectors[labels.index("crisis")]
    raising = MeaningDetector.fit(vectors, labels, {"crisis": 0.5})
    assert raising.read(crisis_vector).level == "crisis"
    silent = MeaningDetector.fit(vectors, labels, {"red": 0.5})
    assert silent.read(crisis_vector).level is None
    harmless = raising.read(vectors[labels.index(NONE)])
    assert harmless.level is None and harmless.harmless > 0.5


def test_saved_detector_reads_the_same(tmp_path: Path):
    vectors, labels = _toy()
    detector = MeaningDetector.fit(vectors, labels, {"red": 0.5})
    detector.save(tmp_path)
    loaded = MeaningDetector.load(tmp_path, {"red": 0.5})
    assert np.allclose(loaded.probabilities(vectors), detector.probabilities(vectors))


def test_an_unknown_section_is_refused(tmp_path: Path):
    (tmp_path / "bad.yml").write_text("urgentish:\n  - hello\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown section"):
        load_examples(tmp_path)
