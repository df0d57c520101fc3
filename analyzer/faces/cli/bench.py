"""``sincerity bench``: how fast and how accurate the analyzer is on this machine."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import EXIT_FAILED, EXIT_OK, _positive_int, error


def add_bench_command(sub) -> None:
    p = sub.add_parser(
        "bench",
        help="measure speed, live latency and accuracy on this machine, side by side with the peers",
        description="Runs the analyzer on the labelled benchmark set shipped with it (and on --labelled folders), "
        "times every stage, plays calls at real-time pace as a live session, and runs plain faster-whisper "
        "(and the laughter peer, when ../shared is present) on the same audio. Prints a table; --json/--md save it.",
    )
    p.add_argument("--quick", action="store_true", help="the under-a-minute run: one repeat, short live clip, no batch or laughter peer")
    p.add_argument("--json", type=Path, metavar="OUT", help="write the record (schema sincerity.bench/1) to OUT")
    p.add_argument("--md", type=Path, metavar="OUT", help="write the tables as Markdown to OUT")
    p.add_argument("--compare", type=Path, metavar="PREVIOUS.json", help="add a side-by-side table against an earlier record")
    p.add_argument("--model", default="embedded:tiny.en", help="faster-whisper model folder or size name (default: embedded tiny.en)")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="where Whisper runs (auto: CUDA when available)")
    p.add_argument("--compute-type", default="auto", help="CTranslate2 compute type (auto: int8 on CPU, float16 on CUDA)")
    p.add_argument("--beam-size", type=_positive_int, default=1, metavar="N", help="Whisper beam size (default 1)")
    p.add_argument("--labelled", type=Path, action="append", default=[], metavar="DIR",
                   help="also score a folder of labelled audio (<file>.truth.json beside each file); repeatable")
    p.add_argument("--shared", type=Path, metavar="DIR", help="the project's shared data folder (real laughs, the laughter peer); default ../shared beside the checkout")
    p.add_argument("--jobs", type=_positive_int, metavar="N", help="batch workers for the throughput section (default: the usable cores)")
    p.add_argument("--repeats", type=_positive_int, metavar="N", help="timing repeats (default 1 with --quick, else 3)")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args) -> int:
    from ...bench.compare import compare
    from ...bench.record import RecordError, read_json, write_json
    from ...bench.runner import BenchOptions, run_bench
    from ...transcribe import ModelError
    from ..bench import to_markdown, to_text

    for folder in args.labelled:
        if not folder.is_dir():
            error(f"{folder}: no such folder (--labelled wants a folder of audio files with <file>.truth.json)")
            return EXIT_FAILED
    try:
        previous = read_json(args.compare) if args.compare else None
    except RecordError as exc:
        error(str(exc))
        return EXIT_FAILED
    options = BenchOptions(quick=args.quick, model=args.model, device=args.device, compute_type=args.compute_type,
                           beam_size=args.beam_size, labelled=tuple(args.labelled), shared=args.shared,
                           jobs=args.jobs or 0, repeats=args.repeats or 0)
    try:
        record = run_bench(options, say=lambda line: print(f"  {line}", file=sys.stderr, flush=True))
    except (ModelError, FileNotFoundError) as exc:
        error(str(exc))
        return EXIT_FAILED
    comparison = compare(previous, record) if previous else None
    if comparison:
        record["comparison"] = comparison
    print(to_text(record, comparison), end="")
    if args.json:
        write_json(record, args.json)
        print(f"wrote {args.json}")
    if args.md:
        args.md.parent.mkdir(parents=True, exist_ok=True)
        args.md.write_text(to_markdown(record, comparison), encoding="utf-8")
        print(f"wrote {args.md}")
    return EXIT_OK
