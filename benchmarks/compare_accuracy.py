"""Do two scoring runs of eval_accuracy.py flag the same apologies the same way?

    python benchmarks/compare_accuracy.py benchmarks/results/accuracy.json \
        benchmarks/results/accuracy_live.json

Apologies of the same call are paired when their starts lie within 1 s; for each pair
the tone flags are compared.  Prints the counts and writes them to --out
(default benchmarks/results/live_vs_analyze.json).  Both runs must cover the same calls.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAIR_S = 1.0


def agreement(first: list[dict], second: list[dict]) -> dict:
    """first/second: the ``details`` lists of two eval_accuracy.py records."""
    by_call = {d["call"]: d["found"] for d in second}
    counts = {"both": 0, "tone_equal": 0, "only_first": 0, "only_second": 0}
    for d in first:
        other = by_call.pop(d["call"])
        used = set()
        for start, flags, *_ in d["found"]:
            near = [i for i, f in enumerate(other) if i not in used and abs(f[0] - start) < PAIR_S]
            if not near:
                counts["only_first"] += 1
                continue
            used.add(near[0])
            counts["both"] += 1
            counts["tone_equal"] += set(flags) == set(other[near[0]][1])
        counts["only_second"] += len(other) - len(used)
    if by_call:
        raise SystemExit(f"the second run has calls the first lacks: {sorted(by_call)[:3]}")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/live_vs_analyze.json")
    args = parser.parse_args()
    runs = [json.loads(p.read_text()) for p in (args.first, args.second)]
    counts = agreement(runs[0]["details"], runs[1]["details"])
    print(
        f"{counts['both']} apologies found by both runs, {counts['tone_equal']} with the same tone flags; "
        f"{counts['only_first']} only in {args.first.name}, {counts['only_second']} only in {args.second.name}"
    )
    record = {"first": str(args.first), "second": str(args.second), "setups": [r.get("setup") for r in runs], **counts}
    args.out.write_text(json.dumps(record, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
