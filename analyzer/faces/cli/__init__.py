"""The command line, ``sincerity COMMAND``: one module a command, wired here.

User mistakes end in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from ... import __version__
from .analyze import add_analyze_command
from .bench import add_bench_command
from .common import EXIT_FAILED, EXIT_USAGE, error
from .live import add_live_commands
from .overlay import add_overlay_command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sincerity", description="Apology-tone analyzer for call audio.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_analyze_command(sub)
    add_live_commands(sub)
    add_bench_command(sub)
    add_overlay_command(sub)
    return parser


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
