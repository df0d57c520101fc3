"""Score a new wording set blind, with the scorer and analyzer of another checkout.

    cd BASE && PYTHONPATH=BASE python3 /path/to/benchmarks/eval_wording_blind.py \
        BASE SET.jsonl OUT.json AUDIO_CACHE NAME

BASE is an unchanged checkout (e.g. ``git worktree add --detach BASE main``) whose
``benchmarks/eval_wording.py`` only knows its own set names: its item loader, audio cache
and result path are redirected here; scoring, synthesis and analysis stay the base code's.
Only aggregate scores are printed (the base scorer runs the set as "untuned").  The FLAC
cache (AUDIO_CACHE/NAME) is the same the current scorer uses, so a later run of
``eval_wording.py --set NAME`` reuses the synthesised calls.
"""

import json
import shutil
import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    base, src, out, cache, name = Path(argv[0]), Path(argv[1]), Path(argv[2]), Path(argv[3]), argv[4]
    sys.path.insert(0, str(base))
    import benchmarks.eval_wording as e  # the base checkout's scorer

    if Path(e.__file__).resolve().parents[1] != base.resolve():
        print(f"error: imported {e.__file__}, not the scorer of {base}", file=sys.stderr)
        return 2
    e.load_items = lambda _name: [json.loads(line) for line in src.read_text().splitlines() if line.strip()]
    e.AUDIO_CACHE = cache
    item_call = e.item_call
    e.item_call = lambda item, index, _set: item_call(item, index, name)
    tmp = Path(tempfile.mkdtemp())
    (tmp / "benchmarks" / "results").mkdir(parents=True)
    e.ROOT = tmp
    try:
        rc = e.main(["--set", "untuned", "--stage", "both", "--tag", "blind"])
        record = json.loads((tmp / "benchmarks" / "results" / "wording_untuned_blind.json").read_text())
    finally:
        shutil.rmtree(tmp)
    record.update(set=name, code=f"base checkout {base} (unchanged rules, model and scorer)")
    out.write_text(json.dumps(record, indent=2) + "\n")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
