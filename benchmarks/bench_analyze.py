"""Speed of `sincerity analyze`: real-time factor per stage on sample calls.

RTF = compute seconds / audio seconds, measured in one run on this machine (absolute
times on shared machines are noise; ratios are what we quote).  Stages: decode, VAD,
ASR (Whisper), pitch, laughter, rest (apology finding, measures, judgement), wording (the
wording judge: phrase lists + text model; also given as ms per apology).
Model loading is reported separately (once per process).

Run: python benchmarks/bench_analyze.py [FILES...]   (default: the bundled sample call and
the evaluation calls in benchmarks/out/eval_calls if present)
Writes benchmarks/results/analyze_speed.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.analyze import AnalyzeOptions, Analyzer, sample_call_path  # noqa: E402

STAGES = ("decode", "vad", "asr", "pitch", "laughter", "rest", "wording")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/analyze_speed.json")
    args = parser.parse_args()
    files = args.files or [sample_call_path(), *sorted((ROOT / "benchmarks/out/eval_calls").glob("*.[wf][al][va]*"))]
    files = [f for f in files if f.suffix in (".wav", ".flac")]
    tic = time.perf_counter()
    analyzer = Analyzer(AnalyzeOptions())
    load_s = time.perf_counter() - tic
    analyzer.analyze_file(files[0])  # warm-up: first Whisper and ONNX calls
    totals = {s: 0.0 for s in STAGES}
    audio_s = wall_s = 0.0
    apologies = 0
    rows = []
    for path in files:
        report = analyzer.analyze_file(path)
        t = report["timings"]
        stages = t["stages_s"]
        audio_s += report["duration_s"]
        apologies += report["summary"]["apologies"]
        wall_s += t["wall_s"]
        for s in STAGES:
            totals[s] += stages.get(s, 0.0)
        rows.append({"file": path.name, "duration_s": report["duration_s"], "rtf": t["real_time_factor"], **{f"rtf_{s}": stages.get(s, 0.0) / report["duration_s"] for s in STAGES}})
        print(f"{path.name:<32} {report['duration_s']:6.1f} s  RTF {t['real_time_factor']:.3f}")
    overall = {s: totals[s] / audio_s for s in STAGES}
    print(f"\n{len(files)} calls, {audio_s:.0f} s of audio, model load {load_s:.1f} s")
    print("stage      RTF")
    for s in STAGES:
        print(f"{s:<10} {overall[s]:.4f}")
    print(f"{'total':<10} {wall_s / audio_s:.4f}   (target <= 0.10)")
    wording_ms = 1000 * totals["wording"] / apologies if apologies else None
    if wording_ms is not None:
        print(f"wording judge: {wording_ms:.1f} ms per apology ({apologies} apologies)")
    result = {
        "machine": {"cpus": __import__("os").cpu_count(), "platform": platform.platform(), "processor": platform.processor()},
        "model": analyzer.transcriber.describe(),
        "audio_s": audio_s,
        "model_load_s": load_s,
        "rtf_total": wall_s / audio_s,
        "rtf_by_stage": overall,
        "apologies": apologies,
        "wording_ms_per_apology": wording_ms,
        "files": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
