"""Tone-flag F1 per agent voice, from the reports ``eval_accuracy.py --reports DIR`` kept.

Run: python benchmarks/per_voice.py REPORTS_DIR [...] [--out FILE]
Scores each saved report against its call's truth exactly as eval_accuracy.py does, with
one tally per voice (the call file's third name part: joe, hibari, espeak).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.eval_accuracy import Tally, load_truth, score_call  # noqa: E402


def reports_with_truth(folders):
    """(call path, report, true apologies) for every report kept under ``folders``."""
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.report.json")):
            report = json.loads(path.read_text())
            call = Path(report["source"]["path"])
            truth, _ = load_truth(call.with_name(call.name + ".truth.json"))
            yield call, report, truth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    per_voice: dict[str, Tally] = {}
    for call, report, truth in reports_with_truth(args.reports):
        score_call(report["apologies"], truth, per_voice.setdefault(call.name.split("_")[2], Tally()))
    summary = {voice: tally.summary() for voice, tally in sorted(per_voice.items())}
    for voice, s in summary.items():
        flags = "  ".join(f"{k} {v['f1']:.2f} ({v['tp']}/{v['fp']}/{v['fn']})" for k, v in s["flags"].items())
        print(f"{voice:<7} apologies P {s['apologies']['precision']:.2f} R {s['apologies']['recall']:.2f}  {flags}")
    if args.out:
        args.out.write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
