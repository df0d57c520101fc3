"""Cost of the wording judge per apology, rules alone and rules + text model.

    OMP_NUM_THREADS=1 python benchmarks/bench_wording_cost.py [--items 60]

Judges the first N tune-set apologies (synthetic word times) and reports CPU time per
apology (process time, one thread: robust to a busy shared machine) and wall time.
Writes benchmarks/results/wording_cost.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.language import LanguageOptions, WordingJudge  # noqa: E402
from benchmarks.bench_language import item_words  # noqa: E402
from benchmarks.eval_wording import load_items  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=60)
    args = parser.parse_args()
    items = [x for x in load_items("tune") if x["is_apology"]][: args.items]
    result = {"items": len(items)}
    for name, model in (("rules", False), ("rules_and_model", True)):
        judge = WordingJudge(LanguageOptions(model=model))
        judge.judge(*item_words(items[0]))  # warm-up
        cpu, wall = time.process_time(), time.perf_counter()
        for item in items:
            judge.judge(*item_words(item))
        result[name] = {"cpu_ms_per_apology": round(1000 * (time.process_time() - cpu) / len(items), 1),
                        "wall_ms_per_apology": round(1000 * (time.perf_counter() - wall) / len(items), 1)}
        print(f"{name:<16} CPU {result[name]['cpu_ms_per_apology']:6.1f} ms per apology, "
              f"wall {result[name]['wall_ms_per_apology']:6.1f} ms")
    (ROOT / "benchmarks" / "results" / "wording_cost.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
