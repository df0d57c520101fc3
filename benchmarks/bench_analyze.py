"""Speed of `sincerity analyze`: real-time factor per stage on sample calls.

A thin wrapper over the package's bench code (analyzer/bench/speed.py, the same timing as
`sincerity bench`'s post-call section): models loaded once (timed apart), a warm-up, then
every file analysed ``--repeats`` times; RTF = compute seconds / audio seconds per stage
(decode, diarize, VAD, ASR, pitch, laughter, wording, rest) and in total, min and median over the
repeats; diarize's own parts (its Silero pass, GE2E embeddings, clustering, pitch for close
voices, naming the agent) from the first repeat.  Ratios are what we quote; absolute times on shared machines are noise.

Run: python benchmarks/bench_analyze.py [FILES...] [--repeats N]   (default: the bundled
sample call and the evaluation calls in benchmarks/out/eval_calls if present)
Writes benchmarks/results/analyze_speed.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.analyze import AnalyzeOptions, Analyzer, sample_call_path  # noqa: E402
from analyzer.bench.accuracy import LabelledCall  # noqa: E402
from analyzer.bench.machine import describe_machine  # noqa: E402
from analyzer.bench.speed import measure_post_call  # noqa: E402
from analyzer.pipeline import PipelineOptions  # noqa: E402


def diarize_parts(reports: list[dict], audio_s: float) -> dict:
    """Compute seconds per audio second of each part of the diarize stage over ``reports``."""
    keys = ("diarize_vad", "diarize_embed", "diarize_cluster", "diarize_pitch", "diarize_agent")
    return {k: round(sum(r["timings"]["stages_s"].get(k, 0.0) for r in reports) / max(audio_s, 1e-9), 5) for k in keys}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/analyze_speed.json")
    parser.add_argument("--casual-redecode", action="store_true", help="as `analyze --casual-redecode`: also time the casual re-recognition")
    args = parser.parse_args()
    files = args.files or [sample_call_path(), *sorted((ROOT / "benchmarks/out/eval_calls").glob("*.[wf][al][va]*"))]
    calls = [LabelledCall(f, "auto", []) for f in files if f.suffix in (".wav", ".flac", ".ogg")]
    tic = time.perf_counter()
    analyzer = Analyzer(AnalyzeOptions(pipeline=PipelineOptions(asr_pack_s=24.0, casual_redecode=args.casual_redecode)))
    load_s = time.perf_counter() - tic
    post, reports = measure_post_call(analyzer, calls, args.repeats, load_s)
    for call, report in zip(calls, reports):
        print(f"{call.path.name:<32} {report['duration_s']:6.1f} s  RTF {report['timings']['real_time_factor']:.3f}")
    print(f"\n{len(calls)} calls, {post['audio_s']:.0f} s of audio x {post['repeats']}, model load {post['model_load_s']:.1f} s")
    print("stage      RTF min  median")
    for stage, v in post["rtf"].items():
        print(f"{stage:<10} {v['min']:.4f}   {v['median']:.4f}")
    if post["wording_ms_per_apology"] is not None:
        print(f"wording judge: {post['wording_ms_per_apology']:.1f} ms per apology (phrase lists + text model)")
    if post["redecode_ms_per_apology"] is not None:
        print(f"casual re-recognition: {post['redecode_ms_per_apology']:.1f} ms per apology, RTF {post['redecode_rtf']:.4f} "
              f"against ASR {post['asr_rtf_first_repeat']:.4f} (first repeat; counted in 'rest')")
    parts = diarize_parts(reports, post["audio_s"])
    print("diarize parts (RTF, first repeat): " + ", ".join(f"{k} {v:.4f}" for k, v in parts.items()))
    result = {"machine": describe_machine(analyzer.transcriber.describe()), "post_call": post, "diarize_parts_rtf": parts,
              "files": [{"file": c.path.name, "duration_s": r["duration_s"], "rtf": r["timings"]["real_time_factor"],
                         "rtf_diarize": round(r["timings"]["stages_s"].get("diarize", 0.0) / max(r["duration_s"], 1e-9), 5),
                         "diarize_parts_rtf": diarize_parts([r], r["duration_s"]), "speakers": r["agent_selection"].get("speakers")} for c, r in zip(calls, reports)]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
