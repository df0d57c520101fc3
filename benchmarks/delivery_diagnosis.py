"""Why a tone flag or an apology was missed or raised falsely: every error of the kept
reports, with what was measured, what the synthesis did, and a failure class.

Run: python benchmarks/delivery_diagnosis.py REPORTS_DIR [...] [--out FILE]
(reports from ``eval_accuracy.py --reports DIR``; each report's call and its truth file
must still be where the report says).  Classes, assigned from the report alone:

- ``dropped_as_other_speaker``: no found apology overlaps the true one and diarization gave
  a tenth or more of its time to the other party (a one-voice mono call split in two);
- ``apology_not_found``: no found apology overlaps the true one (words heard there shown);
- ``false_apology``: a found apology overlapping no true one;
- ``span_cut``: the measured window covers under half of the apology as spoken (the turn:
  the finder's sentence or clause is a part of it, e.g. "Um, I'm sorry," before the rest);
- ``too_little_voicing``: the window holds fewer voiced frames than the rule needs;
- ``too_few_syllables``: ``rushed`` not judged (under its syllable minimum);
- ``below_threshold`` / ``above_threshold``: measured on enough speech, on the wrong side
  of the threshold (the measure's value and the threshold are shown).

Prints one line per error and the class counts; ``--out`` writes them as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.bench.accuracy import match  # noqa: E402
from analyzer.config import load_thresholds  # noqa: E402
from benchmarks.per_voice import reports_with_truth  # noqa: E402

DELIVERY = ("rushed", "cheerful", "flat")


def _window(found: dict) -> tuple[float, float]:
    m = found["measures"]
    return (m.get("measured_start_s") or found["start"], m.get("measured_end_s") or found["end"])


def _coverage(truth: dict, found: dict) -> float:
    lo, hi = _window(found)
    return max(0.0, min(hi, truth["end"]) - max(lo, truth["start"])) / max(truth["end"] - truth["start"], 1e-6)


def _measure(kind: str, m: dict, t) -> str:
    """The figures the rule of ``kind`` reads, with its thresholds."""
    if kind == "rushed":
        return f"rate {m['speaking_rate_sps']:.1f} syll/s, {m.get('rate_vs_baseline') or 0:.2f}x, z {m.get('rate_z') or 0:.2f} (>= {t.rushed.min_rate_z}), {m['syllables']} syll"
    shift, peak, rng, ratio = (m.get(k) for k in ("pitch_shift_st", "peak_shift_st", "pitch_range_st", "range_vs_baseline"))
    fmt = lambda v: "n/a" if v is None else f"{v:+.1f}"  # noqa: E731
    if kind == "cheerful":
        return f"shift {fmt(shift)} st (>= {t.cheerful.min_pitch_shift_st}), peak {fmt(peak)} st (>= {t.cheerful.min_peak_shift_st}), voiced {m['voiced_s']:.2f} s (>= {t.cheerful.min_voiced_s})"
    return f"range {fmt(rng)} st (<= {t.flat.max_range_st}), {fmt(ratio)}x (<= {t.flat.max_range_ratio}), voiced {m['voiced_s']:.2f} s (>= {t.flat.min_voiced_s})"


def _classify(kind: str, truth: dict, found: dict, t, missed: bool) -> str:
    m = found["measures"]
    if _coverage(truth, found) < 0.5:
        return "span_cut"
    if kind == "rushed" and m["syllables"] < t.rushed.min_syllables:
        return "too_few_syllables"
    if kind in ("cheerful", "flat") and m["voiced_s"] < getattr(t, kind).min_voiced_s:
        return "too_little_voicing"
    return "below_threshold" if missed else "above_threshold"


def _other_speaker_share(report: dict, truth: dict) -> float:
    """Share of the true apology's time that diarization gave to the other party (mono calls
    of one voice split in two: the apology's words never reach the finder)."""
    other = sum(max(0.0, min(t["end"], truth["end"]) - max(t["start"], truth["start"])) for t in report.get("speaker_turns", []) if t["speaker"] != "agent")
    return other / max(truth["end"] - truth["start"], 1e-6)


def _words_near(report: dict, lo: float, hi: float) -> str:
    return " ".join(w["text"] for w in report.get("words", []) if w["end"] > lo and w["start"] < hi)


def diagnose(folders: list[Path]) -> list[dict]:
    """One row per apology or delivery-flag error of the reports under ``folders``."""
    t = load_thresholds()
    rows = []
    for call, report, truth in reports_with_truth(folders):
        found = report["apologies"]
        pairs = match(found, truth)
        name = f"{call.parent.name}/{call.name}"
        matched_truth = {id(a) for a, _ in pairs}
        matched_found = {id(f) for _, f in pairs}
        for a in truth:
            if id(a) not in matched_truth:
                cls = "dropped_as_other_speaker" if _other_speaker_share(report, a) >= 0.1 else "apology_not_found"
                rows.append({"call": name, "error": "missed apology", "class": cls, "truth_start": a["start"], "delivery": a.get("delivery"), "text": a["text"], "heard": _words_near(report, a["start"], a["end"])})
        for f in found:
            if id(f) not in matched_found:
                rows.append({"call": name, "error": "false apology", "class": "false_apology", "found_start": round(f["start"], 2), "text": f["text"], "flags": [x["kind"] for x in f["flags"]]})
        for a, f in pairs:
            raised = {x["kind"] for x in f["flags"]}
            for kind in DELIVERY:
                expected = kind in a.get("expected_flags", [])
                if expected == (kind in raised):
                    continue
                lo, hi = _window(f)
                rows.append(
                    {
                        "call": name,
                        "error": f"{'missed' if expected else 'false'} {kind}",
                        "class": _classify(kind, a, f, t, expected),
                        "truth": {"start": a["start"], "end": a["end"], "text": a["text"], "delivery": a.get("delivery"), "speed": a.get("speed"), "shift_st": a.get("shift_semitones"), "excursion": a.get("excursion_scale")},
                        "found": {"start": round(f["start"], 2), "end": round(f["end"], 2), "text": f["text"], "window": [round(lo, 2), round(hi, 2)], "coverage": round(_coverage(a, f), 2)},
                        "measured": _measure(kind, f["measures"], t),
                    }
                )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    rows = diagnose(args.reports)
    for r in rows:
        where = r.get("found", {}).get("window") or r.get("truth_start") or r.get("found_start")
        detail = r.get("measured") or r.get("heard") or r.get("text")
        text = r["truth"]["text"] if "truth" in r else r.get("text", "")
        print(f"{r['call']:<42} {r['error']:<15} {r['class']:<19} {where}  {text[:50]!r}  {detail}")
    counts = Counter((r["error"].split()[-1], r["class"]) for r in rows)
    print("\n" + "\n".join(f"{kind:<9} {cls:<19} {n}" for (kind, cls), n in sorted(counts.items())))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        summary: dict = {}
        for (kind, cls), n in sorted(counts.items()):
            summary.setdefault(kind, {})[cls] = n
        args.out.write_text(json.dumps({"classes": summary, "errors": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
