"""``sincerity live`` (the microphone, or a recording played as one) and ``sincerity devices``."""

from __future__ import annotations

import json
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import Callable

from ...bleed import BleedOptions
from ...capture import LiveError, input_devices, open_source
from ...events import StatusEvent
from ...session import MAX_BEHIND_S, LiveSession
from ..jsonl import JsonlWriter
from ..terminal import LinePrinter, render_summary, render_view
from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_model_arguments, error, pipeline_options, transcriber_options, warn


def add_live_commands(sub) -> None:
    p = sub.add_parser(
        "live",
        help="listen to the microphone and flag each apology as it ends",
        conflict_handler="resolve",
        description="Live coaching from the agent's microphone. Audio stays in memory; nothing is written unless --jsonl/--save ask for it.",
    )
    add_model_arguments(p)
    # --device is the microphone here; Whisper's device moves to --asr-device.
    p.add_argument("--device", dest="input_device", metavar="NAME|INDEX", help="input device (default: the system's default microphone); see `sincerity devices`")
    p.add_argument("--asr-device", dest="device", default="auto", choices=["auto", "cpu", "cuda"], help="where Whisper runs (auto: CUDA when available)")
    p.add_argument("--source", type=Path, metavar="FILE", help="analyse a recording instead of the microphone")
    p.add_argument("--realtime", action="store_true", help="with --source: play it at real-time pace, as if it were the microphone")
    p.add_argument("--channel", default="auto", help="agent's channel: auto, left, right, mix, or an index")
    p.add_argument("--jsonl", type=Path, metavar="OUT", help="write every event as one JSON line to OUT")
    p.add_argument("--save", type=Path, metavar="WAV", help="also record the analysed audio (16 kHz WAV); off by default")
    p.add_argument("--duration", type=float, metavar="S", help="stop after S seconds of audio")
    p.add_argument("--max-behind", type=float, default=MAX_BEHIND_S, metavar="S", help=f"backlog that triggers catch-up (default {MAX_BEHIND_S:g} s)")
    p.add_argument("--no-bleed-gate", action="store_true", help="keep utterances far quieter than the agent (by default dropped as the caller's voice leaking into the headset)")
    p.add_argument("--no-view", action="store_true", help="plain lines instead of the live view (pipes, logs)")
    p.add_argument("--words", action="store_true", help="with --no-view: also print recognised words")
    p.set_defaults(func=cmd_live)

    d = sub.add_parser("devices", help="list audio input devices for `sincerity live --device`")
    d.add_argument("--json", action="store_true", help="print the list as JSON")
    d.set_defaults(func=cmd_devices)


def cmd_devices(args) -> int:
    try:
        devices = input_devices()
    except LiveError as exc:
        error(str(exc))
        return EXIT_FAILED
    if args.json:
        print(json.dumps(devices, indent=2))
        return EXIT_OK if devices else EXIT_FAILED
    if not devices:
        error("no audio input devices found (no microphone, or PortAudio sees no sound server)")
        return EXIT_FAILED
    for d in devices:
        mark = "*" if d["default"] else " "
        print(f"{mark} {d['index']:3d}  {d['name']}  ({d['hostapi']}, {d['channels']} in, {d['default_samplerate']:.0f} Hz)")
    print("(* = default input; use `sincerity live --device INDEX` or a part of the name)")
    return EXIT_OK


def cmd_live(args) -> int:
    from ...analyze import AnalyzeOptions, Analyzer
    from ...config import ConfigError
    from ...transcribe import ModelError

    if args.duration is not None and args.duration <= 0:
        error("--duration must be positive")
        return EXIT_USAGE
    try:
        source = open_source(args.source, args.input_device, args.channel, args.realtime)  # before loading models: a missing microphone fails fast
    except LiveError as exc:
        error(str(exc))
        return EXIT_FAILED
    try:
        analyzer = Analyzer(
            AnalyzeOptions(
                channel=args.channel,
                transcriber=transcriber_options(args),
                pipeline=replace(pipeline_options(args, asr_pack_s=0.0), bleed_gate=None if args.no_bleed_gate else BleedOptions()),
            )
        )
    except (ConfigError, ModelError, FileNotFoundError) as exc:
        error(str(exc))
        return EXIT_USAGE
    writer = JsonlWriter(args.jsonl) if args.jsonl else None
    listeners: list[Callable] = []
    if writer is not None:
        listeners.append(writer)
    use_view = not args.no_view and sys.stdout.isatty()
    if not use_view:
        listeners.append(LinePrinter(words=args.words))
    else:
        listeners.append(lambda e: warn(e.message) if isinstance(e, StatusEvent) and e.status == "warning" else None)
    session = LiveSession(analyzer, source, listeners, duration_s=args.duration, max_behind_s=args.max_behind, save=args.save)
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        try:
            session.start()
        except LiveError as exc:
            error(str(exc))
            return EXIT_FAILED
        try:
            if use_view:
                from rich.live import Live

                with Live(render_view(session), refresh_per_second=4, transient=False) as live:
                    while not session.wait(0.25):
                        live.update(render_view(session))
                    live.update(render_view(session))
            else:
                while not session.wait(0.25):
                    pass
        except KeyboardInterrupt:
            session.stop()
            try:
                session.wait()
            except KeyboardInterrupt:  # a second Ctrl-C: give up on the tail
                pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        summary = session.summary()
        if writer is not None:
            writer.write(summary)
            writer.close()
    print(render_summary(summary))
    if session.error is not None:
        error(f"live analysis failed: {session.error}")
        return EXIT_FAILED
    if session.stats.device_lost:
        error(session.stats.device_lost)
        return EXIT_FAILED
    return EXIT_OK
