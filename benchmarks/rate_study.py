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
agent's spread of sentence log rates pooled with real speech's as the judge pools it,
``rushed.spread_prior_sentences``; outliers dropped as analyzer.measures.sentence_spread does),
each at several syllable gates (``--gates 6,5,4``).  Every variant's threshold is the
smallest whose false-flag rate on the null sentences, on the worse of the two channels, is at
or below today's rule's (words, z, 6+ syllables) on the same sentences; found apologies are
then re-judged and scored exactly as eval_accuracy.py scores (``score_call``), per report
folder and in all, beside the reports' own flags.

Run: python benchmarks/rate_study.py REPORTS_DIR [...] [--cache CALIBRATE_CACHE]
[--null-cache FILE.pkl] [--out FILE] (the cache is calibrate.py's transcripts).
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
from analyzer.measures import judged_log_spread, sentence_spread, syllables_of  # noqa: E402
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
    """(rate, ratio to the pooled sentences, the agent's own spread of ln sentence rates or
    None, sentences it rests on): the baseline as analyzer.measures.BaselineTracker keeps
    it (sentences of MIN_SYLLABLES+, outliers beyond OUTLIER_MADS dropped)."""
    rate = syll / seconds
    total_s = sum(t for _, t in sentences)
    if total_s <= 0:
        return rate, None, None, 0
    pooled = sum(n for n, _ in sentences) / total_s
    n, spread = sentence_spread(np.log([n / t for n, t in sentences if n >= MIN_SYLLABLES]), MIN_SENTENCES)
    return rate, rate / pooled, spread, n


def null_rows(cache: Path, shared: Path, min_syllables: int):
    """Every calibrate.py sentence of ``min_syllables``+ (its transcripts, ``cache``), each
    variant's stats against the rest of its recording, wideband and through a telephone."""
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
                if syll < min_syllables:
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
    return rows


def eval_calls(report_dirs):
    """Per kept report: (set, call, report, truth, per found apology its syllables and each
    variant's stats over the window it was measured on, or None without words)."""
    from analyzer.bench.accuracy import load_truth

    calls = []
    for folder in report_dirs:
        for rpath in sorted(folder.rglob("*.report.json")):
            report = json.loads(rpath.read_text())
            call = Path(report["source"]["path"])
            truth, channel = load_truth(call.with_name(call.name + ".truth.json"))
            level = LevelTrack.of(load_audio(call, channel).samples)
            words = [Word(w["text"], w["start"], w["end"]) for w in report.get("words", [])]
            spans = [(a["measures"].get("measured_start_s") or a["start"], a["measures"].get("measured_end_s") or a["end"]) for a in report["apologies"]]
            spans = [(min(a, b["start"]), max(c, b["end"])) for (a, c), b in zip(spans, report["apologies"])]
            stats = []
            for lo, hi in spans:
                span = [w for w in words if w.start >= lo - 1e-3 and w.end <= hi + 1e-3]
                if not span or span_seconds(span, level, "words") <= 0.05:
                    stats.append(None)
                    continue
                row = {"syllables": syllables_of(span)}
                for variant in VARIANTS:
                    row[variant] = judge_stats(max(count(span, level, variant), 1), span_seconds(span, level, variant), sentence_rates(words, level, variant, exclude=spans))
                stats.append(row)
            calls.append((str(folder), call, report, truth, stats))
    return calls


POPULATION_LOG_SPREAD = {}  # per variant: the null recordings' median sentence-to-sentence spread
PRIOR_SENTENCES = 4.0  # real speech's spread pooled in as this many sentences (as the judge does)


def fires(row, variant, rule, threshold, min_syllables):
    if row is None or row["syllables"] < min_syllables:
        return False
    rate, ratio, own, n = row[variant]
    if ratio is None or rate < MIN_RATE_SPS:
        return False
    if rule == "ratio":
        return ratio >= threshold
    return np.log(ratio) / judged_log_spread(own, n, POPULATION_LOG_SPREAD[variant], PRIOR_SENTENCES) >= threshold


def null_rate(null, variant, rule, th, gate, channel):
    rows = [r for r in null if r["channel"] == channel and r["syllables"] >= gate]
    return float(np.mean([fires(r, variant, rule, th, gate) for r in rows])) if rows else 0.0


def threshold_for(null, variant, rule, gate, target):
    """Smallest threshold whose false-flag rate on the null sentences (of ``gate``+
    syllables) is <= ``target`` on both channels."""
    grid = np.arange(1.0, 2.5, 0.01) if rule == "ratio" else np.arange(0.5, 5.0, 0.02)
    for th in grid:
        if max(null_rate(null, variant, rule, th, gate, c) for c in ("wideband", "telephone")) <= target + 1e-9:
            return float(th)
    return float(grid[-1])


def score(calls, judge, key=lambda c: c[0]):
    """rushed P/R/F1 (tp/fp/fn) per set and in all, as eval_accuracy.py scores it, with the
    rushed flag of every found apology set by ``judge(row)`` (None: as the report has it)."""
    from analyzer.bench.accuracy import Tally, score_call

    tallies = {}
    for call in calls:
        found = []
        for a, row in zip(call[2]["apologies"], call[4]):
            got = judge(row) if judge is not None else any(f["kind"] == "rushed" for f in a["flags"])
            found.append({**a, "flags": [{"kind": "rushed"}] if got else []})
        for k in ("all", key(call)):
            score_call(found, call[3], tallies.setdefault(k, Tally(kinds=("rushed",))))
    return {k: t.summary()["flags"]["rushed"] for k, t in tallies.items()}


def _fmt(s):
    return f"{s['f1']:.2f} ({s['tp']}/{s['fp']}/{s['fn']})"


def main() -> int:
    from analyzer.config import load_thresholds

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks/out/calibration_cache")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--gates", default="6,5,4", help="fewest syllables judged, each studied")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/rate_study.json")
    parser.add_argument("--null-cache", type=Path, default=None, help="pickle of the null sentences' stats (reused when it exists)")
    args = parser.parse_args()
    global PRIOR_SENTENCES
    r = load_thresholds().rushed
    PRIOR_SENTENCES = r.spread_prior_sentences
    gates = [int(g) for g in args.gates.split(",")]
    if args.null_cache and args.null_cache.exists():
        null = pickle.loads(args.null_cache.read_bytes())
    else:
        null = null_rows(args.cache, args.shared, min(gates))
        if args.null_cache:
            args.null_cache.write_bytes(pickle.dumps(null))
    for variant in VARIANTS:
        known = [row[variant][2] for row in null if row[variant][2] is not None]
        POPULATION_LOG_SPREAD[variant] = float(np.median(known)) if known else r.population_log_spread
    calls = eval_calls(args.reports)
    # Today's rule (words, z pooled >= min_rate_z, 6+ syllables) on these null sentences: the guard.
    target = max(null_rate(null, "words", "z", r.min_rate_z, r.min_syllables, c) for c in ("wideband", "telephone"))
    as_reported = score(calls, None)
    print(f"null sentences: {len(null)} ({min(gates)}+ syllables, both channels); today's rule fires on {target:.3f} (worse channel)")
    print("as reported (today's code): " + "  ".join(f"{k} {_fmt(v)}" for k, v in as_reported.items()))
    out = {"reports": [str(f) for f in args.reports], "null_sentences": len(null), "today_null_rate": target,
           "prior_sentences": PRIOR_SENTENCES, "population_log_spread": POPULATION_LOG_SPREAD, "as_reported": as_reported, "variants": {}}
    normal = {v: [row[v][1] for c in calls for row in c[4] if row and row[v][1]] for v in VARIANTS}
    for variant in VARIANTS:
        print(f"\n{variant}: real speech's spread {POPULATION_LOG_SPREAD[variant]:.3f}; found apologies' ratio median {np.median(normal[variant]):.2f}")
        for rule in ("ratio", "z"):
            for gate in gates:
                th = threshold_for(null, variant, rule, gate, target)
                got = score(calls, lambda row: fires(row, variant, rule, th, gate))
                nulls = {c: null_rate(null, variant, rule, th, gate, c) for c in ("wideband", "telephone")}
                n_null = sum(1 for row in null if row["syllables"] >= gate) // 2
                print(f"  {rule:5s} {gate}+ syll, threshold {th:.2f}: null {nulls['wideband']:.3f} / {nulls['telephone']:.3f} (of {n_null}); " + "  ".join(f"{k} {_fmt(v)}" for k, v in got.items()))
                out["variants"].setdefault(variant, {})[f"{rule}_{gate}"] = {"threshold": th, "null": nulls, "null_sentences_per_channel": n_null, "rushed": got}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
