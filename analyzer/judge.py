"""The judgement: measures against the baseline and thresholds become tone flags.

Every flag's reason names what was measured and what it was compared against.
"""

from __future__ import annotations

from typing import Optional, Sequence

from .config import CheerfulThresholds, FlatThresholds, RushedThresholds, Thresholds
from .events import Baseline, DeliveryMeasures, Flag, LaughterSegment
from .measures import judged_log_spread

TONE_FLAGS = ("rushed", "cheerful", "flat", "nervous_laugh")


def _basis(baseline: Baseline, source: str) -> str:
    return "this agent's usual" if source == "call" else "the population default"


# The rules on bare numbers, shared with benchmarks/calibrate.py (false-flag rates).


def is_rushed(rate_sps: float, rate_z: float, syllables: int, r: RushedThresholds) -> bool:
    """rate_z: log rate ratio over the agent's sentence spread (analyzer.measures.compare)."""
    return syllables >= r.min_syllables and rate_z >= r.min_rate_z and rate_sps >= r.min_rate_sps


def is_cheerful(shift_st: float, peak_shift_st: float, c: CheerfulThresholds) -> bool:
    return shift_st >= c.min_pitch_shift_st and peak_shift_st >= c.min_peak_shift_st


def is_flat(range_st: float, range_ratio: float, f: FlatThresholds) -> bool:
    return range_ratio <= f.max_range_ratio and range_st <= f.max_range_st


def pace_band(rate_ratio: Optional[float], rate_source: str, t: Thresholds) -> str:
    """The live pace gauge's band for an utterance: "unknown" until the agent's own rate
    is known (a population default is not this agent's usual), else "comfortable",
    "brisk" or "fast" (the rushed ratio)."""
    if rate_ratio is None or rate_source != "call":
        return "unknown"
    if rate_ratio >= t.rushed.min_rate_ratio:
        return "fast"
    return "brisk" if rate_ratio >= t.pace.brisk_ratio else "comfortable"


def judge_rushed(m: DeliveryMeasures, b: Baseline, t: Thresholds) -> list[Flag]:
    ratio, z = m.rate_vs_baseline, m.rate_z
    r = t.rushed
    if ratio is None or z is None or not is_rushed(m.speaking_rate_sps, z, m.syllables, r):
        return []
    if b.rate_log_spread is not None:
        judged = judged_log_spread(b.rate_log_spread, b.rate_sentences, r.population_log_spread, r.spread_prior_sentences)
        spread = f"this agent's sentence-to-sentence spread, log s.d. {b.rate_log_spread:.2f} over {b.rate_sentences} sentences"
        if r.spread_prior_sentences > 0:
            spread += f", pooled with real speech's {r.population_log_spread:.2f} as {r.spread_prior_sentences:g} sentences: {judged:.2f}"
    else:
        spread = f"real speech's sentence-to-sentence spread, log s.d. {r.population_log_spread:.2f}: too few of this agent's sentences yet"
    reason = (
        f"{m.speaking_rate_sps:.1f} syll/s, {ratio:.2f}x {_basis(b, b.rate_source)} "
        f"{b.speaking_rate_sps:.1f} syll/s, {z:.1f} spreads above it ({spread}; "
        f"thresholds {r.min_rate_z:.1f} spreads and {r.min_rate_sps:.1f} syll/s)"
    )
    return [Flag("rushed", reason, round(z, 3), r.min_rate_z, measured=round(m.speaking_rate_sps, 2),
                 usual=round(b.speaking_rate_sps, 2), usual_source=b.rate_source)]


def judge_cheerful(m: DeliveryMeasures, b: Baseline, t: Thresholds) -> list[Flag]:
    c = t.cheerful
    shift, peak = m.pitch_shift_st, m.peak_shift_st
    if shift is None or peak is None or m.voiced_s < c.min_voiced_s:
        return []
    if not is_cheerful(shift, peak, c):
        return []
    reason = (
        f"pitch {shift:+.1f} st above {_basis(b, b.pitch_source)} {b.pitch_median_hz:.0f} Hz "
        f"(threshold +{c.min_pitch_shift_st:.1f} st), peaks {peak:+.1f} st above the usual "
        f"{b.pitch_peak_hz:.0f} Hz (threshold +{c.min_peak_shift_st:.1f} st); range {m.pitch_range_st:.1f} st "
        f"vs usual {b.pitch_range_st:.1f} st"
    )
    return [Flag("cheerful", reason, round(shift, 3), c.min_pitch_shift_st, measured=round(shift, 2),
                 usual_source=b.pitch_source)]


def judge_flat(m: DeliveryMeasures, b: Baseline, t: Thresholds) -> list[Flag]:
    f = t.flat
    ratio = m.range_vs_baseline
    if ratio is None or m.pitch_range_st is None or m.voiced_s < f.min_voiced_s:
        return []
    if not is_flat(m.pitch_range_st, ratio, f):
        return []
    reason = (
        f"pitch range {m.pitch_range_st:.1f} st vs {_basis(b, b.pitch_source)} {b.pitch_range_st:.1f} st "
        f"({ratio:.2f}x, threshold {f.max_range_ratio:.2f}x and {f.max_range_st:.1f} st): a flat, mechanical read"
    )
    return [Flag("flat", reason, round(m.pitch_range_st, 3), f.max_range_st, measured=round(m.pitch_range_st, 2),
                 usual=round(b.pitch_range_st, 2), usual_source=b.pitch_source)]


def laughter_near(start: float, end: float, laughter: Sequence[LaughterSegment], margin_s: float) -> list[LaughterSegment]:
    """Laughter segments overlapping [start - margin_s, end + margin_s]."""
    return [s for s in laughter if s.end > start - margin_s and s.start < end + margin_s]


def laughter_seconds(start: float, end: float, laughter: Sequence[LaughterSegment], margin_s: float) -> float:
    """Seconds of laughter within [start - margin_s, end + margin_s]."""
    lo, hi = start - margin_s, end + margin_s
    return sum(max(0.0, min(s.end, hi) - max(s.start, lo)) for s in laughter)


def judge_laughter(start: float, end: float, laughter: Sequence[LaughterSegment], t: Thresholds) -> list[Flag]:
    margin = t.nervous_laugh.margin_s
    near = laughter_near(start, end, laughter, margin)
    total = laughter_seconds(start, end, laughter, margin)
    if not near or total < t.nervous_laugh.min_laughter_s:
        return []
    first = near[0]
    if first.start < end and first.end > start:
        where = "during the apology"
    elif first.start >= end:
        where = f"{first.start - end:.1f} s after the apology"
    else:
        where = f"{start - first.end:.1f} s before the apology"
    reason = (
        f"laughter {where} ({first.start:.1f}-{first.end:.1f} s, {total:.1f} s within "
        f"{margin:.1f} s of it, peak probability {max(s.probability for s in near):.2f})"
    )
    return [Flag("nervous_laugh", reason, round(total, 3), t.nervous_laugh.min_laughter_s, measured=round(total, 2))]


def judge_delivery(m: DeliveryMeasures, b: Baseline, t: Thresholds) -> list[Flag]:
    """Rushed, cheerful and flat flags for compared measures (see measures.compare)."""
    return judge_rushed(m, b, t) + judge_cheerful(m, b, t) + judge_flat(m, b, t)
