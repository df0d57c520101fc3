"""Which `rushed` rule: each variant scored on kept reports and on real non-apology speech.

Run: python benchmarks/rushed_rules.py REPORTS_DIR [...] [--calibration FILE] [--out FILE]

REPORTS_DIR: reports kept by ``eval_accuracy.py --reports DIR`` (their calls' truth files
beside the audio).  Every found apology is re-judged with each variant from its recorded
measures (rate, ratio to the baseline, syllables) and baseline (the agent's spread of
sentence rates and how many sentences it rests on), then scored exactly as
eval_accuracy.py scores (``analyzer.bench.accuracy.score_call``).  The false-flag rate of
each variant is measured on the real non-apology sentences of ``calibrate.py``
(``calibration.json`` spans, wideband and telephone), the guard a variant must keep
(at or below the configured rule's).  No threshold is fitted here: every variant's number
comes from real speech (calibrate.py) or is the rule in use.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.bench.accuracy import Tally, score_call  # noqa: E402
from benchmarks.per_voice import reports_with_truth  # noqa: E402
from analyzer.config import load_thresholds  # noqa: E402
from analyzer.measures import judged_log_spread  # noqa: E402

T = load_thresholds().rushed
POP = T.population_log_spread  # real speech's median spread (calibrate.py)
MIN_SENTENCES = 4  # the baseline's min_spread_sentences


def _gate(rate_sps: float, syllables: int) -> bool:
    return syllables >= T.min_syllables and rate_sps >= T.min_rate_sps


def _z(ratio: float, spread: float) -> float:
    return math.log(ratio) / spread


# Each variant: (rate_sps, ratio, syllables, own spread or None, sentences it rests on) -> fires?
Variant = Callable[[float, float, int, Optional[float], int], bool]


def ratio_rule(rate, ratio, syl, own, n):  # the rule before the spread rule
    return _gate(rate, syl) and ratio >= T.min_rate_ratio


def spread_rule(rate, ratio, syl, own, n):  # today's rule
    return _gate(rate, syl) and _z(ratio, own or POP) >= T.min_rate_z


def spread_floored(rate, ratio, syl, own, n):
    """An agent never counts as steadier than real speech's median speaker."""
    return _gate(rate, syl) and _z(ratio, max(own or POP, POP)) >= T.min_rate_z


def spread_pooled(rate, ratio, syl, own, n):
    """The agent's spread pooled with real speech's, the latter weighted as the
    MIN_SENTENCES sentences a spread needs (a s.d. of few sentences is uncertain)."""
    return _gate(rate, syl) and _z(ratio, judged_log_spread(own, n, POP, MIN_SENTENCES)) >= T.min_rate_z


VARIANTS: dict[str, Variant] = {
    "ratio 1.4x (previous)": ratio_rule,
    "spread z 1.8, the agent's own": spread_rule,
    "spread, floored at real speech's 0.182": spread_floored,
    "spread pooled with real speech's (4 sentences' weight)": spread_pooled,
}


def rejudged(report: dict, variant: Variant) -> list[dict]:
    """The report's apologies with the rushed flag set by ``variant`` alone."""
    out = []
    for a in report["apologies"]:
        m, b = a["measures"], a.get("baseline") or {}
        ratio = m.get("rate_vs_baseline")
        fires = bool(ratio) and variant(m["speaking_rate_sps"], ratio, m["syllables"], b.get("rate_log_spread"), int(b.get("rate_sentences") or 0))
        out.append({**a, "flags": [{"kind": "rushed"}] if fires else []})
    return out


def score_reports(folders: list[Path], variant: Variant) -> dict:
    tally = Tally(kinds=("rushed",))
    for _call, report, truth in reports_with_truth(folders):
        score_call(rejudged(report, variant), truth, tally)
    return tally.summary()["flags"]["rushed"]


def null_rate(spans: list[dict], variant: Variant, channel: str) -> float:
    """Share of real non-apology sentences (of min_syllables+) the variant flags."""
    rows = [r for r in spans if r["channel"] == channel and r["syllables"] >= T.min_syllables and r["rate_ratio"]]
    per_file = {}
    for r in rows:
        per_file[r["file"]] = per_file.get(r["file"], 0) + 1
    # Rows of calibration.json written before calibrate.py kept "rate_sentences": the rest
    # of the recording's sentences (its judged sentences but this one) stand in for it.
    fired = [
        variant(r["rate_sps"], r["rate_ratio"], r["syllables"], r["rate_log_spread"], int(r.get("rate_sentences") or per_file[r["file"]] - 1))
        for r in rows
    ]
    return sum(fired) / len(fired)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--calibration", type=Path, default=ROOT / "benchmarks/results/calibration.json")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    spans = json.loads(args.calibration.read_text())["spans"]
    record = {"reports": [str(f) for f in args.reports], "variants": {}}
    print(f"{'variant':<56} {'F1':>5} {'P':>5} {'R':>5}  tp/fp/fn  null wideband / telephone")
    for name, variant in VARIANTS.items():
        s = score_reports(args.reports, variant)
        null = {c: round(null_rate(spans, variant, c), 4) for c in ("wideband", "telephone")}
        record["variants"][name] = {"rushed": s, "null_false_flag_rate": null}
        print(f"{name:<56} {s['f1']:5.2f} {s['precision']:5.2f} {s['recall']:5.2f}  {s['tp']}/{s['fp']}/{s['fn']}  {null['wideband']:.3f} / {null['telephone']:.3f}")
    if args.out:
        args.out.write_text(json.dumps(record, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
