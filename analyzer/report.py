"""Reports: the JSON contract (``sincerity.report/1``) and the readable terminal table.

Built only from pipeline events, so a live session and a file run report alike.
Contract names kept stable: schema, duration_s, apologies[{start, end, text, measures:
{speaking_rate_sps, rate_vs_baseline, pitch_shift_st, pitch_range_st, laughter_s, ...},
flags[{kind, reason}]}], laughter[{start, end}].  New fields may be added, never renamed.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Iterable, Optional

from .events import Event, JudgedApology, LaughterSegment, StatusEvent, WordsEvent, rounded

SCHEMA = "sincerity.report/1"


def _apology_dict(j: JudgedApology) -> dict[str, Any]:
    a = j.apology
    return {
        "start": a.start,
        "end": a.end,
        "text": a.text,
        "keyword": a.keyword,
        "measures": asdict(j.measures),
        "baseline": asdict(j.baseline),
        "flags": [{"kind": f.kind, "reason": f.reason, "category": f.category, "value": f.value, "threshold": f.threshold,
                   "measured": f.measured, "usual": f.usual, "usual_source": f.usual_source} for f in j.flags],
        "emitted_at_s": j.emitted_at_s,
    }


def build_report(
    events: Iterable[Event],
    duration_s: float,
    source: Optional[dict] = None,
    model: Optional[dict] = None,
    timings: Optional[dict] = None,
    profile: Optional[dict] = None,
    baseline: Optional[dict] = None,
    include_words: bool = True,
    timeline: Optional[dict] = None,
) -> dict[str, Any]:
    """The JSON-ready report of one analysed recording (times in s of the channel)."""
    apologies, laughter, warnings, words = [], [], [], []
    for e in events:
        if isinstance(e, JudgedApology):
            apologies.append(_apology_dict(e))
        elif isinstance(e, LaughterSegment):
            laughter.append({"start": e.start, "end": e.end, "probability": e.probability})
        elif isinstance(e, StatusEvent) and e.status == "warning":
            warnings.append(e.message)
        elif isinstance(e, WordsEvent) and include_words:
            words += [{"text": w.text.strip(), "start": w.start, "end": w.end, "probability": w.probability} for w in e.words]
    flag_counts: dict[str, int] = {}
    for a in apologies:
        for f in a["flags"]:
            flag_counts[f["kind"]] = flag_counts.get(f["kind"], 0) + 1
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "duration_s": duration_s,
        "source": source or {},
        "model": model or {},
        "apologies": apologies,
        "laughter": laughter,
        "summary": {
            "apologies": len(apologies),
            "flagged_apologies": sum(1 for a in apologies if a["flags"]),
            "flags": flag_counts,
            "followed_through": sum(1 for a in apologies if not any(f["kind"] == "no_action" for f in a["flags"])),
        },
        "baseline": baseline,
        "warnings": warnings,
        "timings": timings or {},
    }
    if profile is not None:
        report["all_speech"] = profile
    if include_words:
        report["words"] = words
    if timeline is not None:
        report["timeline"] = timeline
    return rounded(report)


def render_text(report: dict[str, Any], name: str = "") -> str:
    """A readable table of the apologies and their flags (plain text, no colour)."""
    lines = []
    header = f"{name}  " if name else ""
    s = report["summary"]
    lines.append(
        f"{header}{report['duration_s']:.1f} s analysed, {s['apologies']} apolog{'y' if s['apologies'] == 1 else 'ies'}, "
        f"{s['flagged_apologies']} flagged"
    )
    for a in report["apologies"]:
        m = a["measures"]
        lines.append(f"{a['start']:6.1f}-{a['end']:.1f} s  \"{a['text']}\"")
        pitch = f", pitch {m['pitch_median_hz']:.0f} Hz range {m['pitch_range_st']:.1f} st" if m.get("pitch_median_hz") and m.get("pitch_range_st") is not None else ""
        lines.append(f"  {'measured':<13} {m['speaking_rate_sps']:.1f} syll/s{pitch}")
        if not a["flags"]:
            lines.append(f"  {'ok':<13} no flag")
        for f in a["flags"]:
            reason = f["reason"].removeprefix(f"{f['kind']}: ")
            lines.append(f"  {f['kind']:<13} {reason}")
    if report.get("laughter"):
        spans = ", ".join(f"{l['start']:.1f}-{l['end']:.1f} s" for l in report["laughter"])
        lines.append(f"laughter: {spans}")
    if "all_speech" in report:
        p = report["all_speech"]
        rate = f"{p['speaking_rate_sps']:.1f} syll/s" if p.get("speaking_rate_sps") is not None else "rate n/a"
        median = f"{p['pitch_median_hz']:.0f} Hz" if p.get("pitch_median_hz") else "n/a"
        spread = f"{p['pitch_range_st']:.1f} st" if p.get("pitch_range_st") is not None else "n/a"
        lines.append(
            f"all speech: {p['speech_s']:.1f} s, {rate} ({p.get('syllables', 0)} syllables), pitch median {median} "
            f"({p.get('voiced_s', 0.0):.1f} s voiced), typical range {spread}"
        )
    return "\n".join(lines)
