"""What an apology heard before the agent's own baseline should be judged against.

Live, an apology in the first seconds of a call comes before the agent's own rate and
pitch are known.  This re-judges every apology of evaluation-call reports
(``eval_accuracy.py --reports DIR``) against each stand-in a live session could use
instead, and scores the rushed / flat flags against the calls' truth:

  agent        the agent's own baseline (what holding the judgement until it is known gives)
  population   the population defaults of analyzer/default_config.toml (read speech)
  conversation defaults measured on conversational speech (AMI meetings and the telephone
               call in calibration.json: median sentence rate and 10-90 % range)

(cheerful needs the agent's pitch level; no default is used for it.)  Also counts, per
report, how many apologies were judged before the baseline was established.
Run: python benchmarks/early_baseline.py REPORTS_DIR [...]; writes
benchmarks/results/early_baseline.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.config import load_thresholds  # noqa: E402
from analyzer.judge import is_flat, is_rushed  # noqa: E402


def conversation_defaults(calibration: Path) -> tuple[float, float, int]:
    rows = json.loads(calibration.read_text())["spans"]
    conv = [r for r in rows if "conversation" in r["file"] and r["channel"] == "wideband"]
    rate = float(np.median([r["rate_sps"] for r in conv if r["syllables"] >= 5]))
    spread = float(np.median([r["range_st"] for r in conv if r["voiced_s"] >= 0.6 and r["range_st"] is not None]))
    return rate, spread, len(conv)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--calibration", type=Path, default=ROOT / "benchmarks/results/calibration.json")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/early_baseline.json")
    args = parser.parse_args()
    t = load_thresholds()
    conv_rate, conv_range, conv_n = conversation_defaults(args.calibration)
    stand_ins = {"population": (t.baseline.speaking_rate_sps, t.baseline.pitch_range_st), "conversation": (conv_rate, conv_range)}
    counts = {k: {f: {"tp": 0, "fp": 0, "fn": 0} for f in ("rushed", "flat")} for k in ("agent", *stand_ins)}
    judged_on_default = apologies = 0
    for folder in args.reports:
        for rpath in sorted(folder.rglob("*.report.json")):
            report = json.loads(rpath.read_text())
            call = Path(report["source"]["path"])
            truth = json.loads(call.with_name(call.name + ".truth.json").read_text())["apologies"]
            for a in report["apologies"]:
                apologies += 1
                judged_on_default += a["baseline"]["rate_source"] != "call" or a["baseline"]["pitch_source"] != "call"
                match = [x for x in truth if min(x["end"], a["end"]) > max(x["start"], a["start"])]
                want = set(match[0]["expected_flags"]) if match else set()
                m = a["measures"]
                got = {"agent": {f["kind"] for f in a["flags"]}}
                for name, (rate, spread) in stand_ins.items():
                    flags = set()
                    if is_rushed(m["speaking_rate_sps"], m["speaking_rate_sps"] / rate, m["syllables"], t.rushed):
                        flags.add("rushed")
                    if m["pitch_range_st"] is not None and m["voiced_s"] >= t.flat.min_voiced_s and is_flat(m["pitch_range_st"], m["pitch_range_st"] / spread, t.flat):
                        flags.add("flat")
                    got[name] = flags
                for name, flags in got.items():
                    for kind in ("rushed", "flat"):
                        c = counts[name][kind]
                        if kind in flags and kind in want:
                            c["tp"] += 1
                        elif kind in flags:
                            c["fp"] += 1
                        elif kind in want:
                            c["fn"] += 1
    out = {"apologies": apologies, "judged_before_baseline_known": judged_on_default, "conversation_defaults": {"speaking_rate_sps": conv_rate, "pitch_range_st": conv_range, "sentences": conv_n}, "scores": {}}
    print(f"{apologies} apologies, {judged_on_default} judged before the agent's baseline was known")
    print(f"conversation defaults: {conv_rate:.2f} syll/s, range {conv_range:.2f} st ({conv_n} sentences)")
    for name, kinds in counts.items():
        line = []
        for kind, c in kinds.items():
            p = c["tp"] / max(c["tp"] + c["fp"], 1)
            r = c["tp"] / max(c["tp"] + c["fn"], 1)
            f1 = 2 * p * r / max(p + r, 1e-9)
            out["scores"].setdefault(name, {})[kind] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3), **c}
            line.append(f"{kind} P {p:.2f} R {r:.2f} F1 {f1:.2f}")
        print(f"{name:<13} " + "; ".join(line))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
