"""Where the tone thresholds come from: measurements on real speech in ../shared/data.

Null distribution (speech that is NOT an apology, so no flag should fire): every
LibriSpeech utterance, AMI excerpt and the telephone sample is transcribed, cut into
sentences exactly as apology spans are cut (0.8-6 s long), each grown to its breath group as an
apology's delivery window is (analyzer.measures.delivery_window), and each is compared with
the rest of the same recording exactly as an apology is compared with the agent's baseline:
rate ratio, pitch shift (st), range ratio, peak shift (st).  Every recording is measured
twice: as recorded ("wideband") and through a simulated telephone channel ("telephone":
300-3400 Hz, 8 kHz, G.711 mu-law; same words, pitch tracked again), since the product runs
on phone audio.  The thresholds should sit in the far tail of these distributions (few
false flags on other voices and recording conditions).

Effect sizes of real emotional speech: EmoDB (5 speakers, acted German): happiness (F)
against neutral (N) per speaker: pitch shift and range ratio.  A cheerful threshold above
what real happy speech produces would never fire.

Prints percentiles and writes benchmarks/results/calibration.json.
Run: python benchmarks/calibrate.py [--shared ../shared] [--limit N]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
import pickle
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.apology import FinderOptions, split_sentences  # noqa: E402
from analyzer.audio import load_audio  # noqa: E402
from analyzer.config import RushedThresholds  # noqa: E402
from analyzer.judge import is_cheerful, is_flat, is_rushed  # noqa: E402
from analyzer.measures import CHUNK_S, BaselineTracker, compare, delivery_window, judged_log_spread, measure_span  # noqa: E402
from analyzer.pitch import hz_to_semitones, pitch_stats, track_pitch  # noqa: E402
from benchmarks.synthesis import through_telephone  # noqa: E402
from analyzer.transcribe import Transcriber  # noqa: E402

CHANNELS = ("wideband", "telephone")


def spans_of(words, lo_s=0.8, hi_s=6.0):
    """Sentences cut exactly as apology spans are (analyzer.apology.split_sentences)."""
    spans = split_sentences(words, FinderOptions().max_pause_s)
    return [(lo, hi) for lo, hi in spans if lo_s <= words[hi - 1].end - words[lo].start <= hi_s]


def transcribe_cached(transcriber, path: Path, cache: Path):
    """Words (cached: transcribing everything takes ~10 min) and pitch per channel
    (recomputed, so changes to the tracker are measured) of a whole recording."""
    key = cache / (path.parent.name + "_" + path.stem + ".pkl")
    audio = load_audio(path)
    if key.exists():
        words = pickle.loads(key.read_bytes())
    else:
        words = transcriber.words(audio.samples)
        key.parent.mkdir(parents=True, exist_ok=True)
        key.write_bytes(pickle.dumps(words))
    return words, {"wideband": track_pitch(audio.samples), "telephone": track_pitch(through_telephone(audio.samples))}


def null_measures(transcriber, path, cache):
    words, pitches = transcribe_cached(transcriber, path, cache)
    if len(words) < 8:
        return []
    return [row | {"channel": channel} for channel, pitch in pitches.items() for row in _sentence_measures(words, pitch, path)]


def _sentence_measures(words, pitch, path):
    out = []
    for lo, hi in spans_of(words):
        # measured as an apology is: over its breath group, the rest of the recording its baseline
        window = delivery_window(words[lo:hi], words, RushedThresholds().min_syllables, enough_s=CHUNK_S)
        lo, hi = words.index(window[0]), words.index(window[-1]) + 1
        rest = BaselineTracker()
        rest.defaults = type(rest.defaults)(min_rate_speech_s=3.0, min_voiced_s=1.5, min_range_chunks=1)
        rest.add(words[:lo], pitch)
        rest.add(words[hi:], pitch)
        base = rest.snapshot()
        if base.rate_source != "call":
            continue
        m = compare(measure_span(words[lo:hi], pitch), base)
        out.append(
            {
                "file": str(path),
                "syllables": m.syllables,
                "rate_sps": m.speaking_rate_sps,
                "rate_ratio": m.rate_vs_baseline,
                "rate_log_spread": base.rate_log_spread,  # this recording's own, None with < 4 sentences
                "rate_sentences": base.rate_sentences,
                "pitch_shift_st": m.pitch_shift_st,
                "range_st": m.pitch_range_st,
                "range_ratio": m.range_vs_baseline if base.pitch_source == "call" else None,
                "peak_shift_st": m.peak_shift_st if base.pitch_source == "call" else None,
                "voiced_s": m.voiced_s,
            }
        )
    return out


def emodb_effects(shared: Path):
    """Per speaker: happy (F) vs neutral (N) median shift and range ratio; also sadness/boredom."""
    files = sorted((shared / "data/emotion/emodb").glob("*.flac"))
    per = {}
    for f in files:
        speaker, emotion = f.name[:2], f.name[5]
        audio = load_audio(f)
        track = track_pitch(audio.samples)
        f0 = track.f0_hz[np.isfinite(track.f0_hz)]
        stats = pitch_stats(f0)
        if stats.median_hz is None:
            continue
        per.setdefault(speaker, {}).setdefault(emotion, []).append(
            (hz_to_semitones(stats.median_hz), stats.range_st, hz_to_semitones(stats.peak_hz))
        )
    rows = []
    for speaker, emos in per.items():
        if "N" not in emos:
            continue
        n_med, n_rng, n_peak = np.median(np.array(emos["N"]), axis=0)
        for emo, values in emos.items():
            for med, rng, peak in values:
                rows.append(
                    {
                        "speaker": speaker,
                        "emotion": emo,
                        "shift_st": float(med - n_med),
                        "range_st": float(rng),
                        "range_ratio": float(rng / n_rng),
                        "peak_shift_st": float(peak - n_peak),
                    }
                )
    return rows


def _rate_z(row, population_spread, prior_sentences=0.0):
    """The row's log rate ratio over its recording's spread pooled with real speech's as
    the judge pools it (analyzer.measures.judged_log_spread)."""
    spread = judged_log_spread(row["rate_log_spread"], row.get("rate_sentences", 0), population_spread, prior_sentences)
    return float(np.log(row["rate_ratio"]) / spread)


def pct(values, qs=(5, 50, 90, 95, 98, 99)):
    v = np.asarray([x for x in values if x is not None], dtype=float)
    return {f"p{q}": round(float(np.percentile(v, q)), 3) for q in qs} | {"n": int(len(v))} if len(v) else {"n": 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--limit", type=int, default=0, help="at most N LibriSpeech files (0 = all)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/calibration.json")
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks/out/calibration_cache")
    args = parser.parse_args()
    data = args.shared / "data"
    if not data.is_dir():
        print(f"skipped: {data} not found (calibration needs ../shared/data)")
        return 0
    transcriber = Transcriber()
    files = sorted((data / "speech/librispeech").rglob("*.flac"))
    if args.limit:
        files = files[: args.limit]
    files += sorted((data / "conversation").rglob("*.flac"))
    tic = time.time()
    rows = []
    for i, f in enumerate(files):
        rows += null_measures(transcriber, f, args.cache)
        if i % 25 == 0:
            print(f"  {i + 1}/{len(files)} files, {len(rows)} spans, {time.time() - tic:.0f} s", file=sys.stderr)
    from analyzer.config import load_thresholds

    t = load_thresholds()
    summary = {"files": len(files)}
    # rushed: the log rate ratio over the speaker's sentence-to-sentence spread.  Real
    # speech's spread (for calls with too few sentences yet) is the median of the
    # recordings' own; the z threshold is set where the rule fires no more often than the
    # previous fixed rule (1.4x and 5 syll/s) did on the same sentences.
    judged = [r for r in rows if r["syllables"] >= t.rushed.min_syllables]
    own = [r["rate_log_spread"] for r in judged if r["rate_log_spread"] is not None and r["channel"] == "wideband"]
    spread = float(np.median(own)) if own else t.rushed.population_log_spread
    old = RushedThresholds(min_rate_ratio=1.4, min_rate_sps=5.0, min_syllables=t.rushed.min_syllables)
    ratio_rule_rate = {c: float(np.mean([r["rate_ratio"] >= old.min_rate_ratio and r["rate_sps"] >= old.min_rate_sps for r in judged if r["channel"] == c])) for c in CHANNELS}
    target = float(np.mean(list(ratio_rule_rate.values())))
    z_for_target = next(
        (float(z) for z in np.arange(1.0, 4.0, 0.05) if np.mean([is_rushed(r["rate_sps"], _rate_z(r, spread), r["syllables"], replace(t.rushed, min_rate_z=float(z))) for r in judged]) <= target),
        None,
    )
    summary["rushed_spread"] = {
        "population_log_spread": round(spread, 3),
        "recordings_sentences_with_own_spread": len(own),
        "fixed_ratio_rule_rate": round(target, 4),
        "min_rate_z_for_that_rate": round(z_for_target, 2) if z_for_target is not None else None,
        "configured": {"min_rate_z": t.rushed.min_rate_z, "population_log_spread": t.rushed.population_log_spread},
    }
    for channel in CHANNELS:
        spans = [r for r in rows if r["syllables"] >= 5 and r["channel"] == channel]
        voiced = [r for r in spans if r["voiced_s"] >= 0.6]
        summary[channel] = {
            "null_spans": len(spans),
            "rate_ratio": pct([r["rate_ratio"] for r in spans]),
            "pitch_shift_st": pct([r["pitch_shift_st"] for r in voiced]),
            "peak_shift_st": pct([r["peak_shift_st"] for r in voiced], qs=(5, 50, 90, 95, 97.5, 98, 99)),
            "range_ratio": pct([r["range_ratio"] for r in voiced], qs=(1, 2, 5, 10, 50, 95, 98, 99)),
            "range_st": pct([r["range_st"] for r in voiced], qs=(1, 2, 5, 10, 50, 95)),
            "population_rate_sps": pct([r["rate_sps"] for r in spans], qs=(10, 50, 90)),
            # Joint false-alarm rates of the default rules on this null set.
            "false_flag_rate": {
                "rushed": float(np.mean([is_rushed(r["rate_sps"], _rate_z(r, t.rushed.population_log_spread, t.rushed.spread_prior_sentences), r["syllables"], t.rushed) for r in spans if r["syllables"] >= t.rushed.min_syllables])),
                "rushed_fixed_ratio_1.4": ratio_rule_rate[channel],
                # over the spans each rule may judge (its own voicing minimum, as in judge.py)
                "cheerful": float(np.mean([r["peak_shift_st"] is not None and r["pitch_shift_st"] is not None and is_cheerful(r["pitch_shift_st"], r["peak_shift_st"], t.cheerful) for r in spans if r["voiced_s"] >= t.cheerful.min_voiced_s])),
                "flat": float(np.mean([r["range_ratio"] is not None and is_flat(r["range_st"], r["range_ratio"], t.flat) for r in spans if r["voiced_s"] >= t.flat.min_voiced_s])),
            },
        }
    emo = emodb_effects(args.shared)
    # How often the default rules fire on real acted emotions (sentence vs the speaker's
    # neutral median; no voicing minimum here): cheerful should fire on happiness (F),
    # rarely on neutral (N); flat is shown for boredom (L) and sadness (T).
    summary["emodb_rule_rate"] = {
        e: {
            "n": sum(1 for r in emo if r["emotion"] == e),
            "cheerful": round(float(np.mean([is_cheerful(r["shift_st"], r["peak_shift_st"], t.cheerful) for r in emo if r["emotion"] == e])), 3),
            "flat": round(float(np.mean([is_flat(r["range_st"], r["range_ratio"], t.flat) for r in emo if r["emotion"] == e])), 3),
        }
        for e in sorted({r["emotion"] for r in emo})
    }
    summary["emodb_vs_neutral"] = {
        e: {k: pct([r[k] for r in emo if r["emotion"] == e], qs=(25, 50, 75)) for k in ("shift_st", "peak_shift_st", "range_ratio")}
        for e in sorted({r["emotion"] for r in emo})
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "spans": rows}, indent=1))
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
