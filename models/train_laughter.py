"""Train the project's laughter detector: ``models/laughter.onnx`` + ``models/laughter.json``.

    python models/train_laughter.py --data ../shared/data           # CV report + final model
    python models/train_laughter.py --data ../shared/data --no-cv   # final model only

Data (all from ``--data``, never copied into the project):
  positives  nonverbal/laughing (16 phone-recorded laughs, CC BY-NC-ND 4.0)
  negatives  the 15 other nonverbal kinds (CC BY-NC-ND 4.0), speech/librispeech (CC BY 4.0),
             conversation/ami (CC BY 4.0) and telephone_sample, emotion/emodb (CC0; all
             emotions, happiness included: it is speech, not laughter)
Augmentation (seeded per clip): speed/pitch perturbation (0.85-1.2), laughs mixed over
speech (laugh-to-speech -5..+10 dB) and placed between speech, white/pink/brown/babble
noise (0-30 dB SNR), telephone band 300-3400 Hz + 8 kHz mu-law round trip, level
-40..-3 dBFS peak.  Every augmented example only mixes clips of the same
cross-validation fold, so per-fold models never see held-out speakers.

Features come from ``analyzer.encoder_features.EncoderFeatures`` (the runtime's own code: Whisper
tiny.en encoder states on 4 s chunks, mean and spread per 1 s window); the classifier is
a scikit-learn logistic regression (standardisation inside) exported with skl2onnx.
Every speech window (original + SPEECH_AUG augmented copies) is a training negative.
Cross-validation is grouped by speaker (the first field of a nonverbal file name, the
LibriSpeech speaker folder, the EmoDB speaker); out-of-fold clips are scored through the
real runtime (``LaughterDetector`` + segment logic) at 16 kHz and at 8 kHz telephone
quality, and the threshold is chosen on those out-of-fold results.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analyzer.audio import frame_levels_db  # noqa: E402
from analyzer.encoder_features import DEFAULT_FEATURES, SR, EncoderFeatures  # noqa: E402
from analyzer.laughter import DEFAULT_POST, LaughterDetector  # noqa: E402

SEED = 20240611
N_FOLDS = 4
LAUGH_AUG = 40  # augmented copies per laugh clip (plus the original)
NEG_AUG = 3  # per nonverbal distractor clip
SPEECH_AUG = 2  # per speech clip
LR_C = 0.1  # inverse L2 strength of the logistic regression (768 standardised inputs)
# shares of the total negative weight (positives weigh as much as all negatives together)
NEG_SHARES = {"distractor": 0.4, "read": 0.35, "other_speech": 0.25}
THRESHOLDS = [round(x, 2) for x in np.arange(0.3, 0.81, 0.05)]

SPEECH_KINDS = ("speech", "meeting", "telephone", "emodb")


@dataclass
class Clip:
    path: str
    kind: str  # laughing, coughing, ..., speech, meeting, telephone, emodb
    group: str  # speaker (or recording) id for grouped CV
    label: int
    audio: Optional[np.ndarray] = None
    fold: int = -1


# ----------------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------------


def _load(path: Path) -> np.ndarray:
    import soundfile as sf
    import soxr

    x, sr = sf.read(str(path), dtype="float32", always_2d=True)
    x = x.mean(axis=1)
    if sr != SR:
        x = soxr.resample(x, sr, SR).astype(np.float32)
    return x


def list_clips(data: Path) -> list[Clip]:
    clips: list[Clip] = []
    for d in sorted((data / "nonverbal").iterdir()):
        if not d.is_dir():
            continue
        for f in sorted(d.glob("*.flac")):
            clips.append(Clip(str(f), d.name, "nv_" + f.name.split("_")[0], int(d.name == "laughing")))
    for f in sorted((data / "speech" / "librispeech").glob("*/*.flac")):
        clips.append(Clip(str(f), "speech", "ls_" + f.parent.name, 0))
    for f in sorted((data / "conversation" / "ami").glob("*.flac")):
        clips.append(Clip(str(f), "meeting", "ami_" + f.stem, 0))
    for f in sorted((data / "conversation" / "telephone_sample").glob("*.flac")):
        clips.append(Clip(str(f), "telephone", "tel_" + f.stem, 0))
    for f in sorted((data / "emotion" / "emodb").glob("*.flac")):
        clips.append(Clip(str(f), "emodb", "emo_" + f.name[:2], 0))
    return clips


def load_clips(data: Path) -> list[Clip]:
    clips = list_clips(data)
    for c in clips:
        c.audio = _load(Path(c.path))
    return clips


def assign_folds(clips: list[Clip], k: int = N_FOLDS, seed: int = SEED) -> None:
    """Grouped folds: laugh speakers spread evenly first, then every other group."""
    rng = np.random.default_rng(seed)
    fold_of: dict[str, int] = {}
    laugh_groups = sorted({c.group for c in clips if c.label == 1})
    rng.shuffle(laugh_groups)
    for i, g in enumerate(laugh_groups):
        fold_of[g] = i % k
    # other groups: per kind, round robin (keeps each kind spread over folds)
    kinds = sorted({c.kind for c in clips})
    counter = 0
    for kind in kinds:
        groups = sorted({c.group for c in clips if c.kind == kind and c.group not in fold_of})
        rng.shuffle(groups)
        for g in groups:
            fold_of[g] = counter % k
            counter += 1
    for c in clips:
        c.fold = fold_of[c.group]


# ----------------------------------------------------------------------------------
# audio transforms
# ----------------------------------------------------------------------------------


def mulaw_roundtrip(x: np.ndarray, mu: float = 255.0) -> np.ndarray:
    x = np.clip(x, -1.0, 1.0)
    y = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
    q = np.round((y + 1.0) / 2.0 * mu)  # 8-bit code
    y = q / mu * 2.0 - 1.0
    return (np.sign(y) * ((1.0 + mu) ** np.abs(y) - 1.0) / mu).astype(np.float32)


def telephone(x: np.ndarray, mulaw: bool = True, band: bool = True) -> np.ndarray:
    """300-3400 Hz band, 16 kHz -> 8 kHz (-> mu-law round trip) -> 16 kHz."""
    import soxr
    from scipy.signal import butter, sosfilt

    y = x.astype(np.float64)
    if band:
        sos = butter(4, [300.0, 3400.0], btype="bandpass", fs=SR, output="sos")
        y = sosfilt(sos, y)
    y8 = soxr.resample(y, SR, 8000)
    if mulaw:
        y8 = mulaw_roundtrip(y8)
    return soxr.resample(np.asarray(y8, dtype=np.float64), 8000, SR)[: len(x)].astype(np.float32)


def speed(x: np.ndarray, factor: float) -> np.ndarray:
    import soxr

    return soxr.resample(x.astype(np.float64), SR, SR / factor).astype(np.float32)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2) + 1e-12))


def _active_rms(x: np.ndarray) -> float:
    """RMS over the loudest half of 20 ms blocks (level of the sound, not its pauses)."""
    n = len(x) // 320
    if n < 2:
        return _rms(x)
    e = (x[: n * 320].astype(np.float64).reshape(n, 320) ** 2).mean(axis=1)
    e = np.sort(e)[n // 2 :]
    return float(np.sqrt(e.mean() + 1e-12))


def coloured_noise(n: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    w = rng.standard_normal(n)
    if kind == "white":
        return w.astype(np.float32)
    W = np.fft.rfft(w)
    f = np.arange(len(W)) + 1.0
    W = W / (np.sqrt(f) if kind == "pink" else f)
    y = np.fft.irfft(W, n=n)
    return (y / (np.std(y) + 1e-9)).astype(np.float32)


def add_noise(x: np.ndarray, snr_db: float, rng: np.random.Generator, pool: list[np.ndarray]) -> np.ndarray:
    kind = rng.choice(["white", "pink", "brown", "babble"], p=[0.2, 0.35, 0.15, 0.3])
    if kind == "babble" and pool:
        nz = np.zeros(len(x), dtype=np.float32)
        for _ in range(3):
            s = pool[rng.integers(len(pool))]
            s = np.tile(s, int(np.ceil(len(x) / max(1, len(s)))) + 1)
            o = rng.integers(0, max(1, len(s) - len(x)))
            seg = s[o : o + len(x)]
            nz += seg / (_rms(seg) + 1e-9)
    else:
        nz = coloured_noise(len(x), "white" if kind == "babble" else str(kind), rng)
    nz = nz / (_rms(nz) + 1e-9) * _active_rms(x) / (10 ** (snr_db / 20.0))
    return (x + nz).astype(np.float32)


def set_peak(x: np.ndarray, dbfs: float) -> np.ndarray:
    pk = float(np.max(np.abs(x))) + 1e-9
    return (x / pk * 10 ** (dbfs / 20.0)).astype(np.float32)


FRAME = SR // 100  # 10 ms activity frames


def frame_activity(x: np.ndarray, below_max_db: float = 25.0) -> np.ndarray:
    """Per 10 ms frame: 1 where the (clean) sound is within 25 dB of its loudest frame,
    with pauses under 0.4 s between such frames filled in."""
    lev = frame_levels_db(x, FRAME)
    if len(lev) == 0:
        return np.zeros(0, dtype=np.float32)
    act = lev > lev.max() - below_max_db
    # close gaps shorter than 0.4 s: the pauses between the bursts of a laugh belong to it
    idx = np.flatnonzero(act)
    for a, b in zip(idx[:-1], idx[1:]):
        if 1 < b - a <= 40:
            act[a:b] = True
    return act.astype(np.float32)


def augment(
    x: np.ndarray,
    is_laugh: bool,
    rng: np.random.Generator,
    speech_pool: list[np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """One augmented example and its per-sample laugh mask (float 0/1)."""
    y = x.copy()
    if rng.random() < 0.7:
        y = speed(y, float(rng.uniform(0.85, 1.2)))
    mask = np.ones(len(y), dtype=np.float32) if is_laugh else np.zeros(len(y), dtype=np.float32)
    if is_laugh:
        mask = activity_mask(y)  # sample-level activity of the clean (possibly sped-up) laugh
    mix = rng.random()
    if speech_pool and mix < (0.55 if is_laugh else 0.3):
        s = speech_pool[rng.integers(len(speech_pool))]
        s = s / (_active_rms(s) + 1e-9) * _active_rms(y)
        if rng.random() < 0.5:
            # sound over speech: speech continues underneath (laugh-to-speech -5..+10 dB)
            rel = 10 ** (-float(rng.uniform(-5.0, 10.0)) / 20.0)
            pre = int(rng.uniform(0.3, 2.0) * SR)
            post = int(rng.uniform(0.3, 2.0) * SR)
            total = pre + len(y) + post
            bed = np.tile(s, int(np.ceil(total / max(1, len(s)))) + 1)[:total] * rel
            out = bed.astype(np.float32)
            out[pre : pre + len(y)] += y
            m = np.zeros(total, dtype=np.float32)
            m[pre : pre + len(y)] = mask
        else:
            # sound between two stretches of speech
            rel = 10 ** (-float(rng.uniform(-6.0, 6.0)) / 20.0)
            a = int(rng.uniform(0.5, 2.5) * SR)
            b = int(rng.uniform(0.5, 2.5) * SR)
            o1 = rng.integers(0, max(1, len(s) - a))
            s1 = s[o1 : o1 + a] * rel
            s2 = s[-b:] * rel
            gap1 = np.zeros(int(rng.uniform(0.0, 0.3) * SR), dtype=np.float32)
            gap2 = np.zeros(int(rng.uniform(0.0, 0.3) * SR), dtype=np.float32)
            out = np.concatenate([s1, gap1, y, gap2, s2]).astype(np.float32)
            m = np.concatenate([np.zeros(len(s1) + len(gap1)), mask, np.zeros(len(gap2) + len(s2))]).astype(np.float32)
        y, mask = out, m
    if rng.random() < 0.6:
        y = add_noise(y, float(rng.uniform(0.0, 30.0)), rng, speech_pool)
    r = rng.random()
    if r < 0.45:
        y = telephone(y, mulaw=True)
    elif r < 0.55:
        y = telephone(y, mulaw=False, band=bool(rng.random() < 0.5))
    y = set_peak(y, float(rng.uniform(-40.0, -3.0)))
    return y, mask


# ----------------------------------------------------------------------------------
# windows
# ----------------------------------------------------------------------------------


def activity_mask(x: np.ndarray) -> np.ndarray:
    """Per sample: 1 inside ``frame_activity``'s active frames.  float32 (len(x),)."""
    act = frame_activity(x)
    return np.repeat(act, FRAME)[: len(x)].astype(np.float32)


