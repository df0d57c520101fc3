"""``sincerity analyze``: post-call reports of recordings."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Sequence

from .batch import add_batch_arguments, cmd_batch
from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_model_arguments, error, pipeline_options, transcriber_options, warn


def add_analyze_command(sub) -> None:
    a = sub.add_parser("analyze", help="analyse call recordings and report every apology")
    a.add_argument("inputs", nargs="*", type=Path, help="audio files or folders (wav, flac, mp3, ogg, m4a)")
    a.add_argument("--sample", action="store_true", help="analyse the bundled sample call")
    a.add_argument("--json", type=Path, metavar="OUT", help="write the JSON report (a folder when several inputs)")
    a.add_argument("--channel", default="auto", help="agent's channel: auto (mono, or mix of stereo), left, right, mix, or an index")
    a.add_argument("--speakers", default="auto", choices=["auto", "1", "2"], help="voices on a mono (or mixed-down) call: auto finds one or two and measures only the agent; 1: all speech is the agent's")
    a.add_argument("--no-diarize", action="store_true", help="same as --speakers 1")
    a.add_argument("--agent-voice", type=Path, metavar="WAV", help="a few seconds of the agent alone: names the agent's voice on a two-speaker call")
    a.add_argument("--all-speech", action="store_true", help="also report whole-call rate and pitch")
    a.add_argument("--running-baseline", action="store_true", help="judge each apology against the speech before it only, as live does (default: the whole call's)")
    a.add_argument("--no-words", action="store_true", help="leave the word list out of the JSON report")
    a.add_argument("--casual-redecode", action="store_true", help="recognise apology-like utterances a second time, primed for casual forms ('my bad', 'oops'): better casual recall, about one extra Whisper pass per apology")
    a.add_argument("--quiet", action="store_true", help="no table on stdout, no progress")
    add_model_arguments(a)
    add_batch_arguments(a)
    a.set_defaults(func=cmd_analyze)


def _expand_inputs(inputs: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Files to analyse and problems found (missing paths, non-audio files in folders)."""
    from ...batch_inputs import discover

    calls, problems = discover(inputs)
    return [c.path for c in calls], problems


def _progress(enabled: bool):
    """A rich progress bar on stderr for long work (only on a terminal)."""
    if not enabled or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn(), console=Console(stderr=True), transient=True)


def cmd_analyze(args) -> int:
    from ...analyze import AnalyzeOptions, Analyzer, sample_call_path
    from ...audio import AudioError
    from ...config import ConfigError
    from ...report import render_text
    from ...transcribe import ModelError

    inputs = list(args.inputs)
    if args.sample:
        inputs.insert(0, sample_call_path())
    if not inputs:
        error("give audio files or folders to analyse, or --sample")
        return EXIT_USAGE
    try:
        options = AnalyzeOptions(
            channel=args.channel,
            transcriber=transcriber_options(args),
            pipeline=pipeline_options(args, asr_pack_s=24.0),
            all_speech=args.all_speech,
            include_words=not args.no_words,
            speakers="1" if args.no_diarize else args.speakers,
            agent_voice=args.agent_voice,
            whole_call_baseline=not args.running_baseline,
        )
    except (ConfigError, FileNotFoundError) as exc:
        error(str(exc))
        return EXIT_USAGE
    if args.out is not None:
        return cmd_batch(args, options, inputs)
    files, problems = _expand_inputs(inputs)
    for p in problems:
        warn(p)
    if not files:
        error("nothing to analyse")
        return EXIT_FAILED
    many = len(files) > 1
    if args.json and many and args.json.exists() and not args.json.is_dir():
        error(f"{args.json}: several inputs need --json to name a folder")
        return EXIT_USAGE
    try:
        analyzer = Analyzer(options)
    except (ConfigError, ModelError, FileNotFoundError) as exc:
        error(str(exc))
        return EXIT_USAGE
    except AudioError as exc:
        error(f"--agent-voice: {exc}")
        return EXIT_USAGE
    failures = 0
    batch = []
    progress = _progress(not args.quiet)
    for index, path in enumerate(files):
        label = f"[{index + 1}/{len(files)}] {path.name}" if many else path.name
        try:
            if progress is not None:
                with progress:
                    task = progress.add_task(label, total=1.0)
                    report = analyzer.analyze_file(path, lambda done, total: progress.update(task, completed=done / max(total, 1e-9)))
            else:
                report = analyzer.analyze_file(path)
        except AudioError as exc:
            error(str(exc))
            failures += 1
            continue
        for warning in report["warnings"]:
            warn(f"{path}: {warning}")
        if not args.quiet:
            print(render_text(report, name=str(path) if many else ""))
            print()
        if args.json:
            _write_json(args.json, path, report, many)
        batch.append({"path": str(path), **report["summary"]})
    if many and args.json:
        args.json.mkdir(parents=True, exist_ok=True)
        (args.json / "batch_summary.json").write_text(json.dumps({"files": batch, "failed": failures}, indent=2))
    if many and not args.quiet:
        print(f"{len(batch)} of {len(files)} recordings analysed, {failures} failed")
    return EXIT_FAILED if failures else EXIT_OK


def _write_json(out: Path, source: Path, report: dict, many: bool) -> None:
    if many:
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{source.stem}.json"
        n = 1
        while target.exists() and json.loads(target.read_text()).get("source", {}).get("path") != str(source):
            n += 1
            target = out / f"{source.stem}-{n}.json"
    else:
        target = out
        if target.parent and not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, indent=2))
