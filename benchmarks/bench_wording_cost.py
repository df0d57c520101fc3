"""Cost of the wording judge per apology, rules alone and rules + text model.

    OMP_NUM_THREADS=1 python benchmarks/bench_wording_cost.py [--items 60] [--asr-calls 20]

Judges the first N tune-set apologies (synthetic word times) and reports CPU time per
apology (process time, one thread: robust to a busy shared machine) and wall time.
With --asr-calls K it also times Whisper on the first K synthesised tune calls (cached by
``eval_wording.py --set tune --stage audio``) without and with the casual-apology initial
prompt (``analyzer.transcribe.CASUAL_APOLOGY_PROMPT``), CPU per call.  With
--redecode-calls K it times the targeted re-recognition (only apology-like utterances,
analyzer.wording_redecode) inside ``analyze`` on K synthesised tune calls, as a ratio to
the first recognition in the same run.
Writes benchmarks/results/wording_cost.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.language import LanguageOptions, WordingJudge  # noqa: E402
from benchmarks.bench_language import item_words  # noqa: E402
from benchmarks.eval_wording import load_items  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--asr-calls", type=int, default=0, help="also time Whisper with/without the prompt")
    parser.add_argument("--redecode-calls", type=int, default=0,
                        help="also time the casual re-recognition inside `analyze` on this many synthesised tune calls")
    args = parser.parse_args()
    items = [x for x in load_items("tune") if x["is_apology"]][: args.items]
    result = {"items": len(items)}
    for name, model in (("rules", False), ("rules_and_model", True)):
        judge = WordingJudge(LanguageOptions(model=model))
        judge.judge(*item_words(items[0]))  # warm-up
        cpu, wall = time.process_time(), time.perf_counter()
        for item in items:
            judge.judge(*item_words(item))
        result[name] = {"cpu_ms_per_apology": round(1000 * (time.process_time() - cpu) / len(items), 1),
                        "wall_ms_per_apology": round(1000 * (time.perf_counter() - wall) / len(items), 1)}
        print(f"{name:<16} CPU {result[name]['cpu_ms_per_apology']:6.1f} ms per apology, "
              f"wall {result[name]['wall_ms_per_apology']:6.1f} ms")
    if args.asr_calls:
        result["asr_prompt"] = prompt_cost(args.asr_calls)
    if args.redecode_calls:
        result["casual_redecode"] = redecode_cost(args.redecode_calls)
    (ROOT / "benchmarks" / "results" / "wording_cost.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


def prompt_cost(n_calls: int) -> dict:
    """Whisper CPU per synthesised tune call (whole call as one utterance), no prompt vs
    the casual-apology prompt."""
    import soundfile as sf

    from analyzer.transcribe import CASUAL_APOLOGY_PROMPT, Transcriber, TranscriberOptions
    from benchmarks.eval_wording import AUDIO_CACHE

    paths = sorted((AUDIO_CACHE / "tune").glob("*.flac"))[:n_calls]
    if not paths:
        raise SystemExit("error: no synthesised tune calls: run eval_wording.py --set tune --stage audio first")
    calls = [sf.read(p, dtype="float32")[0] for p in paths]
    seconds = sum(len(c) for c in calls) / 16000.0
    out = {"calls": len(calls), "audio_s": round(seconds, 1), "prompt_text": CASUAL_APOLOGY_PROMPT}
    for name, prompt in (("no_prompt", None), ("prompt", CASUAL_APOLOGY_PROMPT)):
        transcriber = Transcriber(TranscriberOptions(initial_prompt=prompt, cpu_threads=1))
        transcriber.words(calls[0])  # warm-up
        cpu = time.process_time()
        for c in calls:
            transcriber.words(c)
        out[name] = {"cpu_s_per_call": round((time.process_time() - cpu) / len(calls), 3),
                     "cpu_rtf": round((time.process_time() - cpu) / seconds, 4)}
        print(f"whisper {name:<10} CPU {out[name]['cpu_s_per_call']:.3f} s per call, RTF {out[name]['cpu_rtf']:.4f}")
    return out


def redecode_cost(n_calls: int) -> dict:
    """The casual re-recognition (analyzer.wording_redecode) inside the real Analyzer on
    synthesised tune calls: its seconds per apology found and per re-recognised
    utterance, against the first recognition's seconds, all from the same run (ratios)."""
    from analyzer.analyze import AnalyzeOptions, Analyzer
    from benchmarks.eval_wording import AUDIO_CACHE

    paths = sorted((AUDIO_CACHE / "tune").glob("*.flac"))[:n_calls]
    if not paths:
        raise SystemExit("error: no synthesised tune calls: run eval_wording.py --set tune --stage audio first")
    from analyzer.pipeline import PipelineOptions

    analyzer = Analyzer(AnalyzeOptions(pipeline=PipelineOptions(asr_pack_s=24.0, casual_redecode=True)))
    analyzer.analyze_file(paths[0])  # warm-up
    asr = redecode = 0.0
    apologies = calls = 0
    for path in paths:
        report = analyzer.analyze_file(path)
        stages = report["timings"]["stages_s"]
        asr, redecode = asr + stages.get("asr", 0.0), redecode + stages.get("redecode", 0.0)
        apologies += report["summary"]["apologies"]
    calls = len(paths)
    out = {"calls": calls, "apologies": apologies, "asr_s_per_call": round(asr / calls, 3),
           "redecode_s_per_call": round(redecode / calls, 3),
           "redecode_ms_per_apology": round(1000 * redecode / max(apologies, 1), 1),
           "redecode_over_asr": round(redecode / max(asr, 1e-9), 3)}
    print(f"casual re-recognition: {out['redecode_ms_per_apology']:.0f} ms per apology, "
          f"{out['redecode_over_asr']:.2f} x the first recognition's time ({calls} calls, wall, same run)")
    return out


if __name__ == "__main__":
    sys.exit(main())
