"""Wording flags and apology finding on the independently written wording sets.

    python benchmarks/eval_wording.py [--set tune|untuned] [--stage text|audio|both]
                                      [--limit N] [--tag NAME] [--show-errors]

Data: ``benchmarks/wording_eval/<set>.jsonl``, one item per line
``{"id", "before", "apology", "after", "is_apology", "labels", "industry"}`` (written by
authors who never saw the rules; see that folder's README).  A held-out set is never
tuned on: only its aggregate scores are printed, never its items (``--show-errors`` is
refused).  Held out since round 4: ``untuned4`` and later sets (``held_out``); ``untuned``,
``untuned2`` and ``untuned3`` are tuning material now.

Two stages, scored the same way:
- text: the item's words get synthetic times (``bench_language.item_words``); the apology
  finder runs over before + apology + after as one utterance; the wording judge runs on
  each found apology that overlaps the item's apology sentence, as the pipeline does;
- audio: each item is spoken as one short call (before / apology / after turns, one voice
  per item, joe / hibari / espeak in turn), cached as FLAC under
  ``benchmarks/out/wording_eval/<set>/``, and run through the real ``Analyzer``; the
  reported apologies that overlap the apology turn are the item's.

Scores: apology P/R (an item is found when some reported apology overlaps its apology
part; non-apology "sorry"s must not be found), and per flag P/R over the apology items
(a missed apology predicts no flags).  Writes ``benchmarks/results/wording_<set>_<tag>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.events import Word  # noqa: E402
from benchmarks.bench_language import _scores, item_words  # noqa: E402

KINDS = ("qualified", "minimizing", "casual", "scripted", "no_empathy", "no_action")
DATA = ROOT / "benchmarks" / "wording_eval"
# The synthesised calls: shared generated audio; WORDING_AUDIO_CACHE moves it (a helper
# writes only into its own subfolder of benchmarks/out).
AUDIO_CACHE = Path(os.environ.get("WORDING_AUDIO_CACHE", ROOT / "benchmarks" / "out" / "wording_eval"))
VOICES = ("joe", "hibari", "espeak")
TURN_PAUSE_S = 0.6
ACTION_WINDOW_S = 8.0  # the pipeline hands the judge this much "after" (LanguageOptions)


# tune: looked at and tuned on; untuned*: scored blind, only aggregates ever printed,
# until a later round tunes on it (untuned2 from round 3 on, untuned and untuned3 from
# round 4 on). The first set still held out is untuned4: it and every later one is refused.
FIRST_HELD_OUT = 4
SETS = tuple(sorted(p.stem for p in DATA.glob("*.jsonl")))


def held_out(name: str) -> bool:
    """Whether a set is still held out: ``untuned4``, ``untuned5``, ... (never shown)."""
    match = re.match(r"untuned(\d+)", name)
    return bool(match) and int(match.group(1)) >= FIRST_HELD_OUT


def load_items(name: str) -> list[dict]:
    path = DATA / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# ------------------------------------------------------------------------- text stage


def text_prediction(item: dict, finder, judge) -> tuple[bool, set[str], list[str]]:
    """(found, flag kinds, reasons) of one item from its text alone."""
    apology, before, after = item_words(item)
    return words_prediction([*before, *apology, *after], apology[0].start, apology[-1].end, finder, judge)


def heard_prediction(item: dict, index: int, set_name: str, finder, judge) -> tuple[bool, set[str], list[str]]:
    """The text stage on the words the audio stage's recogniser heard (cached by it): a
    quick stand-in for the audio stage while changing rules, not a replacement."""
    path, lo, hi = item_call(item, index, set_name)
    heard = json.loads(path.with_suffix(".words.json").read_text())
    words = [Word(" " + w["text"], w["start"], w["end"], w.get("probability", 1.0)) for w in heard]
    return words_prediction(words, lo, hi, finder, judge)


def words_prediction(words: list, lo: float, hi: float, finder, judge) -> tuple[bool, set[str], list[str]]:
    """Apologies found in ``words`` that overlap [lo, hi] s, and their wording flags."""
    found, kinds, reasons = False, set(), []
    for event in finder.find(words):
        if event.end <= lo or event.start >= hi:
            continue
        found = True
        ctx_before = [w for w in words if w.end <= event.start]
        ctx_after = [w for w in words if event.end <= w.start <= event.end + ACTION_WINDOW_S]
        for flag in judge.judge(event.words, ctx_before, ctx_after):
            kinds.add(flag.kind)
            reasons.append(flag.reason)
    return found, kinds, reasons


# ------------------------------------------------------------------------ audio stage


def item_call(item: dict, index: int, set_name: str) -> tuple[Path, float, float]:
    """Audio path of the item's call (synthesised once, cached) and its apology span (s)."""
    voice = VOICES[index % len(VOICES)]
    path = AUDIO_CACHE / set_name / f"{item['id']}_{voice}.flac"
    truth_path = path.with_suffix(".truth.json")
    if not (path.exists() and truth_path.exists()):
        from benchmarks.synthesis import Turn, build_call, save_call

        turns = [Turn(item["before"], pause_after_s=TURN_PAUSE_S)] if item["before"].strip() else []
        turns.append(Turn(item["apology"], is_apology=True, pause_after_s=TURN_PAUSE_S))
        if item["after"].strip():
            turns.append(Turn(item["after"], pause_after_s=TURN_PAUSE_S))
        audio, sr, truth = build_call(turns, voice=voice, seed=index, vocode_all=False)
        save_call(path, audio, sr, {"voice": voice, "apology": truth[0]}, truth_path=truth_path)
    span = json.loads(truth_path.read_text())["apology"]
    return path, span["start"], span["end"]


