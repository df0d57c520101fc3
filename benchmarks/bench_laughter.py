"""Side-by-side laughter benchmark: our detector vs the Gillick et al. 2021 peer.

    python benchmarks/bench_laughter.py [--data ../shared/data] [--anchor-stride 8]

Both detectors run on the same clips in one run, at 16 kHz and at 8 kHz telephone quality
(300-3400 Hz band, 8 kHz, mu-law round trip, back to 16 kHz).  Ours is evaluated only on
clips it did not train on: the training code (``models/train_laughter.py``) is rerun here
per speaker-grouped fold (4 folds), and every clip is scored by the model of the fold
that held it out, through the real runtime (``LaughterDetector.segments``), with the
threshold of the shipped ``models/laughter.json``.  The peer was trained on Switchboard
and never saw these clips.

A clip "fires" when the detector returns at least one laughter segment.  Reported, per
detector and condition: clip-level recall on laughs, false-positive rate per kind of
distractor sound (and all distractors together), false segments per minute of plain read
speech (LibriSpeech), firing rate on meeting/telephone/EmoDB speech, and compute seconds
per audio second on one core.

The peer is run by its published recipe (see ../shared/anchors/README.md); to keep the run
short it scores every ``--anchor-stride``-th window (default 8, i.e. every 0.19 s, well
inside its 1.27 s window) and scales the Butterworth cut-off so the smoothing keeps the same
0.2 Hz cut-off in Hz; ``--anchor-stride 1`` is the exact recipe.

Writes ``benchmarks/results/laughter.json``; skips with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "models"))

ANCHOR = SHARED / "anchors" / "laughter_gillick2021_switchboard.onnx"
CONDS = ("16k", "8k_mulaw")

from analyzer.bench.peers import GillickAnchor  # noqa: E402  (the peer runs from one place)


def metrics(clips, fired, nsegs, secs, cpu):
    from train_laughter import SPEECH_KINDS

    out = {}
    for cond in CONDS:
        kinds: dict[str, list[int]] = {}
        read_s = read_segs = 0.0
        for ci, c in enumerate(clips):
            kinds.setdefault(c.kind, []).append(fired[cond][ci])
            if c.kind == "speech":
                read_s += secs[ci]
                read_segs += nsegs[cond][ci]
        distract = [v for k, vs in kinds.items() if k != "laughing" and k not in SPEECH_KINDS for v in vs]
        out[cond] = {
            "laugh_recall": float(np.mean(kinds["laughing"])),
            "laugh_clips": len(kinds["laughing"]),
            "distractor_fpr": float(np.mean(distract)),
            "distractor_clips": len(distract),
            "fpr_by_kind": {k: round(float(np.mean(v)), 4) for k, v in sorted(kinds.items())
                            if k != "laughing" and k not in SPEECH_KINDS},
            "speech_fire_rate": {k: round(float(np.mean(kinds[k])), 4) for k in SPEECH_KINDS if k in kinds},
            "read_speech_false_segments": int(read_segs),
            "read_speech_minutes": round(read_s / 60.0, 2),
            "read_speech_false_segments_per_min": read_segs / (read_s / 60.0),
            "compute_s_per_audio_s": cpu[cond] / sum(secs),
        }
    return out


def print_table(res: dict) -> str:
    lines = []
    names = {"ours": "ours (CV, held-out speakers)", "peer": "Gillick et al. 2021 (peer)"}
    hdr = f"| metric | " + " | ".join(f"{names[d]} {c}" for c in CONDS for d in ("ours", "peer")) + " |"
    lines.append(hdr)
    lines.append("|" + "---|" * (1 + 2 * len(CONDS)))

    def row(label, fn):
        cells = [fn(res[d][c]) for c in CONDS for d in ("ours", "peer")]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("laugh recall (clips)", lambda r: f"{r['laugh_recall']*100:.1f} % ({round(r['laugh_recall']*r['laugh_clips'])}/{r['laugh_clips']})")
    row("distractor clips fired (all)", lambda r: f"{r['distractor_fpr']*100:.1f} %")
    kinds = list(res["ours"][CONDS[0]]["fpr_by_kind"].keys())
    for k in kinds:
        row(f"  {k}", lambda r, k=k: f"{r['fpr_by_kind'][k]*100:.0f} %")
    row("false segments / min read speech", lambda r: f"{r['read_speech_false_segments_per_min']:.3f} ({r['read_speech_false_segments']} in {r['read_speech_minutes']:.0f} min)")
    for k in ("meeting", "telephone", "emodb"):
        row(f"{k} clips fired", lambda r, k=k: f"{r['speech_fire_rate'].get(k, float('nan'))*100:.0f} %")
    row("compute s / audio s (1 core)", lambda r: f"{r['compute_s_per_audio_s']:.4f}")
    text = "\n".join(lines)
    print(text)
    return text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(SHARED / "data"))
    ap.add_argument("--anchor-stride", type=int, default=8)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "laughter.json"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", default=None, help="npz of window features written by train_laughter.py --cache")
    args = ap.parse_args(argv)
    data = Path(args.data)
    if not (data / "nonverbal" / "laughing").is_dir() or not ANCHOR.exists():
        print(f"SKIP: shared data or anchor model not found under {SHARED} "
              "(this benchmark needs ../shared/data and ../shared/anchors)")
        return 0

    import train_laughter as T
    from analyzer.laughter import LaughterDetector

    shipped = json.loads((ROOT / "models" / "laughter.json").read_text())
    threshold = float(shipped["postprocess"]["threshold"])
    t0 = time.time()
    clips = T.load_clips(data)
    T.assign_folds(clips, T.N_FOLDS, T.SEED)
    if args.cache and Path(args.cache).exists():
        z = np.load(args.cache)
        X, frac, cidx = z["X"], z["frac"], z["cidx"]
    else:
        X, frac, cidx, _aug = T.build_dataset(clips, T.SEED, workers=args.workers)
    print(f"features for {len(clips)} clips and augmented copies: {time.time() - t0:.0f} s", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="laughbench_"))
    _tracks, fold_paths = T.cross_validate(clips, X, frac, cidx, T.SEED, workdir=workdir, score=False)
    print(f"per-fold models trained: {time.time() - t0:.0f} s", flush=True)
    del X

    dets = {f: LaughterDetector(p, threshold=threshold) for f, p in fold_paths.items()}
    anchor = GillickAnchor(ANCHOR, args.anchor_stride)
    secs = [len(c.audio) / T.SR for c in clips]
    fired = {d: {c: [0] * len(clips) for c in CONDS} for d in ("ours", "peer")}
    nsegs = {d: {c: [0] * len(clips) for c in CONDS} for d in ("ours", "peer")}
    cpu = {d: {c: 0.0 for c in CONDS} for d in ("ours", "peer")}
    for ci, clip in enumerate(clips):
        variants = T.eval_conditions(clip.audio)
        for cond in CONDS:
            x = variants[cond]
            t = time.process_time()
            segs = dets[clip.fold].segments(x)
            cpu["ours"][cond] += time.process_time() - t
            fired["ours"][cond][ci] = int(len(segs) > 0)
            nsegs["ours"][cond][ci] = len(segs)
            t = time.process_time()
            asegs = anchor.segments(x)
            cpu["peer"][cond] += time.process_time() - t
            fired["peer"][cond][ci] = int(len(asegs) > 0)
            nsegs["peer"][cond][ci] = len(asegs)
        if ci % 100 == 0:
            print(f"  scored {ci}/{len(clips)} clips, {time.time() - t0:.0f} s", flush=True)
    res = {d: metrics(clips, fired[d], nsegs[d], secs, cpu[d]) for d in ("ours", "peer")}
    table = print_table(res)
    out = {
        "description": "laughter detection, clip level; ours cross-validated by speaker (4 folds, per-fold models), "
                       "peer = Gillick et al. 2021 resnet (Switchboard) ONNX",
        "threshold": threshold,
        "anchor_stride": args.anchor_stride,
        "conditions": {"16k": "original 16 kHz", "8k_mulaw": "300-3400 Hz band, 8 kHz, mu-law round trip, back to 16 kHz"},
        "clips": len(clips),
        "audio_seconds": round(sum(secs), 1),
        "results": res,
        "table_markdown": table,
        "wall_s": round(time.time() - t0, 1),
        "note": "compute = process CPU time (single-threaded onnxruntime) / audio seconds; "
                "peer cost is at the stride used (full recipe costs about stride x more in the model part)",
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2))
    print(f"wrote {args.out} ({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