def window_labels(mask: np.ndarray, fx: EncoderFeatures, n_windows: int) -> np.ndarray:
    """Fraction of each window's span covered by laugh activity."""
    span = fx.window_samples
    starts = np.arange(n_windows) * fx.wh * fx.state_hop
    c = np.concatenate([[0.0], np.cumsum(mask, dtype=np.float64)])
    ends = np.minimum(starts + span, len(mask))
    return (c[ends] - c[np.minimum(starts, len(mask))]) / span


def clip_windows(x: np.ndarray, mask: np.ndarray, fx: EncoderFeatures, gate: float):
    feats, lev = fx.stream_windows(x)
    n = max(len(x), fx.window_samples)
    if len(mask) < n:
        mask = np.concatenate([mask, np.zeros(n - len(mask), dtype=np.float32)])
    lab = window_labels(mask, fx, len(feats))
    keep = lev >= gate
    return feats[keep], lab[keep]


_POOLS: dict = {}


def _init_pools(pools: dict) -> None:
    global _POOLS
    _POOLS = pools


_FX: dict = {}  # one EncoderFeatures per process and parameter set


def _features(feat_params: dict) -> EncoderFeatures:
    key = json.dumps(feat_params, sort_keys=True)
    if key not in _FX:
        _FX[key] = EncoderFeatures(feat_params)
    return _FX[key]