def audio_prediction(item: dict, index: int, set_name: str, analyzer) -> tuple[bool, set[str], list[str]]:
    path, lo, hi = item_call(item, index, set_name)
    report = analyzer.analyze_file(path)
    # What the recogniser heard, for the "heard" stage (rules re-run on it without ASR).
    path.with_suffix(".words.json").write_text(json.dumps(report.get("words", [])) + "\n")
    found, kinds, reasons = False, set(), []
    for apology in report["apologies"]:
        if apology["end"] <= lo or apology["start"] >= hi:
            continue
        found = True
        for flag in apology["flags"]:
            if flag["category"] == "language":
                kinds.add(flag["kind"])
                reasons.append(flag["reason"])
    return found, kinds, reasons


# ---------------------------------------------------------------------------- scoring


def score(items: list[dict], predictions: list[tuple[bool, set[str], list[str]]]) -> dict:
    apology = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    flags = {k: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for k in KINDS}
    for item, (found, kinds, _) in zip(items, predictions):
        apology[_cell(found, item["is_apology"])] += 1
        if item["is_apology"]:
            for kind in KINDS:
                flags[kind][_cell(kind in kinds, kind in item["labels"])] += 1
    casual_free = [(item, p) for item, p in zip(items, predictions)
                   if item["is_apology"] and "casual" in item["labels"] and not _has_keyword(item["apology"])]
    return {
        "items": len(items),
        "apology": _scores(apology),
        "flags": {k: _scores(c) for k, c in flags.items()},
        "keyword_free_casual": {"items": len(casual_free),
                                "found": sum(p[0] for _, p in casual_free),
                                "flagged_casual": sum("casual" in p[1] for _, p in casual_free)},
    }


def _cell(predicted: bool, truth: bool) -> str:
    return {(True, True): "tp", (True, False): "fp", (False, True): "fn", (False, False): "tn"}[(predicted, truth)]


def _has_keyword(text: str) -> bool:
    words = text.lower().replace(",", " ").replace(".", " ").split()
    return any(w.startswith(("sorry", "apolog", "regret", "forgiv", "pardon", "excuse")) for w in words)


def table(result: dict, title: str) -> str:
    a = result["apology"]
    lines = [title, "", "| flag | positives | P | R | FP | FN |", "|---|---:|---:|---:|---:|---:|",
             f"| apology found | {a['positives']} | {a['precision']:.2f} | {a['recall']:.2f} | {a['fp']} | {a['fn']} |"]
    for kind, s in result["flags"].items():
        lines.append(f"| {kind} | {s['positives']} | {s['precision']:.2f} | {s['recall']:.2f} | {s['fp']} | {s['fn']} |")
    c = result["keyword_free_casual"]
    lines.append(f"\nkeyword-free casual apologies: {c['items']}, found {c['found']}, flagged casual {c['flagged_casual']}")
    return "\n".join(lines)


def errors(items: list[dict], predictions) -> list[dict]:
    out = []
    for item, (found, kinds, reasons) in zip(items, predictions):
        truth = set(item["labels"])
        if found != item["is_apology"] or (item["is_apology"] and kinds != truth):
            out.append({"id": item["id"], "apology": item["apology"], "is_apology": item["is_apology"],
                        "found": found, "missed": sorted(truth - kinds), "extra": sorted(kinds - truth),
                        "reasons": reasons})
    return out


