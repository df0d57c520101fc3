"""How to measure `rushed` on short spans: rate variants compared at equal false-flag rates.

For each way of measuring an apology's rate against the agent's usual rate, this measures
(1) the false-flag rate on real non-apology speech (the calibrate.py sentences: LibriSpeech,
AMI, the telephone call, each sentence against the rest of its recording, wideband and
through a G.711 channel) and the threshold that gives the same false-flag rate as today's
rule, and (2) at that threshold, recall and precision of `rushed` on evaluation calls
(their reports from ``eval_accuracy.py --reports DIR``; truth from the calls' truth files),
plus how much of the synthesised speed-up each variant measures.

Variants of the span duration:
  words        first word start to last word end (Whisper's times; today)
  energy       both edges moved to the voice onset / offset (benchmarks/voice_edges.py)
  articulation energy edges, and silent runs >= 150 ms inside the span removed
  nuclei       energy edges, and syllables counted acoustically (LevelTrack.nuclei_between)
               instead of from the transcript: the cross-check
and of the decision: ``ratio`` (rate / the agent's pooled rate) or ``z`` (log ratio over the
spread of the agent's own sentences' log rates, at least MIN_SENTENCES of them).

Run: python benchmarks/rate_study.py REPORTS_DIR [...] [--cache benchmarks/out/calibration_cache]
(the cache is calibrate.py's transcripts).  Writes benchmarks/results/rate_study.json.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.audio import load_audio  # noqa: E402
from benchmarks.voice_edges import FRAME_S, LevelTrack  # noqa: E402
from analyzer.events import Word  # noqa: E402
from analyzer.measures import syllables_of  # noqa: E402
from analyzer.wordspans import split_sentences  # noqa: E402

VARIANTS = ("words", "energy", "articulation", "nuclei")
MIN_SYLLABLES = 6
MIN_RATE_SPS = 5.0
MIN_SENTENCES = 4
PAUSE_S = 0.15


def span_seconds(words, level: LevelTrack, variant: str) -> float:
    start, end = words[0].start, words[-1].end
    if variant == "words":
        return end - start
    start, end = level.voice_edges(start, end)
    if variant in ("energy", "nuclei"):
        return end - start
    lo, hi = int((start - level.offset_s) / FRAME_S), int((end - level.offset_s) / FRAME_S)
    voiced = level.voiced[max(lo, 0) : max(hi, 0)]
    silent, run = 0, 0
    for v in list(voiced) + [True]:
        if not v:
            run += 1
            continue
        if run * FRAME_S >= PAUSE_S:
            silent += run
        run = 0
    return end - start - silent * FRAME_S


def count(words, level, variant) -> int:
    if variant != "nuclei":
        return syllables_of(words)
    return level.nuclei_between(*level.voice_edges(words[0].start, words[-1].end))


def sentence_rates(words, level, variant, exclude=()):
    """(syllables, seconds) of each sentence of ``words`` not overlapping ``exclude`` spans."""
    out = []
    for lo, hi in split_sentences(words, 0.7):
        s = words[lo:hi]
        if any(s[0].start < b and s[-1].end > a for a, b in exclude):
            continue
        seconds = span_seconds(s, level, variant)
        if seconds > 0.05:
            out.append((count(s, level, variant), seconds))
    return out


def judge_stats(syll, seconds, sentences):
    """rate, ratio to the pooled sentences, z against their spread (None if too few)."""
    rate = syll / seconds
    total_s = sum(t for _, t in sentences)
    if total_s <= 0:
        return rate, None, None
    pooled = sum(n for n, _ in sentences) / total_s
    logs = np.log([n / t for n, t in sentences if n >= MIN_SYLLABLES])
    z = spread = None
    if len(logs) >= MIN_SENTENCES:
        spread = float(np.std(logs, ddof=1))
        z = float(np.log(rate / pooled) / max(spread, 1e-3))
    return rate, rate / pooled, z, spread


def null_rows(cache: Path, shared: Path):
    from analyzer.apology import FinderOptions
    from benchmarks.calibrate import spans_of
    from benchmarks.synthesis import through_telephone

    files = sorted((shared / "data/speech/librispeech").rglob("*.flac")) + sorted((shared / "data/conversation").rglob("*.flac"))
    rows = []
    for path in files:
        key = cache / (path.parent.name + "_" + path.stem + ".pkl")
        if not key.exists():
            continue
        words = pickle.loads(key.read_bytes())
        if len(words) < 8:
            continue
        audio = load_audio(path).samples
        for channel, samples in (("wideband", audio), ("telephone", through_telephone(audio))):
            level = LevelTrack.of(samples)
            for lo, hi in spans_of(words):
                span = words[lo:hi]
                syll = syllables_of(span)
                if syll < MIN_SYLLABLES:
                    continue
                rest = words[:lo] + words[hi:]
                row = {"file": str(path), "channel": channel, "syllables": syll}
                for variant in VARIANTS:
                    sentences = sentence_rates(rest, level, variant)
                    if sum(t for _, t in sentences) < 3.0:
                        break
                    row[variant] = judge_stats(max(count(span, level, variant), 1), span_seconds(span, level, variant), sentences)
                else:
                    rows.append(row)
    del FinderOptions
    return rows


def eval_rows(report_dirs, eval_root: Path):
    rows = []
    for folder in report_dirs:
        for rpath in sorted(folder.rglob("*.report.json")):
            report = json.loads(rpath.read_text())
            call = Path(report["source"]["path"])
            truth = json.loads(call.with_name(call.name + ".truth.json").read_text())
            samples = load_audio(call, truth.get("agent_channel", "auto")).samples
            level = LevelTrack.of(samples)
            words = [Word(w["text"], w["start"], w["end"]) for w in report.get("words", [])]
            spans = [(a["measures"].get("measured_start_s") or a["start"], a["measures"].get("measured_end_s") or a["end"]) for a in report["apologies"]]
            spans = [(min(a, b["start"]), max(c, b["end"])) for (a, c), b in zip(spans, report["apologies"])]
            for apology, (lo, hi) in zip(report["apologies"], spans):
                span = [w for w in words if w.start >= lo - 1e-3 and w.end <= hi + 1e-3]
                if syllables_of(span) < MIN_SYLLABLES:
                    continue
                t = [t for t in truth["apologies"] if min(t["end"], apology["end"]) > max(t["start"], apology["start"])]
                speed = t[0]["speed"] if t else 1.0
                row = {"call": str(call), "voice": call.name.split("_")[2], "speed": speed, "rushed": "rushed" in (t[0]["expected_flags"] if t else []), "syllables": syllables_of(span), "flagged_today": any(f["kind"] == "rushed" for f in apology["flags"])}
                for variant in VARIANTS:
                    sentences = sentence_rates(words, level, variant, exclude=spans)
                    row[variant] = judge_stats(max(count(span, level, variant), 1), span_seconds(span, level, variant), sentences)
                rows.append(row)
    return rows


POPULATION_LOG_SPREAD = {}  # per variant: the null recordings' median sentence-to-sentence spread
RATIO_FLOOR = 1.0


def fires(stats, rule, threshold, variant="words"):
    rate, ratio, z, _ = stats
    if ratio is None or rate < MIN_RATE_SPS:
        return False
    if rule == "ratio":
        return ratio >= threshold
    if ratio < RATIO_FLOOR:
        return False
    return (z if z is not None else np.log(ratio) / POPULATION_LOG_SPREAD[variant]) >= threshold  # too few sentences: real speech's spread


def threshold_for(null, variant, rule, rate):
    """Smallest threshold whose false-flag rate on the null rows is <= ``rate``."""
    grid = np.arange(1.0, 2.5, 0.01) if rule == "ratio" else np.arange(0.5, 5.0, 0.02)
    for th in grid:
        if np.mean([fires(r[variant], rule, th, variant) for r in null]) <= rate:
            return float(th)
    return float(grid[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks/out/calibration_cache")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/rate_study.json")
    parser.add_argument("--ratio-floor", type=float, default=1.0, help="z rule: also need at least this ratio")
    args = parser.parse_args()
    global RATIO_FLOOR, POPULATION_LOG_SPREAD
    RATIO_FLOOR = args.ratio_floor
    null = null_rows(args.cache, args.shared)
    calls = eval_rows(args.reports, ROOT)
    today = np.mean([fires(r["words"], "ratio", 1.4) for r in null]) if null else None  # the rule of today
    print(f"null sentences: {len(null)}; today's rule (words, ratio 1.4x) fires on {today:.3f}")
    out = {"null_sentences": len(null), "eval_apologies": len(calls), "today_false_flag_rate": today, "ratio_floor": RATIO_FLOOR, "variants": {}}
    for variant in VARIANTS:
        with_z = [r for r in null if r[variant][2] is not None]
        POPULATION_LOG_SPREAD[variant] = float(np.median([r[variant][3] for r in with_z])) if with_z else 0.24
        out.setdefault("population_log_spread", {})[variant] = POPULATION_LOG_SPREAD[variant]
        tts = [r[variant][3] for r in calls if r[variant][3] is not None]
        print(f"{variant}: sentence log-rate spread, median: real speech {POPULATION_LOG_SPREAD[variant]:.3f}, eval calls {np.median(tts):.3f}")
        print(f"{variant}: z known for {len(with_z)} of {len(null)} null sentences, {sum(r[variant][2] is not None for r in calls)} of {len(calls)} eval apologies")
    rushed = [r for r in calls if r["rushed"]]
    print(f"eval apologies (>= {MIN_SYLLABLES} syllables): {len(calls)}, rushed {len(rushed)}")
    for variant in VARIANTS:
        normal = [r[variant][1] for r in calls if not r["rushed"] and r[variant][1]]
        fast = [r[variant][1] / r["speed"] for r in rushed if r[variant][1]]
        print(f"\n{variant}: normal apologies' ratio median {np.median(normal):.2f}; rushed: measured / synthesised speed median {np.median(fast):.2f}")
        for rule in ("ratio", "z"):
            th = threshold_for(null, variant, rule, today)
            got = [fires(r[variant], rule, th, variant) for r in calls]
            tp = sum(g and r["rushed"] for g, r in zip(got, calls))
            fp = sum(g and not r["rushed"] for g, r in zip(got, calls))
            fn = sum(not g and r["rushed"] for g, r in zip(got, calls))
            p, rc = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
            per_voice = {}
            for voice in sorted({r["voice"] for r in calls}):
                idx = [i for i, r in enumerate(calls) if r["voice"] == voice]
                vt = sum(got[i] and calls[i]["rushed"] for i in idx)
                vf = sum(got[i] and not calls[i]["rushed"] for i in idx)
                vn = sum(not got[i] and calls[i]["rushed"] for i in idx)
                per_voice[voice] = round(2 * vt / (2 * vt + vf + vn), 3) if vt + vf + vn else None
            wide = np.mean([fires(r[variant], rule, th, variant) for r in null if r["channel"] == "wideband"])
            phone = np.mean([fires(r[variant], rule, th, variant) for r in null if r["channel"] == "telephone"])
            f1 = 2 * p * rc / max(p + rc, 1e-9)
            known = [r for r in null if r[variant][2] is not None]
            known_rate = float(np.mean([fires(r[variant], rule, th, variant) for r in known])) if known else None
            print(f"        null sentences with their recording's own spread ({len(known)}): fires on {known_rate:.3f}")
            print(f"  {rule:5s} threshold {th:.2f}: null {wide:.3f} wideband / {phone:.3f} telephone; eval P {p:.2f} R {rc:.2f} F1 {f1:.2f} per voice {per_voice}")
            out["variants"].setdefault(variant, {})[rule] = {"threshold": th, "null_wideband": wide, "null_telephone": phone, "null_with_own_spread": known_rate, "precision": p, "recall": rc, "f1": f1, "tp": tp, "fp": fp, "fn": fn, "per_voice_f1": per_voice}
        out["variants"][variant]["normal_ratio_median"] = float(np.median(normal))
        out["variants"][variant]["rushed_measured_over_synthesised_median"] = float(np.median(fast))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
