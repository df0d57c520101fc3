"""Is a rushed apology's rate diluted by its breath group?  Per true apology of kept reports:
the rate over the apology's own words against the rate over the window it was measured on.

Run: python benchmarks/rushed_windows.py REPORTS_DIR [...] [--out FILE]

REPORTS_DIR: reports kept by ``eval_accuracy.py --reports DIR`` (their calls' truth files
beside the audio).  For every true apology (matched as eval_accuracy.py matches,
``analyzer.bench.accuracy.match``) it gives, each as a ratio to the agent's baseline rate
in the report:

- ``measured``: the reported ``rate_vs_baseline`` (the window: the finder's span grown
  inside its breath group to 3 s, ``analyzer.measures.delivery_window``);
- ``own_words``: the recognised words inside the finder's span alone, counted as the
  pipeline counts (syllables over the summed sentence durations, Whisper's word times);
- ``as_synthesised``: the script's syllables over the turn's time in the truth file (what
  the speed-up really produced: the synthesiser does not scale every turn by its factor).

Also where the window lies against the true turn (how much of the window is outside the
turn, i.e. normal-speed speech said with it) and the misses by class: not found, too few
syllables, measured below the threshold.  No threshold is read from these figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.bench.accuracy import match  # noqa: E402
from analyzer.config import load_thresholds  # noqa: E402
from analyzer.events import Word  # noqa: E402
from analyzer.measures import SENTENCE_PAUSE_S, syllables_of  # noqa: E402
from analyzer.syllables import word_syllables  # noqa: E402
from analyzer.wordspans import speech_duration, split_sentences  # noqa: E402
from benchmarks.per_voice import reports_with_truth  # noqa: E402


def words_rate(words: list[Word]) -> float | None:
    """Syllables per second over the words' sentences, as analyzer.measures.measure_span."""
    talking = sum(speech_duration(words[lo:hi]) for lo, hi in split_sentences(words, SENTENCE_PAUSE_S))
    return syllables_of(words) / talking if talking > 0 else None


def script_syllables(text: str) -> int:
    return sum(word_syllables(w) for w in text.replace(",", " ").replace(".", " ").replace("?", " ").split())


def rows_of(folders: list[Path]) -> list[dict]:
    t = load_thresholds().rushed
    rows = []
    for call, report, truth in reports_with_truth(folders):
        words = [Word(w["text"], w["start"], w["end"], w.get("probability", 1.0)) for w in report.get("words", [])]
        found_for = {id(a): f for a, f in match(report["apologies"], truth)}
        for a in truth:
            row = {"call": f"{call.parent.name}/{call.name}", "voice": call.name.split("_")[2], "delivery": a.get("delivery"),
                   "speed": a.get("speed"), "text": a["text"], "turn": [a["start"], a["end"]]}
            f = found_for.get(id(a))
            if f is None:
                rows.append({**row, "class": "not_found"})
                continue
            m, base = f["measures"], (f.get("baseline") or {}).get("speaking_rate_sps")
            lo, hi = m.get("measured_start_s") or f["start"], m.get("measured_end_s") or f["end"]
            own = words_rate([w for w in words if w.start >= f["start"] - 1e-3 and w.end <= f["end"] + 1e-3])
            outside = max(0.0, a["start"] - lo) + max(0.0, hi - a["end"])
            rushed = any(x["kind"] == "rushed" for x in f["flags"])
            cls = "flagged" if rushed else ("too_few_syllables" if m["syllables"] < t.min_syllables else "below_threshold")
            rows.append({
                **row,
                "class": cls,
                "window": [round(lo, 3), round(hi, 3)],
                "window_outside_turn_s": round(outside, 3),
                "syllables": m["syllables"],
                "rate_z": m.get("rate_z"),
                "measured": m.get("rate_vs_baseline"),
                "own_words": round(own / base, 3) if own and base else None,
                "as_synthesised": round(script_syllables(a["text"]) / (a["end"] - a["start"]) / base, 3) if base else None,
            })
    return rows


def summary(rows: list[dict]) -> dict:
    out = {}
    for name, want in (("rushed", lambda r: "rushed" in (r["delivery"] or "")), ("not_rushed", lambda r: "rushed" not in (r["delivery"] or ""))):
        group = [r for r in rows if want(r)]
        measured = [r for r in group if r.get("measured")]
        classes: dict[str, int] = {}
        for r in group:
            classes[r["class"]] = classes.get(r["class"], 0) + 1
        out[name] = {
            "apologies": len(group),
            "classes": classes,
            "median_measured": round(median(r["measured"] for r in measured), 3) if measured else None,
            "median_own_words": round(median(r["own_words"] for r in measured if r["own_words"]), 3) if measured else None,
            "median_as_synthesised": round(median(r["as_synthesised"] for r in measured if r["as_synthesised"]), 3) if measured else None,
            "measured_range": [min(r["measured"] for r in measured), max(r["measured"] for r in measured)] if measured else None,
            "windows_reaching_outside_turn_by_0.3s_plus": sum(1 for r in measured if r["window_outside_turn_s"] >= 0.3),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    rows = rows_of(args.reports)
    for r in rows:
        if "rushed" in (r["delivery"] or "") or r["class"] == "flagged":
            fig = "" if r["class"] == "not_found" else (
                f"measured {r['measured']:.2f}x own words {r['own_words'] or float('nan'):.2f}x as synthesised {r['as_synthesised']:.2f}x "
                f"{r['syllables']} syll, {r['window_outside_turn_s']:.2f} s outside the turn")
            print(f"{r['call']:<48} {r['delivery']:<20} speed {r['speed']:.2f} {r['class']:<18} {fig}")
    s = summary(rows)
    print(json.dumps(s, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"reports": [str(f) for f in args.reports], "summary": s, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
