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
from typing import Optional

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_diarize import attribution  # noqa: E402
from benchmarks.diarize_sets import SR  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "diarize.json"
CACHE = ROOT / "benchmarks" / "out" / "voice_count_windows_v3.pkl"
PITCH_CACHE = ROOT / "benchmarks" / "out" / "voice_count_pitch_v4.pkl"
FOLDS = 4
GRID = {  # analyzer.voicecount.VoiceCountOptions fields searched on the tuning half
    "clear_similarity": np.round(np.arange(0.30, 0.59, 0.04), 2),
    "close_similarity": (0.7, 0.75, 0.8, 0.85, 0.9),
    "min_contrast": np.round(np.arange(1.0, 3.01, 0.1), 2),
    "max_pitch_gap_st": (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0),
    "veto_below_contrast": (3.0, 3.2, 3.4, 3.6, 3.8, 4.0, 5.0, 99.0),
}


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


def projections(files, per_speaker, **fit_options) -> dict:
    """Projection per file: cross-fitted (its speakers' folds left out) for tuning files,
    fitted on all tuning speakers (the shipped one) otherwise."""
    from models.train_voice_projection import fit_projection

    names = sorted(per_speaker)
    fold = {s: i % FOLDS for i, s in enumerate(names)}
    fitted: dict = {}

    def fit(leave_out: frozenset):
        if leave_out not in fitted:
            fitted[leave_out] = fit_projection({s: v for s, v in per_speaker.items() if fold[s] not in leave_out}, **fit_options)
        return fitted[leave_out]

    out = {}
    for f in files:
        own = frozenset(fold[s] for s in f.speakers if s in fold)
        out[f.name] = fit(own) if f.half == "tune" and own else fit(frozenset())
    return out


def window_pitch(files, found) -> dict:
    """Median semitones per speech window of every file (analyzer.voicecount.window_pitch_st), cached."""
    from analyzer.voicecount import window_pitch_st

    cached = pickle.loads(PITCH_CACHE.read_bytes()) if PITCH_CACHE.is_file() else {}
    missing = [f for f in files if f.name not in cached]
    for f in missing:
        cached[f.name] = window_pitch_st(f.mono, found[f.name].windows)
    if missing:
        PITCH_CACHE.write_bytes(pickle.dumps(cached))
    return cached


def decide(row, count) -> bool:
    """The shipped decision (analyzer.voicecount.two_voices) with thresholds ``count``."""
    from analyzer.voicecount import pitch_gap_st, two_voices

    split = row["split"]
    return two_voices(split.similarity, split.contrast, split.share_s, lambda: pitch_gap_st(row["pitch"], split.window_labels), count)[0]


def rates(rows, count) -> dict:
    one = [r for r in rows if r["voices"] == 1]
    two = [r for r in rows if r["voices"] == 2]
    false_split = sum(decide(r, count) for r in one)
    missed = sum(not decide(r, count) for r in two)
    return {"one_voice_files": len(one), "false_splits": false_split, "false_split_rate": round(false_split / max(len(one), 1), 3),
            "two_voice_files": len(two), "missed": missed, "miss_rate": round(missed / max(len(two), 1), 3)}


def choose(rows, base, grid: Optional[dict] = None) -> tuple:
    """VoiceCountOptions with the lowest balanced error (mean of false-split and miss rates)
    on ``rows`` over GRID; ties: the tied cell nearest the middle of all tied cells."""
    from analyzer.voicecount import enough_speech, pitch_gap_st

    sim = np.array([r["split"].similarity if r["split"].similarity is not None else 9.0 for r in rows])
    contrast = np.array([r["split"].contrast if r["split"].contrast is not None else -9.0 for r in rows])
    gap = np.array([g if (g := pitch_gap_st(r["pitch"], r["split"].window_labels)) is not None else 99.0 for r in rows])
    enough = np.array([enough_speech(r["split"].share_s, base) for r in rows])
    two = np.array([r["voices"] == 2 for r in rows])
    grid = grid or GRID
    axes = [np.asarray(v) for v in grid.values()]
    cells = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, len(axes))
    errors = []
    for clear, close, min_contrast, max_gap, veto_below in cells:
        said = enough & ((sim < clear) | ((sim < close) & (contrast >= min_contrast) & ((gap <= max_gap) | (contrast >= veto_below))))
        errors.append(0.5 * (np.mean(said[~two]) + np.mean(~said[two])))
    errors = np.array(errors)
    tied = np.flatnonzero(errors <= errors.min() + 1e-9)
    index = np.stack(np.meshgrid(*[np.arange(len(a)) for a in axes], indexing="ij"), -1).reshape(-1, len(axes))[tied]
    pick = tied[np.argmin(np.abs(index - index.mean(0)).sum(1))]
    chosen = replace(base, **{k: float(v) for k, v in zip(grid, cells[pick])})
    return chosen, float(errors.min()), len(tied)


