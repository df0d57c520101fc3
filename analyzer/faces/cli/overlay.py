"""``sincerity overlay``: the desktop overlay (needs the ``overlay`` extra, PySide6)."""

from __future__ import annotations

from pathlib import Path

from ...capture import LiveError, open_source
from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_capture_arguments, add_model_arguments, error, live_analyzer

INSTALL_HINT = "the overlay needs PySide6: pip install 'sincerity-analyzer[overlay]' (or: pip install pyside6-essentials)"


def add_overlay_command(sub) -> None:
    p = sub.add_parser(
        "overlay",
        help="a small always-on-top window that coaches each apology (needs PySide6)",
        conflict_handler="resolve",
        description="Desktop overlay beside the softphone: state, a quiet pace gauge and one cue after each apology. "
        "It never takes focus. Audio stays in memory; nothing is written unless --save asks for it.",
    )
    add_model_arguments(p)
    add_capture_arguments(p)
    p.add_argument("--screenshot-dir", type=Path, metavar="DIR", help="headless capture: a PNG of the window at each state and cue (and shots.jsonl); quits at the end")
    p.add_argument("--no-click-through", action="store_true", help="turn click-through off (the remembered choice) so the menu opens again")
    p.set_defaults(func=cmd_overlay)


def cmd_overlay(args) -> int:
    try:
        import PySide6  # noqa: F401
    except ImportError:
        error(INSTALL_HINT)
        return EXIT_FAILED
    if args.duration is not None and args.duration <= 0:
        error("--duration must be positive")
        return EXIT_USAGE
    from ..overlay.app import run_overlay
    from ..overlay.settings import load_settings
    from ..terminal import render_summary

    device = args.input_device if args.input_device is not None else load_settings()["device"]
    source, source_error = None, None
    try:
        source = open_source(args.source, device, args.channel, args.realtime)
    except LiveError as exc:
        if args.source is not None or args.realtime:
            error(str(exc))  # a bad file or option is a usage mistake, not a missing microphone
            return EXIT_FAILED
        source_error = str(exc)  # the window says "no microphone" and what to do
    if args.config is not None and not args.config.is_file():
        error(f"{args.config}: no such config file")
        return EXIT_USAGE

    def make_source(dev):
        return open_source(None, dev, args.channel, False)

    result = run_overlay(
        lambda: live_analyzer(args),
        make_source,
        source,
        source_error,
        {"duration_s": args.duration, "max_behind_s": args.max_behind, "save": args.save},
        saving=str(args.save) if args.save else None,
        screenshot_dir=args.screenshot_dir,
        quit_at_end=args.screenshot_dir is not None or args.duration is not None,
        click_through=False if args.no_click_through else None,
    )
    if result.summary and "audio_s" in result.summary:
        print(render_summary(result.summary))
    if result.error:
        error(result.error)
    return EXIT_FAILED if result.exit_code else EXIT_OK