def side_by_side(set_name: str, *tags: str) -> str:
    """Markdown table of recorded runs of one set (README): P / R per run and stage."""
    tags = tags or ("blind", "final")
    runs = [json.loads((ROOT / "benchmarks" / "results" / f"wording_{set_name}_{tag}.json").read_text())
            for tag in tags]
    head = " | ".join(f"{tag} {stage}" for tag in tags for stage in ("text", "audio"))
    lines = [f"| {set_name} ({runs[0]['items']} items) | {head} |", "|---|" + "---:|" * (2 * len(tags))]
    rows = [("apology found", lambda r: r["apology"])] + [(k, lambda r, k=k: r["flags"][k]) for k in KINDS]
    for name, get in rows:
        cells = [f"{get(run[stage])['precision']:.2f} / {get(run[stage])['recall']:.2f}"
                 for run in runs for stage in ("text", "audio")]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="set_name", default="tune", choices=SETS)
    parser.add_argument("--stage", default="both", choices=("text", "audio", "both", "heard"),
                        help="heard: the text stage on the words a previous audio run recognised")
    parser.add_argument("--limit", type=int, default=0, help="first N items only (timing runs)")
    parser.add_argument("--ids", default="", help="comma-separated item ids: only these (experiments)")
    parser.add_argument("--tag", default="current", help="name of this run in the results file")
    parser.add_argument("--asr-prompt", default=None, help="audio stage: Whisper initial prompt (experiment)")
    parser.add_argument("--casual-redecode", action="store_true", help="audio stage: as `analyze --casual-redecode`")
    parser.add_argument("--show-errors", action="store_true", help="print mis-scored items (refused on held-out sets)")
    parser.add_argument("--compare", nargs="+", metavar="TAG",
                        help="print the README table of recorded runs of --set and exit")
    args = parser.parse_args(argv)
    if args.compare:
        print(side_by_side(args.set_name, *args.compare))
        return 0
    if args.show_errors and held_out(args.set_name):
        parser.error(f"the {args.set_name} set is scored blind: its items are never shown")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    items = load_items(args.set_name)
    index = {item["id"]: i for i, item in enumerate(items)}  # voice and seed follow the full set
    if args.ids:
        wanted = set(args.ids.split(","))
        items = [item for item in items if item["id"] in wanted]
    if args.limit:
        items = items[: args.limit]
    out = {"set": args.set_name, "tag": args.tag, "items": len(items)}
    stages = ("text", "audio") if args.stage == "both" else (args.stage,)
    for stage in stages:
        started = time.perf_counter()
        if stage == "text":
            from analyzer.apology import ApologyFinder
            from analyzer.language import WordingJudge

            finder, judge = ApologyFinder(), WordingJudge()
            predictions = [text_prediction(item, finder, judge) for item in items]
        elif stage == "heard":
            from analyzer.apology import ApologyFinder
            from analyzer.language import WordingJudge

            finder, judge = ApologyFinder(), WordingJudge()
            predictions = [heard_prediction(item, index[item["id"]], args.set_name, finder, judge) for item in items]
        else:
            from analyzer.analyze import AnalyzeOptions, Analyzer

            from analyzer.transcribe import TranscriberOptions

            from analyzer.pipeline import PipelineOptions

            pipeline = PipelineOptions(asr_pack_s=24.0, casual_redecode=args.casual_redecode)
            analyzer = Analyzer(AnalyzeOptions(transcriber=TranscriberOptions(initial_prompt=args.asr_prompt), pipeline=pipeline))
            predictions = [audio_prediction(item, index[item["id"]], args.set_name, analyzer) for item in items]
        result = score(items, predictions)
        result["seconds"] = round(time.perf_counter() - started, 1)
        out[stage] = result
        print(table(result, f"{args.set_name} set, {stage} stage, {len(items)} items ({result['seconds']:.0f} s)"))
        if args.show_errors:
            for e in errors(items, predictions):
                print(f"  {e['id']}: {e['apology']!r} apology={e['is_apology']} found={e['found']} "
                      f"missed={e['missed']} extra={e['extra']}")
                for reason in e["reasons"]:
                    print(f"      {reason}")
        print()
    if not args.limit:
        path = ROOT / "benchmarks" / "results" / f"wording_{args.set_name}_{args.tag}.json"
        path.write_text(json.dumps(out, indent=2) + "\n")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
