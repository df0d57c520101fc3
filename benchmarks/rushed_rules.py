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
ROUND3_MIN_SYLLABLES = 6  # the variants below judged apologies of 6+ syllables until round 4


def _gate(rate_sps: float, syllables: int, min_syllables: int = ROUND3_MIN_SYLLABLES) -> bool:
    return syllables >= min_syllables and rate_sps >= T.min_rate_sps


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


def spread_pooled_5_syllables(rate, ratio, syl, own, n):
    """Today's rule judged from 5 syllables ("Sorry, go ahead.") instead of 6; its null rate
    is over the real sentences it may judge (5+ syllables)."""
    return _gate(rate, syl, 5) and _z(ratio, judged_log_spread(own, n, POP, MIN_SENTENCES)) >= T.min_rate_z


# Each variant with the fewest syllables it judges (its null rate is over those sentences).
VARIANTS: dict[str, tuple[Variant, int]] = {
    "ratio 1.4x (previous)": (ratio_rule, ROUND3_MIN_SYLLABLES),
    "spread z 1.8, the agent's own": (spread_rule, ROUND3_MIN_SYLLABLES),
    "spread, floored at real speech's 0.182": (spread_floored, ROUND3_MIN_SYLLABLES),
    "spread pooled with real speech's (4 sentences' weight) (round 3)": (spread_pooled, ROUND3_MIN_SYLLABLES),
    "spread pooled, from 5 syllables (round 4)": (spread_pooled_5_syllables, 5),
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


def null_rate(spans: list[dict], variant: Variant, channel: str, min_syllables: int = ROUND3_MIN_SYLLABLES) -> tuple[float, int]:
    """Share of real non-apology sentences (of min_syllables+) the variant flags, and how
    many sentences that is over."""
    rows = [r for r in spans if r["channel"] == channel and r["syllables"] >= min_syllables and r["rate_ratio"]]
    per_file = {}
    for r in rows:
        per_file[r["file"]] = per_file.get(r["file"], 0) + 1
    # Rows of calibration.json written before calibrate.py kept "rate_sentences": the rest
    # of the recording's sentences (its judged sentences but this one) stand in for it.
    fired = [
        variant(r["rate_sps"], r["rate_ratio"], r["syllables"], r["rate_log_spread"], int(r.get("rate_sentences") or per_file[r["file"]] - 1))
        for r in rows
    ]
    return sum(fired) / len(fired), len(fired)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--calibration", type=Path, default=ROOT / "benchmarks/results/calibration.json")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    spans = json.loads(args.calibration.read_text())["spans"]
    record = {"reports": [str(f) for f in args.reports], "variants": {}}
    print(f"{'variant':<66} {'F1':>5} {'P':>5} {'R':>5}  tp/fp/fn  null wideband / telephone")
    for name, (variant, min_syllables) in VARIANTS.items():
        s = score_reports(args.reports, variant)
        rates = {c: null_rate(spans, variant, c, min_syllables) for c in ("wideband", "telephone")}
        null = {c: round(rate, 4) for c, (rate, _n) in rates.items()}
        record["variants"][name] = {"rushed": s, "null_false_flag_rate": null, "null_sentences": {c: n for c, (_r, n) in rates.items()}}
        print(f"{name:<66} {s['f1']:5.2f} {s['precision']:5.2f} {s['recall']:5.2f}  {s['tp']}/{s['fp']}/{s['fn']}  {null['wideband']:.3f} / {null['telephone']:.3f}")
    if args.out:
        args.out.write_text(json.dumps(record, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