def _examples_for_clip(args):
    ci, clip_audio, label, seed, pool_key, n_aug, feat_params, gate = args
    fx = _features(feat_params)
    rng = np.random.default_rng([seed, ci])
    # mixing partners: speech of the same fold, excluding this very clip
    pool = [a for (j, a) in _POOLS.get(pool_key, []) if j != ci]
    out_X, out_lab, out_aug = [], [], []
    base_mask = np.zeros(len(clip_audio), dtype=np.float32)
    if label:
        base_mask = activity_mask(clip_audio)
    X, lab = clip_windows(clip_audio, base_mask, fx, gate)
    out_X.append(X), out_lab.append(lab), out_aug.append(np.zeros(len(X), dtype=np.int8))
    for _ in range(n_aug):
        y, m = augment(clip_audio, bool(label), rng, pool)
        X, lab = clip_windows(y, m, fx, gate)
        out_X.append(X), out_lab.append(lab), out_aug.append(np.ones(len(X), dtype=np.int8))
    return ci, np.concatenate(out_X), np.concatenate(out_lab), np.concatenate(out_aug)


def build_dataset(clips: list[Clip], seed: int = SEED, feat_params: Optional[dict] = None, workers: int = 2):
    """Window features of every clip and its augmented copies.

    Returns X (n, F), frac (n,) laugh coverage, clip index (n,), augmented flag (n,)."""
    feat_params = dict(DEFAULT_FEATURES, **(feat_params or {}))
    gate = float(DEFAULT_POST["gate_dbfs"])
    pools: dict[int, list] = {}
    for ci, c in enumerate(clips):
        if c.kind in SPEECH_KINDS:
            pools.setdefault(c.fold, []).append((ci, c.audio))
    jobs = []
    for ci, c in enumerate(clips):
        if c.label == 1:
            n_aug = LAUGH_AUG
        elif c.kind in SPEECH_KINDS:
            n_aug = SPEECH_AUG if c.kind != "meeting" else 2
        else:
            n_aug = NEG_AUG
        jobs.append((ci, c.audio, c.label, seed, c.fold, n_aug, feat_params, gate))
    # laughs first (largest jobs) so the workers stay balanced
    jobs.sort(key=lambda j: -j[5] * len(j[1]))
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, initializer=_init_pools, initargs=(pools,)) as ex:
            results = list(ex.map(_examples_for_clip, jobs, chunksize=2))
    else:
        _init_pools(pools)
        results = [_examples_for_clip(j) for j in jobs]
    results.sort(key=lambda r: r[0])
    X = np.concatenate([r[1] for r in results])
    frac = np.concatenate([r[2] for r in results])
    cidx = np.concatenate([np.full(len(r[1]), r[0], dtype=np.int32) for r in results])
    aug = np.concatenate([r[3] for r in results])
    return X, frac, cidx, aug


