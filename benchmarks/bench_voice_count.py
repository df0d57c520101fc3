"""One voice or two?  diarize's decision calibrated and checked on real recordings only
(``benchmarks/voice_count_sets``: LibriSpeech, EmoDB, the real telephone call and its two
parties alone; telephone channels; the agent 0 to 20 dB quieter).

Figures: ``false_split`` = share of one-voice files found to hold two; ``miss`` = share of
two-voice files kept as one; per two-voice file the attribution (bench_diarize's: agent's
speech labelled agent, other party's labelled agent) with the agent named by enrolment
(a piece of the agent not in the file) and by the first-speaker rule, in ``auto``.

Embeddings are compared in the LDA projection (``models/train_voice_projection.py``),
trained on the tuning half's speakers.  Tuning files are scored with a projection refitted
without their own speakers (4 folds of speakers), so their figures are not flattered; the
held-out files (speakers never trained or tuned on) and the telephone files are scored with
the shipped projection.  The thresholds are chosen on the tuning half (lowest balanced
error, then the middle of the tied cells), then the held-out half is scored once with them.

    python benchmarks/bench_voice_count.py [--label final]
Writes benchmarks/results/diarize.json, key ``voice_count/<label>`` (``blind_first`` is
written only once: the first scoring of the held-out half).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_diarize import attribution  # noqa: E402
from benchmarks.diarize_sets import SR  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "diarize.json"
CACHE = ROOT / "benchmarks" / "out" / "voice_count_windows_v2.pkl"
FOLDS = 4
SIM_GRID = np.round(np.arange(0.30, 0.96, 0.02), 2)
SEP_GRID = np.round(np.arange(0.0, 3.01, 0.1), 2)


def windows(files) -> dict:
    """Speech windows (VAD + GE2E) of every file, by name; cached (the files are seeded)."""
    from analyzer.speakers import SpeakerEncoder, speech_windows
    from analyzer.vad import load_silero_session

    cached = pickle.loads(CACHE.read_bytes()) if CACHE.is_file() else {}
    missing = [f for f in files if f.name not in cached]
    if missing:
        vad, enc = load_silero_session(), SpeakerEncoder()
        tic, audio_s = time.perf_counter(), 0.0
        for f in missing:
            cached[f.name] = speech_windows(f.mono, vad, enc)
            audio_s += len(f.mono) / SR
        print(f"windows of {len(missing)} files: {(time.perf_counter() - tic) / audio_s:.4f} s per audio second")
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_bytes(pickle.dumps(cached))
    return cached


def projections(files, per_speaker) -> dict:
    """Projection per file: cross-fitted (its speakers' folds left out) for tuning files,
    fitted on all tuning speakers (the shipped one) otherwise."""
    from models.train_voice_projection import fit_projection

    names = sorted(per_speaker)
    fold = {s: i % FOLDS for i, s in enumerate(names)}
    fitted: dict = {}

    def fit(leave_out: frozenset):
        if leave_out not in fitted:
            fitted[leave_out] = fit_projection({s: v for s, v in per_speaker.items() if fold[s] not in leave_out})
        return fitted[leave_out]

    out = {}
    for f in files:
        own = frozenset(fold[s] for s in f.speakers if s in fold)
        out[f.name] = fit(own) if f.half == "tune" and own else fit(frozenset())
    return out


def decide(split, sim: float, sep: float, options) -> bool:
    from analyzer.diarize import two_voices

    return two_voices(split, replace(options, max_centroid_similarity=sim, min_separation=sep))


def rates(rows, sim, sep, options) -> dict:
    one = [r for r in rows if r["voices"] == 1]
    two = [r for r in rows if r["voices"] == 2]
    false_split = sum(decide(r["split"], sim, sep, options) for r in one)
    missed = sum(not decide(r["split"], sim, sep, options) for r in two)
    return {"one_voice_files": len(one), "false_splits": false_split, "false_split_rate": round(false_split / max(len(one), 1), 3),
            "two_voice_files": len(two), "missed": missed, "miss_rate": round(missed / max(len(two), 1), 3)}


def choose(rows, options) -> tuple[float, float, float]:
    """(max_centroid_similarity, min_separation, balanced error) with the lowest balanced
    error on ``rows``; ties: the cell nearest the middle of the tied ones."""
    grid = np.zeros((len(SIM_GRID), len(SEP_GRID)))
    for i, sim in enumerate(SIM_GRID):
        for j, sep in enumerate(SEP_GRID):
            r = rates(rows, sim, sep, options)
            grid[i, j] = 0.5 * (r["false_split_rate"] + r["miss_rate"])
    best = np.argwhere(grid <= grid.min() + 1e-9)
    middle = best.mean(0)
    i, j = best[np.argmin(np.abs(best - middle).sum(1))]
    return float(SIM_GRID[i]), float(SEP_GRID[j]), float(grid.min())


def by_source(rows, sim, sep, options) -> dict:
    out = {}
    for src in sorted({r["source"] for r in rows}):
        out[src] = rates([r for r in rows if r["source"] == src], sim, sep, options)
    return out


def attributions(files, found, projs, encoder, vad, options) -> list:
    """Enrolment and first-speaker attribution of every two-voice file, in auto."""
    from analyzer.diarize import diarize_windows
    from analyzer.speakers import project

    out = []
    for f in files:
        if f.voices != 2:
            continue
        proj = lambda e, p=projs[f.name]: project(e, p)  # noqa: E731
        row = {"file": f.name, "half": f.half, "agent_db": f.agent_db, "kind": f.kind or "pcm16k"}
        row["first_speaker"] = attribution(f, diarize_windows(found[f.name], proj, options))
        if f.enrol is not None:
            row["enrolment"] = attribution(f, diarize_windows(found[f.name], proj, options, voiceprint=encoder.voiceprint(f.enrol, vad)))
        row["forced_two_best_naming_gap"] = attribution(f, diarize_windows(found[f.name], proj, replace(options, speakers="2")))["best_naming_gap"]
        out.append(row)
    return out


def attribution_summary(rows) -> dict:
    res = {}
    for half in ("tune", "heldout"):
        for mode in ("enrolment", "first_speaker"):
            vals = [r[mode] for r in rows if r["half"] == half and mode in r and (mode == "enrolment" or r[mode]["agent_speaks_first"])]
            if not vals:
                continue
            quiet = [v for r, v in zip([r for r in rows if r["half"] == half and mode in r and (mode == "enrolment" or r[mode]["agent_speaks_first"])], vals) if r["agent_db"] <= -10]
            res[f"{mode}/{half}"] = {
                "files": len(vals), "meeting_both_targets": sum(v["agent_to_agent"] >= 0.9 and v["other_to_agent"] <= 0.1 for v in vals),
                "agent_to_agent_mean": round(float(np.mean([v["agent_to_agent"] for v in vals])), 3),
                "other_to_agent_mean": round(float(np.mean([v["other_to_agent"] for v in vals])), 3),
                "agent_10_20dB_quieter": {"files": len(quiet), "meeting_both_targets": sum(v["agent_to_agent"] >= 0.9 and v["other_to_agent"] <= 0.1 for v in quiet)},
            }
    return res


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="final")
    parser.add_argument("--no-attribution", action="store_true")
    args = parser.parse_args()
    from analyzer.diarize import DiarizeOptions, split_voices
    from analyzer.speakers import SpeakerEncoder, project
    from analyzer.vad import load_silero_session
    from benchmarks.voice_count_sets import voice_files
    from models.train_voice_projection import training_embeddings

    files = voice_files()
    found = windows(files)
    projs = projections(files, training_embeddings())
    options = DiarizeOptions()
    old = DiarizeOptions(max_centroid_similarity=0.85, min_separation=1.9)  # the raw-GE2E rule this replaces
    rows, raw_rows = [], []
    for f in files:
        w = found[f.name]
        base = {"name": f.name, "voices": f.voices, "half": f.half, "source": f.source}
        rows.append(dict(base, split=split_voices(w, project(w.embeddings, projs[f.name]))))
        raw_rows.append(dict(base, split=split_voices(w, w.embeddings)))
    tune = [r for r in rows if r["half"] == "tune"]
    held = [r for r in rows if r["half"] == "heldout"]
    sim, sep, err = choose(tune, options)
    print(f"chosen on the tuning half: centroid cosine < {sim}, d' >= {sep} (balanced error {err:.3f})")
    entry = {
        "thresholds": {"max_centroid_similarity": sim, "min_separation": sep, "min_share": options.min_share, "min_other_s": options.min_other_s,
                       "chosen_on": "tune (cross-fitted projection)", "balanced_error_tune": round(err, 3)},
        "heldout": rates(held, sim, sep, options), "heldout_by_source": by_source(held, sim, sep, options),
        "tune": rates(tune, sim, sep, options), "tune_by_source": by_source(tune, sim, sep, options),
        "raw_ge2e_old_rule": {h: rates([r for r in raw_rows if r["half"] == h], old.max_centroid_similarity, old.min_separation, old) for h in ("tune", "heldout")},
        "files": [{"name": r["name"], "half": r["half"], "voices": r["voices"], "similarity": r["split"].similarity and round(r["split"].similarity, 3),
                   "separation": r["split"].separation and round(r["split"].separation, 2), "two": decide(r["split"], sim, sep, options)} for r in rows],
    }
    for r in rows:
        if r["source"] == "phone":
            print(f"{r['name']}: cosine {r['split'].similarity:.3f}, d' {r['split'].separation:.2f} -> {'two' if decide(r['split'], sim, sep, options) else 'one'}")
    print("held-out:", json.dumps(entry["heldout"]), json.dumps(entry["heldout_by_source"]))
    print("tune:", json.dumps(entry["tune"]))
    print("raw GE2E, old rule:", json.dumps(entry["raw_ge2e_old_rule"]))
    if not args.no_attribution:
        vad, enc = load_silero_session(), SpeakerEncoder()
        chosen = replace(options, max_centroid_similarity=sim, min_separation=sep)
        entry["attribution"] = attributions(files, found, projs, enc, vad, chosen)
        entry["attribution_summary"] = attribution_summary(entry["attribution"])
        print(json.dumps(entry["attribution_summary"], indent=1))
        for r in entry["attribution"]:
            if r["file"].startswith("phone"):
                print(r)
    result = json.loads(OUT.read_text()) if OUT.is_file() else {}
    key = f"voice_count/{args.label}"
    if args.label == "blind_first" and key in result:
        print(f"{key} is already recorded; not overwritten")
    else:
        result[key] = entry
        OUT.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
