"""What every command shares: one-line errors, exit codes, the model and threshold options."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    from ...config import load_thresholds
    from ...pipeline import PipelineOptions

    wording_options = None
    if args.phrases:
        from ...language import LanguageOptions

        for p in args.phrases:
            if not p.is_file():
                raise FileNotFoundError(f"{p}: no such phrase file")
        wording_options = LanguageOptions(extra_phrase_files=tuple(args.phrases))
    return PipelineOptions(
        thresholds=load_thresholds(args.config),
        asr_pack_s=asr_pack_s,
        laughter=not args.no_laughter,
        wording_options=wording_options,
        # post-call only (live would wait for it), and opt-in: about one extra Whisper pass per
        # apology, which would take a batch past its speed target (analyzer.wording_redecode)
        casual_redecode=asr_pack_s > 0 and getattr(args, "casual_redecode", False),
    )


def transcriber_options(args):
    from ...transcribe import TranscriberOptions

    return TranscriberOptions(model=args.model, device=args.device, compute_type=args.compute_type, beam_size=args.beam_size)


def add_capture_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by live and overlay: the microphone or a recording, --save, --duration.
    (--device is the microphone here; Whisper's device moves to --asr-device.)"""
    from ...session import MAX_BEHIND_S

    parser.add_argument("--device", dest="input_device", metavar="NAME|INDEX", help="input device (default: the system's default microphone); see `sincerity devices`")
    parser.add_argument("--asr-device", dest="device", default="auto", choices=["auto", "cpu", "cuda"], help="where Whisper runs (auto: CUDA when available)")
    parser.add_argument("--source", type=Path, metavar="FILE", help="analyse a recording instead of the microphone")
    parser.add_argument("--realtime", action="store_true", help="with --source: play it at real-time pace, as if it were the microphone")
    parser.add_argument("--channel", default="auto", help="agent's channel: auto, left, right, mix, or an index")
    parser.add_argument("--save", type=Path, metavar="WAV", help="also record the analysed audio (16 kHz WAV); off by default")
    parser.add_argument("--duration", type=float, metavar="S", help="stop after S seconds of audio")
    parser.add_argument("--max-behind", type=float, default=MAX_BEHIND_S, metavar="S", help=f"backlog that triggers catch-up (default {MAX_BEHIND_S:g} s)")
    parser.add_argument("--no-bleed-gate", action="store_true", help="keep utterances far quieter than the agent (by default dropped as the caller's voice leaking into the headset)")


def live_analyzer(args):
    """The Analyzer for a live face (raises ConfigError, ModelError, FileNotFoundError)."""
    from dataclasses import replace

    from ...analyze import AnalyzeOptions, Analyzer
    from ...bleed import BleedOptions

    pipeline = replace(pipeline_options(args, asr_pack_s=0.0), bleed_gate=None if args.no_bleed_gate else BleedOptions())
    return Analyzer(AnalyzeOptions(channel=args.channel, transcriber=transcriber_options(args), pipeline=pipeline))