def training_set(clips: list[Clip], X, frac, cidx, folds_in: set[int]):
    """Rows of the given folds with labels and balancing weights.

    Laugh windows: positive when >= 40 % of the window is laughter, negative when none of
    it is (the speech/silence around a laugh), else left out.  Weights: positives and
    negatives weigh the same in total; negatives split 40 % nonverbal distractors,
    35 % read speech, 25 % meetings/telephone/EmoDB."""
    kinds = np.array([clips[i].kind for i in range(len(clips))])
    fold = np.array([c.fold for c in clips])
    keep = np.isin(fold[cidx], list(folds_in))
    k = kinds[cidx]
    y = (frac >= 0.4).astype(np.int64)
    ambiguous = (frac > 0.02) & (frac < 0.4)
    keep &= ~ambiguous
    # every speech window is kept (original + SPEECH_AUG augmented copies): read speech is
    # the main source of false alarms, so it gets as many hard negatives as we have
    Xk, yk, kk = X[keep], y[keep], k[keep]
    w = np.zeros(len(yk), dtype=np.float64)
    pos = yk == 1
    w[pos] = 1.0 / max(1, pos.sum())
    groups = {
        "distractor": (~pos) & ~np.isin(kk, SPEECH_KINDS),
        "read": (~pos) & (kk == "speech"),
        "other_speech": (~pos) & np.isin(kk, ("meeting", "telephone", "emodb")),
    }
    shares = NEG_SHARES
    for name, m in groups.items():
        if m.sum():
            w[m] = shares[name] / m.sum()
    w *= len(w) / w.sum()
    return Xk, yk, w


