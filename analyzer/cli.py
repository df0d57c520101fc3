"""Command line: ``sincerity analyze`` (post-call), ``sincerity live`` and
``sincerity devices`` (live capture, analyzer/live.py).

User mistakes end in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

from . import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def error(message: str) -> None:
    print(f"sincerity: error: {message}", file=sys.stderr)


def warn(message: str) -> None:
    print(f"sincerity: warning: {message}", file=sys.stderr)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by analyze and live."""
    parser.add_argument("--model", default="embedded:tiny.en", help="faster-whisper model folder or size name (default: embedded tiny.en, no download)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="where Whisper runs (auto: CUDA when available)")
    parser.add_argument("--compute-type", default="auto", help="CTranslate2 compute type (auto: int8 on CPU, float16 on CUDA)")
    parser.add_argument("--beam-size", type=_positive_int, default=1, metavar="N", help="Whisper beam size (default 1, greedy: fastest; 5 recognises fast speech better, decodes more slowly)")
    parser.add_argument("--config", type=Path, help="TOML file overriding thresholds (see analyzer/default_config.toml)")
    parser.add_argument("--phrases", type=Path, action="append", default=[], help="extra phrase list (TOML) for wording flags; repeatable")
    parser.add_argument("--no-laughter", action="store_true", help="do not run the laughter detector")


def pipeline_options(args, asr_pack_s: float):
    """PipelineOptions from command-line arguments (raises ConfigError)."""
    from .config import load_thresholds
    from .pipeline import PipelineOptions

    wording_options = None
    if args.phrases:
        from .language import LanguageOptions

        for p in args.phrases:
            if not p.is_file():
                raise FileNotFoundError(f"{p}: no such phrase file")
        wording_options = LanguageOptions(extra_phrase_files=tuple(args.phrases))
    return PipelineOptions(
        thresholds=load_thresholds(args.config),
        asr_pack_s=asr_pack_s,
        laughter=not args.no_laughter,
        wording_options=wording_options,
    )


def transcriber_options(args):
    from .transcribe import TranscriberOptions

    return TranscriberOptions(model=args.model, device=args.device, compute_type=args.compute_type, beam_size=args.beam_size)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sincerity", description="Apology-tone analyzer for call audio.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    a = sub.add_parser("analyze", help="analyse call recordings and report every apology")
    a.add_argument("inputs", nargs="*", type=Path, help="audio files or folders (wav, flac, mp3, ogg, m4a)")
    a.add_argument("--sample", action="store_true", help="analyse the bundled sample call")
    a.add_argument("--json", type=Path, metavar="OUT", help="write the JSON report (a folder when several inputs)")
    a.add_argument("--channel", default="auto", help="agent's channel: auto (mono, or mix of stereo), left, right, mix, or an index")
    a.add_argument("--all-speech", action="store_true", help="also report whole-call rate and pitch")
    a.add_argument("--no-words", action="store_true", help="leave the word list out of the JSON report")
    a.add_argument("--quiet", action="store_true", help="no table on stdout, no progress")
    add_model_arguments(a)
    a.set_defaults(func=cmd_analyze)

    try:
        from .live import add_live_commands
    except ImportError:
        pass
    else:
        add_live_commands(sub)
    return parser


def _expand_inputs(inputs: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Files to analyse and problems found (missing paths, non-audio files in folders)."""
    from .audio import SUPPORTED_SUFFIXES, is_audio_file

    files, problems = [], []
    for path in inputs:
        if path.is_dir():
            entries = sorted(p for p in path.rglob("*") if p.is_file())
            audio = [p for p in entries if is_audio_file(p)]
            skipped = [p for p in entries if not is_audio_file(p) and not p.name.startswith(".")]
            for p in skipped:
                problems.append(f"{p}: skipped, not a supported audio file ({', '.join(SUPPORTED_SUFFIXES)})")
            if not audio:
                problems.append(f"{path}: folder holds no supported audio files")
            files += audio
        else:
            files.append(path)
    return files, problems


def _progress(enabled: bool):
    """A rich progress bar on stderr for long work (only on a terminal)."""
    if not enabled or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn(), console=Console(stderr=True), transient=True)


def cmd_analyze(args) -> int:
    from .analyze import AnalyzeOptions, Analyzer, sample_call_path
    from .audio import AudioError
    from .config import ConfigError
    from .report import render_text
    from .transcribe import ModelError

    inputs = list(args.inputs)
    if args.sample:
        inputs.insert(0, sample_call_path())
    if not inputs:
        error("give audio files or folders to analyse, or --sample")
        return EXIT_USAGE
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
        options = AnalyzeOptions(
            channel=args.channel,
            transcriber=transcriber_options(args),
            pipeline=pipeline_options(args, asr_pack_s=24.0),
            all_speech=args.all_speech,
            include_words=not args.no_words,
        )
        analyzer = Analyzer(options)
    except (ConfigError, ModelError, FileNotFoundError) as exc:
        error(str(exc))
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


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        error(str(exc))
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
