"""Cost of the resegmentation (analyzer.reseg, issue 17 round 4): ``diarize`` with it off,
with the chosen settings (short windows around label changes only) and over whole uncertain
runs (the variant that mended the telephone call), alternated in one process on the same
files, so the ratios come from one run on a loaded machine; ``--analyze`` also times whole
``analyze`` runs of both files per variant, alternated, for the share of an analysis.
Writes benchmarks/results/diarize_reseg_cost_r4.json.

    python benchmarks/bench_reseg_cost.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--analyze", action="store_true")
    args = parser.parse_args()
    from analyzer.analyze import sample_call_path
    from analyzer.audio import load_audio
    from analyzer.diarize import DiarizeOptions, diarize
    from analyzer.reseg import ResegOptions
    from analyzer.speakers import SpeakerEncoder
    from analyzer.vad import load_silero_session
    from benchmarks.diarize_sets import SHARED

    files = [sample_call_path(), SHARED / "conversation" / "telephone_sample" / "sample.flac"]
    variants = {"off": None, "zones": ResegOptions(), "whole_runs": ResegOptions(reach_s=1e9)}
    vad, enc = load_silero_session(), SpeakerEncoder()
    clips, embed = [0], enc.embed

    def counted(batch, **kwargs):  # encoder inputs per variant (each tiled to 1.5 s: the same cost)
        clips[0] += len(batch)
        return embed(batch, **kwargs)

    enc.embed = counted
    out = {}
    for path in [f for f in files if f.is_file()]:
        samples = load_audio(path).samples
        audio_s = len(samples) / 16000
        seconds = {k: [] for k in variants}
        reseg_s = {k: [] for k in variants}
        encoder_clips = {}
        for _ in range(args.repeats):
            for key, reseg in variants.items():
                clips[0] = 0
                tic = time.perf_counter()
                d = diarize(samples, vad, enc, replace(DiarizeOptions(speakers="2" if "telephone" in str(path) else "auto"), reseg=reseg))
                seconds[key].append(time.perf_counter() - tic)
                reseg_s[key].append(d.timings.get("diarize_reseg", 0.0))
                encoder_clips[key] = clips[0]
        med = lambda v: sorted(v)[len(v) // 2] / audio_s  # noqa: E731
        row = {"audio_s": round(audio_s, 1), "speakers": d.speakers, "encoder_clips": encoder_clips}
        for key in variants:
            row[f"rtf_diarize_{key}"] = round(med(seconds[key]), 5)
            row[f"rtf_reseg_{key}"] = round(med(reseg_s[key]), 5)
            row[f"ratio_{key}"] = round(med(seconds[key]) / med(seconds["off"]), 3)
        out[path.name] = row
        print(path.name, row, flush=True)
    if args.analyze:
        out["analyze_both_files"] = whole_analyses([f for f in files if f.is_file()], variants, args.repeats)
    (ROOT / "benchmarks" / "results" / "diarize_reseg_cost_r4.json").write_text(json.dumps(out, indent=1) + "\n")
    return 0


def whole_analyses(files, variants, repeats: int) -> dict:
    """Seconds of whole ``analyze`` runs of ``files`` per variant (alternated), the diarize
    stage's share and its resegmentation part: medians over repeats, per audio second."""
    from analyzer.analyze import AnalyzeOptions, Analyzer

    base = AnalyzeOptions()
    analyzer = Analyzer(base)
    analyzer.analyze_file(files[0])  # warm-up: models loaded
    totals, diar, reseg = ({k: [] for k in variants} for _ in range(3))
    audio_s = 0.0
    for _ in range(repeats):
        for key, option in variants.items():
            analyzer.options = replace(base, diarize=replace(base.diarize, reseg=option))
            t = d = r = audio_s = 0.0
            for path in files:
                tic = time.perf_counter()
                report = analyzer.analyze_file(path)
                t += time.perf_counter() - tic
                stages = report["timings"]["stages_s"]
                d += stages.get("diarize", 0.0)
                r += stages.get("diarize_reseg", 0.0)
                audio_s += report["duration_s"]
            totals[key].append(t)
            diar[key].append(d)
            reseg[key].append(r)
    med = lambda v: sorted(v)[len(v) // 2] / audio_s  # noqa: E731
    out = {"audio_s": round(audio_s, 1), "repeats": repeats}
    for key in variants:
        out[key] = {"rtf_analyze": round(med(totals[key]), 4), "rtf_diarize": round(med(diar[key]), 4), "rtf_reseg": round(med(reseg[key]), 4),
                    "analyze_ratio_to_off": round(med(totals[key]) / med(totals["off"]), 3)}
    print(out, flush=True)
    return out


if __name__ == "__main__":
    sys.exit(main())