def by_source(rows, count) -> dict:
    return {src: rates([r for r in rows if r["source"] == src], count) for src in sorted({r["source"] for r in rows})}


def attributions(files, found, projs, pitch, encoder, vad, options) -> list:
    """Enrolment and first-speaker attribution of every two-voice file, in auto."""
    from analyzer.diarize import diarize_windows
    from analyzer.speakers import project

    out = []
    for f in files:
        if f.voices != 2:
            continue
        proj = lambda e, p=projs[f.name]: project(e, p)  # noqa: E731
        tones = lambda name=f.name: pitch[name]  # noqa: E731
        row = {"file": f.name, "half": f.half, "agent_db": f.agent_db, "kind": f.kind or "pcm16k"}
        row["first_speaker"] = attribution(f, diarize_windows(found[f.name], proj, options, window_pitch=tones))
        if f.enrol is not None:
            row["enrolment"] = attribution(f, diarize_windows(found[f.name], proj, options, voiceprint=encoder.voiceprint(f.enrol, vad), window_pitch=tones))
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
                "heard_meeting_both_targets": sum(v["agent_heard"] >= 0.9 and v["other_heard"] <= 0.1 for v in vals),
                "agent_heard_mean": round(float(np.mean([v["agent_heard"] for v in vals])), 3),
                "other_heard_mean": round(float(np.mean([v["other_heard"] for v in vals])), 3),
                "agent_10_20dB_quieter": {"files": len(quiet), "meeting_both_targets": sum(v["agent_to_agent"] >= 0.9 and v["other_to_agent"] <= 0.1 for v in quiet)},
            }
    return res


def alternatives(tune, rows, base) -> dict:
    """Simpler rules, each with its thresholds chosen on the tuning half the same way:
    balanced error there and whether the telephone call comes out as two voices."""
    loose = {"close_similarity": (0.999,), "min_contrast": (99.0,), "max_pitch_gap_st": (0.0,), "veto_below_contrast": (99.0,)}  # the close-voices path off
    out = {}
    for name, space, which in (("raw_ge2e_cosine", dict(GRID, **loose), "raw"), ("lda_cosine", dict(GRID, **loose), "split"),
                               ("lda_cosine_and_contrast", dict(GRID, max_pitch_gap_st=(99.0,), veto_below_contrast=(99.0,)), "split"),
                               ("lda_cosine_contrast_pitch", dict(GRID, veto_below_contrast=(99.0,)), "split"), ("lda_cosine_contrast_pitch_veto_limit", GRID, "split")):
        if which == "raw":
            space = dict(space, clear_similarity=np.round(np.arange(0.5, 0.96, 0.02), 2))
        view = lambda rs: [dict(r, split=r[which]) for r in rs]  # noqa: E731
        count, err, _ = choose(view(tune), base, space)
        phone = [r for r in view(rows) if r["name"] == "phone2_telephone_sample"]
        out[name] = {"balanced_error_tune": round(err, 3), "thresholds": {k: getattr(count, k) for k in GRID},
                     "telephone_call_two": bool(phone and decide(phone[0], count))}
        print(f"{name:<28} tune balanced error {err:.3f}  telephone call two voices: {out[name]['telephone_call_two']}")
    return out


def old_rule(split, count) -> bool:
    """The rule this replaced: raw GE2E centroids < 0.85 cosine and d' >= 1.9, enough speech."""
    from analyzer.voicecount import enough_speech

    return (split.similarity is not None and split.similarity < 0.85 and (split.separation or 0.0) >= 1.9
            and enough_speech(split.share_s, count))


def old_rates(rows, count) -> dict:
    one, two = [r for r in rows if r["voices"] == 1], [r for r in rows if r["voices"] == 2]
    fs, ms = sum(old_rule(r["split"], count) for r in one), sum(not old_rule(r["split"], count) for r in two)
    return {"false_splits": fs, "one_voice_files": len(one), "false_split_rate": round(fs / max(len(one), 1), 3),
            "missed": ms, "two_voice_files": len(two), "miss_rate": round(ms / max(len(two), 1), 3)}


