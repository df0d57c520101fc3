"""Accuracy of `sincerity analyze` on calls it was not tuned on.

Each call has a ``<audio>.truth.json`` (written by benchmarks/make_eval_calls.py) listing
the apologies with their time span and expected tone flags.  A found apology matches a
true one when their spans overlap.  Reports apology precision/recall and, per tone flag
(rushed, cheerful, flat, nervous_laugh), precision/recall/F1 over matched apologies, plus
the number of tone flags on calls that contain no apology (must be 0), in total and per
folder (one folder = one seed of make_eval_calls.py: 12 calls, ~6 apologies per flag).

Run: python benchmarks/make_eval_calls.py && python benchmarks/eval_accuracy.py [DIR ...]
(--live-asr: transcribe utterance by utterance and judge against the running baseline, as
`sincerity live` does; --running-baseline alone: packed ASR, running baseline).
--asr-cache DIR keeps Whisper's words per utterance audio (keyed by its samples), so
re-scoring after a change downstream of recognition costs no ASR; --reports DIR keeps
every call's report for reading the measures.
Writes benchmarks/results/accuracy.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.analyze import AnalyzeOptions, Analyzer  # noqa: E402
from analyzer.bench.accuracy import Tally, load_truth, score_call  # noqa: E402  (the scoring lives once, in the package)
from analyzer.judge import TONE_FLAGS  # noqa: E402


class CachedTranscriber:
    """A Transcriber whose words are cached on disk by the audio they came from (same
    model and decoding options), for re-scoring without re-running Whisper."""

    def __init__(self, transcriber, folder: Path):
        self.inner, self.folder = transcriber, folder
        folder.mkdir(parents=True, exist_ok=True)

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def words(self, samples, offset_s: float = 0.0, prompt=None):
        key = hashlib.sha1(samples.tobytes() + repr((offset_s, prompt, self.inner.options, self.inner.model_path)).encode()).hexdigest()
        path = self.folder / f"{key}.pkl"
        if path.exists():
            return pickle.loads(path.read_bytes())
        words = self.inner.words(samples, offset_s=offset_s, prompt=prompt)
        path.write_bytes(pickle.dumps(words))
        return words


def _key_measures(apology: dict) -> dict:
    """The measures the tone flags read, for reading misses in the details."""
    m = apology["measures"]
    keys = ("syllables", "speaking_rate_sps", "rate_vs_baseline", "pitch_shift_st", "pitch_range_st", "range_vs_baseline", "peak_shift_st", "voiced_s", "laughter_s")
    return {k: m.get(k) for k in keys}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[ROOT / "benchmarks/out/eval_calls"], help="folders of calls with truth (make_eval_calls.py --seed N writes more)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/accuracy.json")
    parser.add_argument("--no-laughter", action="store_true", help="skip the laughter detector")
    parser.add_argument("--live-asr", action="store_true", help="transcribe each utterance on its own, as `sincerity live` does, instead of packing 24 s per Whisper call")
    parser.add_argument("--beam-size", type=int, default=None, help="Whisper beam size (default: the transcriber's)")
    parser.add_argument("--model", default=None, help="Whisper model as for `analyze --model` (default: the embedded tiny.en)")
    parser.add_argument("--running-baseline", action="store_true", help="judge against the baseline heard before each apology (live) instead of the whole call's")
    parser.add_argument("--asr-cache", type=Path, default=None, help="folder caching Whisper's words per utterance")
    parser.add_argument("--reports", type=Path, default=None, help="folder to write every call's report to")
    parser.add_argument("--limit", type=int, default=0, help="at most N calls per folder (0 = all)")
    parser.add_argument("--hold-for-baseline", type=float, default=None, help="seconds an apology heard before the agent's baseline waits for it (default: the pipeline's)")
    args = parser.parse_args()
    calls = []
    for folder in args.folders:
        found = sorted(p for p in folder.glob("*") if p.suffix in (".wav", ".flac") and p.with_name(p.name + ".truth.json").exists())
        calls += found[: args.limit] if args.limit else found
    if not calls:
        print(f"no calls with truth in {', '.join(map(str, args.folders))}: run benchmarks/make_eval_calls.py first")
        return 1
    options = AnalyzeOptions()
    if args.no_laughter:
        options = replace(options, pipeline=replace(options.pipeline, laughter=False))
    if args.beam_size is not None:
        options = replace(options, transcriber=replace(options.transcriber, beam_size=args.beam_size))
    if args.model is not None:
        options = replace(options, transcriber=replace(options.transcriber, model=args.model))
    if args.live_asr:
        options = replace(options, pipeline=replace(options.pipeline, asr_pack_s=0.0))
    if args.hold_for_baseline is not None:
        options = replace(options, pipeline=replace(options.pipeline, hold_for_baseline_s=args.hold_for_baseline))
    if (args.live_asr or args.running_baseline) and hasattr(options, "whole_call_baseline"):
        options = replace(options, whole_call_baseline=False)
    analyzer = Analyzer(options)
    if args.asr_cache:
        analyzer.transcriber = CachedTranscriber(analyzer.transcriber, args.asr_cache)
    per_folder, details = {}, []
    for path in calls:
        truth, channel = load_truth(path.with_name(path.name + ".truth.json"))
        report = analyzer.analyze_file(path, channel=channel)
        found = report["apologies"]
        if args.reports:
            out = args.reports / path.parent.name / (path.name + ".report.json")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(report))
        pairs = score_call(found, truth, per_folder.setdefault(path.parent.name, Tally()))
        details.append(
            {
                "call": f"{path.parent.name}/{path.name}",
                "truth": [(round(t["start"], 1), t.get("expected_flags", [])) for t in truth],
                "found": [(round(f["start"], 1), [x["kind"] for x in f["flags"] if x["kind"] in TONE_FLAGS], f["text"], _key_measures(f)) for f in found],
            }
        )
        print(f"{path.parent.name}/{path.name}: {len(truth)} true, {len(found)} found, {len(pairs)} matched")
    totals = Tally.merged(per_folder.values())
    summary = totals.summary()
    apology, flags, no_apology_tone_flags = summary["apologies"], summary["flags"], summary["no_apology_tone_flags"]
    print(f"\napologies: precision {apology['precision']:.2f} recall {apology['recall']:.2f} ({totals.counts})")
    print("flag            precision recall  F1     tp fp fn")
    for k, v in flags.items():
        print(f"{k:<15} {v['precision']:9.2f} {v['recall']:6.2f} {v['f1']:6.2f}  {v['tp']:3d} {v['fp']:2d} {v['fn']:2d}")
    print(f"tone flags on calls without apologies: {no_apology_tone_flags}")
    if len(per_folder) > 1:  # the spread between sets of 12 calls shows how noisy one set's F1 is
        print("\nF1 per folder: " + "  ".join(TONE_FLAGS))
        for name, tally in per_folder.items():
            f1 = tally.summary()["flags"]
            print(f"{name:<16} " + "  ".join(f"{f1[k]['f1']:.2f}" for k in TONE_FLAGS))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    baseline = "whole call" if getattr(options, "whole_call_baseline", False) else "running (heard before the apology)"
    setup = {"asr": "per utterance (live)" if args.live_asr else "packed 24 s (analyze)", "baseline": baseline, "beam_size": options.transcriber.beam_size, "laughter": options.pipeline.laughter, "model": options.transcriber.model}
    folders = {name: tally.summary() for name, tally in per_folder.items()}
    record = {"setup": setup, "calls": len(calls), "apologies": apology, "flags": flags, "no_apology_tone_flags": no_apology_tone_flags, "per_folder": folders, "details": details}
    args.out.write_text(json.dumps(record, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
