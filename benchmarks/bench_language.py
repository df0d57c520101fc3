"""Wording flags on a held-out set of agent apologies: per-kind precision / recall / F1.

    python benchmarks/bench_language.py [--data benchmarks/language_heldout.jsonl]

Each line of the held-out set is ``{"before", "apology", "after", "labels"}``: the
agent's words before the apology, the apology sentence as the apology finder would cut
it, the words after it, and the language flags a service-recovery trainer would raise.
The set was written separately from tests/test_language.py, with different wording,
in two rounds.  Lines 1-66 were written before the phrase lists were first run (first
run: no_empathy precision 0.94, no_action recall 0.97, the rest 1.00).  Lines 67-91
were written after that, scored once blind (scripted recall 0.67 on 3 positives,
no_empathy precision 0.89 / recall 0.94, no_action precision 0.88, the rest 1.00), and
only then used to extend the lists with general phrases.

Labelling guide: ``qualified`` = undercut in the same breath (but / however / though /
blaming "if you had", "you should have", conditional "sorry if", "sorry you feel that
way"); ``minimizing`` = plays the problem down; ``casual`` = slang or offhand forms
("sorry about that" alone is not casual); ``scripted`` = boilerplate formulas ("for
any inconvenience", "this may have caused", "high call volumes"); ``no_empathy`` = no
validation of the feeling and the apology does not name what happened to the customer
("sorry to hear", "sorry your...", "sorry you had to...") within 6 s; ``no_action`` =
nothing the agent will do or has done about it within 8 s after the apology
("let me", "I'll", "I've refunded").

Words get synthetic times at a conversational 3 words/s with a 0.3 s pause after each
sentence and between the three parts, so the 6 s / 8 s windows cover about 18 / 24
words.  Prints the table and writes ``benchmarks/results/language.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.events import Word  # noqa: E402
from analyzer.language import LANGUAGE_KINDS, WordingJudge  # noqa: E402

WORD_S = 0.33
SENTENCE_PAUSE_S = 0.3


def timed_words(text: str, start: float) -> tuple[list[Word], float]:
    """Whisper-style words (leading space, punctuation attached) from ``start``."""
    words, t = [], start
    for token in text.split():
        words.append(Word(" " + token, round(t, 3), round(t + WORD_S - 0.05, 3)))
        t += WORD_S + (SENTENCE_PAUSE_S if token[-1] in ".?!" else 0.0)
    return words, t


def item_words(item: dict) -> tuple[list[Word], list[Word], list[Word]]:
    before, t = timed_words(item["before"], 0.0)
    apology, t = timed_words(item["apology"], t + SENTENCE_PAUSE_S)
    after, _ = timed_words(item["after"], t + SENTENCE_PAUSE_S)
    return apology, before, after


def evaluate(items: list[dict], judge: WordingJudge) -> tuple[dict, list[dict]]:
    counts = {k: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for k in LANGUAGE_KINDS}
    errors = []
    for n, item in enumerate(items, 1):
        flags = judge.judge(*item_words(item))
        predicted = {f.kind for f in flags}
        truth = set(item["labels"])
        for kind in LANGUAGE_KINDS:
            cell = {(True, True): "tp", (True, False): "fp", (False, True): "fn",
                    (False, False): "tn"}[(kind in predicted, kind in truth)]
            counts[kind][cell] += 1
        if predicted != truth:
            errors.append({"line": n, "apology": item["apology"],
                           "missed": sorted(truth - predicted),
                           "extra": sorted(predicted - truth),
                           "reasons": [f.reason for f in flags if f.kind in predicted - truth]})
    return {k: _scores(c) for k, c in counts.items()}, errors


def _scores(c: dict) -> dict:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {**c, "positives": c["tp"] + c["fn"], "precision": round(precision, 3),
            "recall": round(recall, 3), "f1": round(f1, 3)}


def table(scores: dict, n_items: int) -> str:
    lines = [f"Wording flags on {n_items} held-out agent apologies",
             "",
             "| flag | positives | precision | recall | F1 |",
             "|---|---:|---:|---:|---:|"]
    for kind, s in scores.items():
        lines.append(f"| {kind} | {s['positives']} | {s['precision']:.2f} | "
                     f"{s['recall']:.2f} | {s['f1']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "language_heldout.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "language.json")
    args = parser.parse_args(argv)

    items = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    judge = WordingJudge()
    started = time.perf_counter()
    scores, errors = evaluate(items, judge)
    per_apology_ms = 1000 * (time.perf_counter() - started) / len(items)

    print(table(scores, len(items)))
    print(f"\n{per_apology_ms:.1f} ms per apology")
    for e in errors:
        print(f"  line {e['line']}: {e['apology']!r} missed={e['missed']} extra={e['extra']}")
        for reason in e["reasons"]:
            print(f"      {reason}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"items": len(items), "scores": scores, "errors": errors,
                                    "ms_per_apology": round(per_apology_ms, 2)}, indent=2) + "\n")
    ok = all(s["precision"] >= 0.9 and s["recall"] >= 0.8 for s in scores.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
