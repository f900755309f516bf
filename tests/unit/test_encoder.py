"""The sentence encoder: pinned files, refused when changed, and the model card's reference similarities."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.language.encoder import EncoderFilesInvalid, SentenceEncoder, check_files, default_encoder
from bot.paths import ENCODER_DIR

pytestmark = pytest.mark.skipif(not (ENCODER_DIR / "model.safetensors").exists(),
                                reason="encoder files not extracted (make train)")


def test_reference_similarities_of_the_model_card() -> None:
    """all-MiniLM-L6-v2's published similarities for 'That is a happy person' (to within 1e-3)."""
    vectors = default_encoder().embed(["That is a happy person", "That is a happy dog",
                                       "That is a very happy person", "Today is a sunny day"])
    assert np.allclose(vectors[0] @ vectors[1:].T, [0.6946, 0.9429, 0.2569], atol=1e-3)


def test_vectors_are_normalised_and_independent_of_batching() -> None:
    encoder = default_encoder()
    texts = ["is ibrance chemo", "can i have a glass of wine on femara " * 3, ""]
    together = encoder.embed(texts)
    alone = np.vstack([encoder.embed([t]) for t in texts])
    assert np.allclose(np.linalg.norm(together[:2], axis=1), 1.0, atol=1e-5)
    assert np.allclose(together, alone, atol=1e-5)


def test_long_text_is_cut_at_256_word_pieces() -> None:
    assert default_encoder().token_count("word " * 1000) == 256


def test_changed_weights_are_refused(tmp_path: Path) -> None:
    for name in ("tokenizer.json", "config.json"):
        shutil.copy(ENCODER_DIR / name, tmp_path / name)
    (tmp_path / "model.safetensors").write_bytes(b"not the pinned weights")
    with pytest.raises(EncoderFilesInvalid, match="not the pinned"):
        check_files(tmp_path)
    with pytest.raises(EncoderFilesInvalid, match="not the pinned"):
        SentenceEncoder(tmp_path)