def describe(row, count) -> str:
    from analyzer.voicecount import pitch_gap_st

    s = row["split"]
    gap = pitch_gap_st(row["pitch"], s.window_labels)
    fmt = lambda x: "-" if x is None else f"{x:.2f}"  # noqa: E731
    return (f"{row['name']:<46} voices {row['voices']} cos {fmt(s.similarity)} contrast {fmt(s.contrast)} pitch gap {fmt(gap)} st "
            f"share {s.share_s[0]:.1f}/{s.share_s[1]:.1f} s -> {'two' if decide(row, count) else 'one'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="final")
    parser.add_argument("--no-attribution", action="store_true")
    parser.add_argument("--tune-only", action="store_true", help="choose and print on the tuning half only; score nothing held out, write nothing")
    args = parser.parse_args()
    from analyzer.diarize import DiarizeOptions, split_voices
    from analyzer.speakers import SpeakerEncoder, project
    from analyzer.vad import load_silero_session
    from analyzer.voicecount import VoiceCountOptions
    from benchmarks.voice_count_sets import voice_files
    from models.train_voice_projection import training_embeddings

    files = [f for f in voice_files() if f.half == "tune" or not args.tune_only]
    found = windows(files)
    pitch = window_pitch(files, found)
    projs = projections(files, training_embeddings())
    rows = []
    for f in files:
        w = found[f.name]
        base = {"name": f.name, "voices": f.voices, "half": f.half, "source": f.source, "pitch": pitch[f.name]}
        rows.append(dict(base, split=split_voices(w, project(w.embeddings, projs[f.name])), raw=split_voices(w, w.embeddings)))
    tune = [r for r in rows if r["half"] == "tune"]
    held = [r for r in rows if r["half"] == "heldout"]
    count, err, n_tied = choose(tune, VoiceCountOptions())
    print(f"chosen on the tuning half (balanced error {err:.3f}, {n_tied} tied cells): {count}")
    print(f"shipped defaults {'equal' if count == VoiceCountOptions() else 'DIFFER FROM'} the chosen thresholds")
    for r in rows:
        if r["source"] == "phone" or args.tune_only:
            print(describe(r, count))
    entry = {"thresholds": dict(vars(count), chosen_on="tune (cross-fitted projection)", balanced_error_tune=round(err, 3), tied_cells=n_tied,
                                shipped_equal=count == VoiceCountOptions()),
             "tune": rates(tune, count), "tune_by_source": by_source(tune, count)}
    print("tune:", json.dumps(entry["tune"]), json.dumps(entry["tune_by_source"]))
    if args.tune_only:
        return 0
    entry["alternatives_on_tune"] = alternatives(tune, rows, VoiceCountOptions())
    entry.update({"heldout": rates(held, count), "heldout_by_source": by_source(held, count),
                  "raw_ge2e_old_rule": {h: old_rates([dict(r, split=r["raw"]) for r in rows if r["half"] == h], count) for h in ("tune", "heldout")},
                  "files": [{"name": r["name"], "half": r["half"], "voices": r["voices"], "similarity": r["split"].similarity and round(r["split"].similarity, 3),
                             "contrast": r["split"].contrast and round(r["split"].contrast, 2), "two": decide(r, count)} for r in rows]})
    print("held-out:", json.dumps(entry["heldout"]), json.dumps(entry["heldout_by_source"]))
    print("raw GE2E, old rule:", json.dumps(entry["raw_ge2e_old_rule"]))
    if not args.no_attribution:
        vad, enc = load_silero_session(), SpeakerEncoder()
        chosen = DiarizeOptions(count=count)
        entry["attribution"] = attributions(files, found, projs, pitch, enc, vad, chosen)
        entry["attribution_summary"] = attribution_summary(entry["attribution"])
        print(json.dumps(entry["attribution_summary"], indent=1))
        for r in entry["attribution"]:
            if r["file"].startswith("phone"):
                print(r)
    result = json.loads(OUT.read_text()) if OUT.is_file() else {}
    key = f"voice_count/{args.label}"
    if args.label.startswith("blind_first") and key in result:
        print(f"{key} is already recorded; not overwritten")
    else:
        result[key] = entry
        OUT.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
