"""Train ``models/voice_projection.npz``: a linear discriminant projection of GE2E voice
embeddings (256 -> 32) that keeps what tells speakers apart and drops what one speaker's
windows vary in (words, emotion, the telephone channel).

Why: raw GE2E windows of 8 kHz telephone speech are alike for everyone (the real
telephone call's two voices: centroid cosine 0.877, while a single LibriSpeech reader's two
clusters go as low as 0.73), so no threshold on raw embeddings tells one voice from two.
Within-speaker variation is learnt from real recordings of one voice through every channel
the analyzer meets.

Data (``../shared/data``, the tuning half of ``benchmarks/voice_count_sets``: LibriSpeech
readers whose id is not divisible by 3, EmoDB actors 03, 08, 10; never the telephone call):
each reader's utterances (up to 3) and each actor's clips, each through 16 kHz PCM, 8 kHz
PCM and 8 kHz mu-law; one class per speaker; 1.5 s speech windows as diarize takes them.
Fit: within-class scatter shrunk toward its mean variance (``shrink``), whitened, then the
leading eigenvectors of the between-class scatter.  LibriSpeech is CC BY 4.0, EmoDB CC0.

    python models/train_voice_projection.py        # writes models/voice_projection.npz
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from pathlib import Path
from typing import Optional

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "models" / "voice_projection.npz"
CACHE = ROOT / "benchmarks" / "out" / "voice_projection_train.pkl"
DIMS = 32
SHRINK = 0.3


def training_embeddings(half: str = "tune") -> dict[str, np.ndarray]:
    """GE2E window embeddings per speaker of ``half``: {speaker: float32 (n, 256)} (cached)."""
    if CACHE.is_file():
        return pickle.loads(CACHE.read_bytes())
    import random

    from analyzer.audio import load_audio
    from analyzer.speakers import SpeakerEncoder, speech_windows
    from analyzer.vad import load_silero_session
    from benchmarks.diarize_sets import SHARED, channel
    from benchmarks.voice_count_sets import KINDS, _emodb_half, _libri_half

    vad, enc, rng = load_silero_session(), SpeakerEncoder(), random.Random(5)
    clips: dict[str, list[np.ndarray]] = {}
    for spk in sorted((SHARED / "speech" / "librispeech").iterdir()):
        if spk.is_dir() and _libri_half(spk.name) == half:
            files = sorted(spk.glob("*.flac"))
            clips[f"libri{spk.name}"] = [load_audio(f).samples for f in rng.sample(files, min(3, len(files)))]
    for f in sorted((SHARED / "emotion" / "emodb").glob("*.flac")):
        if _emodb_half(f.name[:2]) == half:
            clips.setdefault(f"emodb{f.name[:2]}", []).append(load_audio(f).samples)
    out = {}
    for spk, cs in clips.items():
        emb = [speech_windows(channel(c, kind), vad, enc).embeddings for c in cs for kind in KINDS]
        out[spk] = np.concatenate(emb).astype(np.float32)
        print(spk, len(out[spk]), flush=True)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_bytes(pickle.dumps(out))
    return out


def fit_projection(per_speaker: dict[str, np.ndarray], dims: int = DIMS, shrink: float = SHRINK, within_weight: Optional[dict] = None) -> tuple[np.ndarray, np.ndarray]:
    """(mean float32 (256,), projection float32 (256, dims)) of a regularised LDA;
    within_weight: {speaker-name prefix: weight} of that class's within-speaker scatter."""
    per_speaker = {k: v for k, v in per_speaker.items() if len(v) >= 2}
    x = np.concatenate(list(per_speaker.values())).astype(np.float64)
    mean = x.mean(0)
    d = x.shape[1]
    within, between = np.zeros((d, d)), np.zeros((d, d))
    for name, emb in per_speaker.items():
        m = emb.mean(0)
        weight = next((w for prefix, w in (within_weight or {}).items() if name.startswith(prefix)), 1.0)
        within += weight * (emb - m).T @ (emb - m)
        between += len(emb) * np.outer(m - mean, m - mean)
    within, between = within / len(x), between / len(x)
    within = (1 - shrink) * within + shrink * np.trace(within) / d * np.eye(d)
    vals, vecs = np.linalg.eigh(within)
    whiten = vecs / np.sqrt(vals)
    bvals, bvecs = np.linalg.eigh(whiten.T @ between @ whiten)
    projection = whiten @ bvecs[:, ::-1][:, :dims]
    return mean.astype(np.float32), projection.astype(np.float32)


def main() -> int:
    per_speaker = training_embeddings()
    mean, projection = fit_projection(per_speaker)
    np.savez(OUT, mean=mean, projection=projection)
    print(f"{len(per_speaker)} speakers, {sum(len(v) for v in per_speaker.values())} windows -> {OUT.name} sha256 {hashlib.sha256(OUT.read_bytes()).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
