"""Accuracy on labelled calls: apology precision/recall and per-flag precision/recall/F1.

A labelled call is an audio file with ``<file>.truth.json`` beside it: either a list of
true apologies or ``{"agent_channel": ..., "apologies": [...]}``, each apology
``{"start": s, "end": s, "expected_flags": [...]}`` (benchmarks/make_eval_calls.py and
make_bench_set.py write this layout).  A found apology matches a true one when their
spans overlap (each matched once, largest overlap first come).  Flags are scored over
matched apologies; a flag on an unmatched found apology is a false positive, an expected
flag on a missed apology a false negative.  Tone flags on calls with no true apology are
counted apart (they should be 0).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..audio import is_audio_file
from ..judge import TONE_FLAGS

BENCH_SET_DIR = Path(__file__).with_name("data")  # the shipped set (benchmarks/make_bench_set.py)


@dataclass(frozen=True)
class LabelledCall:
    path: Path
    channel: str
    truth: list  # true apologies (dicts), in time order


def load_truth(path: Path) -> tuple[list[dict], str]:
    """(true apologies, agent channel) from a truth JSON file."""
    truth = json.loads(Path(path).read_text())
    channel = "auto"
    if isinstance(truth, dict):
        channel = str(truth.get("agent_channel", truth.get("channel", "auto")))
        truth = truth.get("apologies", [])
    return truth, channel


def labelled_calls(folder: Path) -> list[LabelledCall]:
    """Every audio file in ``folder`` (recursively) that has a ``<file>.truth.json``."""
    calls = []
    for path in sorted(Path(folder).rglob("*")):
        truth_path = path.with_name(path.name + ".truth.json")
        if is_audio_file(path) and truth_path.exists():
            truth, channel = load_truth(truth_path)
            calls.append(LabelledCall(path, channel, truth))
    return calls


def match(found: list[dict], truth: list[dict]) -> list[tuple[dict, dict]]:
    """(true, found) pairs of overlapping apologies, each found apology used once."""
    pairs, used = [], set()
    for t in truth:
        best, best_overlap = None, 0.0
        for i, f in enumerate(found):
            overlap = min(f["end"], t["end"]) - max(f["start"], t["start"])
            if i not in used and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is not None:
            used.add(best)
            pairs.append((t, found[best]))
    return pairs


def prf(tp: int, fp: int, fn: int) -> dict:
    """Precision, recall, F1 (1.0 when there is nothing to get wrong) and the counts."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


@dataclass
class Tally:
    """Counts over a set of calls: apologies found, flags per kind (``kinds``), tone flags
    on apology-free calls."""

    kinds: tuple = TONE_FLAGS
    counts: dict = field(default_factory=lambda: {"tp": 0, "fp": 0, "fn": 0})
    flag_counts: dict = field(default_factory=dict)
    no_apology_tone_flags: int = 0
    calls: int = 0

    def __post_init__(self):
        for kind in self.kinds:
            self.flag_counts.setdefault(kind, {"tp": 0, "fp": 0, "fn": 0})

    @classmethod
    def merged(cls, tallies) -> "Tally":
        tallies = list(tallies)
        total = cls(kinds=tallies[0].kinds if tallies else TONE_FLAGS)
        for tally in tallies:
            total.calls += tally.calls
            total.no_apology_tone_flags += tally.no_apology_tone_flags
            for key in total.counts:
                total.counts[key] += tally.counts[key]
            for kind, counts in tally.flag_counts.items():
                for key in counts:
                    total.flag_counts[kind][key] += counts[key]
        return total

    def summary(self) -> dict:
        return {
            "calls": self.calls,
            "apologies": prf(**self.counts),
            "flags": {k: prf(**v) for k, v in self.flag_counts.items()},
            "no_apology_tone_flags": self.no_apology_tone_flags,
        }


def score_call(found: list[dict], truth: list[dict], tally: Tally) -> list[tuple[dict, dict]]:
    """Match one call's found apologies (report["apologies"]) to its truth; add to ``tally``."""
    pairs = match(found, truth)
    tally.calls += 1
    tally.counts["tp"] += len(pairs)
    tally.counts["fp"] += len(found) - len(pairs)
    tally.counts["fn"] += len(truth) - len(pairs)
    counts = tally.flag_counts
    if not truth:
        tally.no_apology_tone_flags += sum(1 for a in found for f in a["flags"] if f["kind"] in TONE_FLAGS)
    matched = {id(f) for _, f in pairs}
    for t, f in pairs:
        got = {x["kind"] for x in f["flags"]}
        want = set(t.get("expected_flags", []))
        for kind in tally.kinds:
            if kind in got and kind in want:
                counts[kind]["tp"] += 1
            elif kind in got:
                counts[kind]["fp"] += 1
            elif kind in want:
                counts[kind]["fn"] += 1
    for f in found:
        if id(f) not in matched:
            for x in f["flags"]:
                if x["kind"] in counts:
                    counts[x["kind"]]["fp"] += 1
    for t in truth:
        if not any(t is tt for tt, _ in pairs):
            for kind in t.get("expected_flags", []):
                if kind in counts:
                    counts[kind]["fn"] += 1
    return pairs


def score_reports(calls: list[LabelledCall], reports: list[dict]) -> dict:
    """The record's accuracy block for ``reports`` (one per call, same order): totals,
    per-call counts, and how many true apologies/flags the set holds (small sets: read
    the counts, not just the ratios)."""
    tally = Tally()
    per_call = []
    for call, report in zip(calls, reports):
        one = Tally()
        pairs = score_call(report["apologies"], call.truth, one)
        tally = Tally.merged([tally, one])
        per_call.append({"call": call.path.name, "true": len(call.truth), "found": len(report["apologies"]), "matched": len(pairs)})
    summary = tally.summary()
    positives = {k: sum(k in t.get("expected_flags", []) for c in calls for t in c.truth) for k in TONE_FLAGS}
    return {**summary, "true_apologies": sum(len(c.truth) for c in calls), "positives": positives,
            "audio_s": round(sum(r["duration_s"] for r in reports), 1), "per_call": per_call}