def fit(X, y, w, seed: int = SEED):
    """StandardScaler + logistic regression (L2, C = LR_C), weighted as ``training_set``."""
    import warnings

    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    clf = make_pipeline(StandardScaler(), LogisticRegression(C=LR_C, max_iter=500, random_state=seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lbfgs may stop at max_iter on the largest folds
        clf.fit(X, y, logisticregression__sample_weight=w)
    return clf


def export(model, n_features: int, onnx_path: Path, meta: dict) -> None:
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    onx = convert_sklearn(
        model,
        initial_types=[("features", FloatTensorType([None, n_features]))],
        options={id(model): {"zipmap": False}},
        target_opset=17,
    )
    onnx_path.write_bytes(onx.SerializeToString())
    onnx_path.with_suffix(".json").write_text(json.dumps(meta, indent=2))


# ----------------------------------------------------------------------------------
# evaluation through the runtime
# ----------------------------------------------------------------------------------


def eval_conditions(x: np.ndarray) -> dict[str, np.ndarray]:
    return {"16k": x, "8k_mulaw": telephone(x, mulaw=True)}


def clip_tracks(det: LaughterDetector, x: np.ndarray) -> np.ndarray:
    _, p = det.frame_probabilities(x)
    return p


def segments_from_probs(p: np.ndarray, det: LaughterDetector, threshold: float):
    """Segments from a raw probability track with the runtime's segment logic."""
    from analyzer.laughter import _SegmentState

    post = dict(det.post, threshold=threshold)
    st = _SegmentState(post, det.fx.window_hop_s)
    t = det.fx.window_center_s(np.arange(len(p)))
    segs = []
    for ti, pi in zip(t, p):
        segs += st.push(float(ti), float(pi), 0.0)
    segs += st.flush(0.0)
    return segs


def summarise(clips: list[Clip], tracks: dict, det: LaughterDetector, threshold: float) -> dict:
    """Clip-level metrics per condition from out-of-fold probability tracks."""
    res = {}
    for cond in ("16k", "8k_mulaw"):
        per_kind: dict[str, list[int]] = {}
        speech_s, speech_segs = 0.0, 0
        for ci, c in enumerate(clips):
            p = tracks[cond][ci]
            segs = segments_from_probs(p, det, threshold)
            per_kind.setdefault(c.kind, []).append(int(len(segs) > 0))
            if c.kind == "speech":
                speech_s += len(c.audio) / SR
                speech_segs += len(segs)
        dis = [v for k, vs in per_kind.items() if k not in ("laughing",) + SPEECH_KINDS for v in vs]
        res[cond] = {
            "laugh_recall": float(np.mean(per_kind["laughing"])),
            "distractor_fpr": float(np.mean(dis)),
            "fpr_by_kind": {k: float(np.mean(v)) for k, v in sorted(per_kind.items()) if k != "laughing"},
            "read_speech_false_segments_per_min": speech_segs / (speech_s / 60.0),
            "read_speech_minutes": speech_s / 60.0,
            "read_speech_false_segments": speech_segs,
        }
    return res


def cross_validate(clips, X, frac, cidx, seed: int = SEED, workdir: Optional[Path] = None, log=print, score: bool = True,
                   feat_params: Optional[dict] = None):
    """Per-fold models; out-of-fold raw probability tracks for every clip and condition.

    Returns (tracks {cond: [np.ndarray per clip]}, fold_model_paths)."""
    folds = sorted({c.fold for c in clips})
    workdir = Path(workdir or tempfile.mkdtemp(prefix="laughcv_"))
    conds = {ci: None for ci in range(len(clips))}
    tracks = {"16k": [None] * len(clips), "8k_mulaw": [None] * len(clips)}
    paths = {}
    for f in folds:
        t0 = time.time()
        Xt, yt, wt = training_set(clips, X, frac, cidx, set(folds) - {f})
        model = fit(Xt, yt, wt, seed)
        path = workdir / f"laughter_fold{f}.onnx"
        export(model, X.shape[1], path, {"features": dict(DEFAULT_FEATURES, **(feat_params or {})), "postprocess": DEFAULT_POST})
        paths[f] = path
        det = LaughterDetector(path)
        for ci, c in enumerate(clips):
            if c.fold != f or not score:
                continue
            if conds[ci] is None:
                conds[ci] = eval_conditions(c.audio)
            for cond, xa in conds[ci].items():
                tracks[cond][ci] = clip_tracks(det, xa)
            conds[ci] = None
        log(f"fold {f}: {len(yt)} windows ({int(yt.sum())} laugh), {time.time() - t0:.1f} s")
    return tracks, paths


def choose_threshold(clips, tracks, det) -> tuple[float, dict]:
    """Highest out-of-fold laugh recall (worse of the two conditions), then fewest false
    alarms (distractor rate + read-speech segments/min); ties -> middle of the range."""
    table = {}
    for thr in THRESHOLDS:
        table[thr] = summarise(clips, tracks, det, thr)
    def cost(thr):
        r = table[thr]
        rec = min(r[c]["laugh_recall"] for c in r)
        fp = sum(r[c]["distractor_fpr"] for c in r) + sum(r[c]["read_speech_false_segments_per_min"] for c in r)
        return (-round(rec, 4), round(fp, 4))
    best = min(cost(t) for t in THRESHOLDS)
    cands = [t for t in THRESHOLDS if cost(t) == best]
    thr = cands[len(cands) // 2]
    return thr, table


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(HERE / "laughter.onnx"))
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--no-cv", action="store_true", help="skip cross-validation (keeps the default threshold)")
    ap.add_argument("--threshold", type=float, default=None, help="decision threshold (default: analyzer.laughter.DEFAULT_POST)")
    ap.add_argument("--tune-threshold", action="store_true", help="adopt the threshold picked on the out-of-fold grid")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", default=None, help="npz file to keep/reuse the window features (development)")
    ap.add_argument("--chunk-s", type=float, default=None, help=f"encoder chunk length in s (default {DEFAULT_FEATURES['chunk_s']})")
    args = ap.parse_args(argv)
    feat_params = {} if args.chunk_s is None else {"chunk_s": args.chunk_s}
    data = Path(args.data)
    if not (data / "nonverbal" / "laughing").is_dir():
        print(f"no training data at {data} (needs nonverbal/laughing etc.)", file=sys.stderr)
        return 2
    t_start = time.time()
    clips = load_clips(data)
    assign_folds(clips, N_FOLDS, args.seed)
    print(f"{len(clips)} clips loaded ({sum(c.label for c in clips)} laughs), {time.time() - t_start:.1f} s")
    if args.cache and Path(args.cache).exists():
        z = np.load(args.cache)
        X, frac, cidx, aug = z["X"], z["frac"], z["cidx"], z["aug"]
    else:
        X, frac, cidx, aug = build_dataset(clips, args.seed, feat_params, workers=args.workers)
        if args.cache:
            np.savez(args.cache, X=X, frac=frac, cidx=cidx, aug=aug)
    print(f"{len(X)} windows x {X.shape[1]} features, {time.time() - t_start:.1f} s")
    threshold = args.threshold if args.threshold is not None else float(DEFAULT_POST["threshold"])
    cv = None
    if not args.no_cv:
        tracks, fold_paths = cross_validate(clips, X, frac, cidx, args.seed, feat_params=feat_params)
        det = LaughterDetector(next(iter(fold_paths.values())))
        thr, table = choose_threshold(clips, tracks, det)
        print(f"out-of-fold pick over the grid: threshold {thr}")
        if args.tune_threshold and args.threshold is None:
            threshold = thr
        cv = {"folds": N_FOLDS, "grouping": "speaker", "threshold_grid": {str(k): v for k, v in table.items()}, "at_threshold": table.get(threshold) or summarise(clips, tracks, det, threshold)}
        for cond, r in cv["at_threshold"].items():
            print(f"CV {cond} thr={threshold}: recall {r['laugh_recall']:.3f}  distractor FPR {r['distractor_fpr']:.3f}  "
                  f"read-speech false seg/min {r['read_speech_false_segments_per_min']:.3f}")
            print("   ", {k: round(v, 2) for k, v in r["fpr_by_kind"].items()})
    Xt, yt, wt = training_set(clips, X, frac, cidx, set(range(N_FOLDS)))
    model = fit(Xt, yt, wt, args.seed)
    kinds = sorted({c.kind for c in clips})
    meta = {
        "model": "laughter detector: Whisper tiny.en encoder states (mean, spread per 1 s window) -> StandardScaler + logistic regression, scikit-learn -> ONNX (skl2onnx)",
        "input": "features (batch, %d) float32 from analyzer.encoder_features.EncoderFeatures; output probabilities (batch, 2)" % X.shape[1],
        "features": dict(DEFAULT_FEATURES, **feat_params),
        "postprocess": dict(DEFAULT_POST, threshold=threshold),
        "training": {
            "seed": args.seed,
            "clips": {k: sum(1 for c in clips if c.kind == k) for k in kinds},
            "windows": int(len(yt)),
            "laugh_windows": int(yt.sum()),
            "augmentation": {"laugh_copies": LAUGH_AUG, "distractor_copies": NEG_AUG, "speech_copies": SPEECH_AUG},
            "classifier": {"logistic_regression_C": LR_C},
            "negative_weight_shares": NEG_SHARES,
            "train_seconds": round(time.time() - t_start, 1),
            "data_licences": {
                "nonverbal (Deeply Inc. Nonverbal Vocalization Dataset)": "CC BY-NC-ND 4.0 (non-commercial)",
                "librispeech": "CC BY 4.0",
                "ami": "CC BY 4.0",
                "telephone_sample": "MIT repo, origin not stated",
                "emodb": "CC0 1.0",
            },
        },
        "cv": cv,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    export(model, X.shape[1], out, meta)
    print(f"wrote {out} ({out.stat().st_size} bytes) and {out.with_suffix('.json').name}, threshold {threshold}, "
          f"total {time.time() - t_start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
