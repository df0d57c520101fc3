"""``sincerity analyze INPUTS --out DIR``: a resumable batch with per-call JSON and HTML
reports, summary tables, an index page, and a progress bar on stderr."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error, warn


def add_batch_arguments(a: argparse.ArgumentParser) -> None:
    from .common import _positive_int

    g = a.add_argument_group("batches (--out)")
    g.add_argument("--out", type=Path, metavar="DIR", help="batch mode: per-call JSON + HTML reports, summary.csv/.parquet, agents.csv/.parquet and index.html in DIR; reruns skip calls already done")
    g.add_argument("--jobs", type=_positive_int, metavar="N", help=f"worker processes, each loading the models once (default: the number of cores, {os.cpu_count()})")
    g.add_argument("--force", action="store_true", help="redo every call, even those already done")
    g.add_argument("--ray", metavar="auto|ADDRESS", help="run the batch on a Ray cluster (auto: the one `ray start` made here; local: a private one); needs the cluster extra")
    g.add_argument("--embed-audio", action="store_true", help="put a compressed copy of the call's audio inside its HTML report (the page then holds the recording)")
    g.add_argument("--agent-pattern", metavar="REGEX", help="the agent of a call from its path: a regular expression with a group (?P<agent>...)")
    g.add_argument("--metadata", type=Path, metavar="CSV", help="the agent of each call from a CSV with 'path' and 'agent' columns")


class _ProgressView:
    """Rich progress bar on stderr: calls done and failed, audio hours, x real time, ETA."""

    def __init__(self, enabled: bool):
        self.bar = None
        self.task = None
        if enabled and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(TextColumn("calls"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[status]}"), console=Console(stderr=True), transient=True)

    def __enter__(self):
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def __call__(self, p) -> None:
        if p.last_error:
            if self.bar is not None:
                self.bar.console.print(f"sincerity: error: {p.last_error}", markup=False, highlight=False)
            else:
                error(p.last_error)
        if self.bar is None:
            return
        eta = "" if p.eta_s is None else f", {int(p.eta_s // 60)}:{int(p.eta_s % 60):02d} left"
        status = f"{p.done} done, {p.failed} failed, {p.skipped} already done; {p.audio_s / 3600:.2f} h audio, {p.speed_x:.1f}x real time{eta}"
        if self.task is None:
            self.task = self.bar.add_task("calls", total=p.total, status=status)
        self.bar.update(self.task, completed=p.finished, status=status)


def _agents_text(agents: list[dict]) -> str:
    """The per-agent table as aligned text (stdout)."""
    headers = ["agent", "calls", "failed", "audio h", "apologies", "flagged", "share", "top flags"]
    lines = []
    for a in agents:
        flags = sorted(((k[5:], v) for k, v in a.items() if k.startswith("flag_") and v), key=lambda kv: -kv[1])[:3]
        share = f"{100 * a['flagged_share']:.0f}%" if a["flagged_share"] is not None else "-"
        lines.append([a["agent"], str(a["calls"]), str(a["failed"]), f"{a['audio_h']:.2f}", str(a["apologies"]), str(a["flagged_apologies"]), share, ", ".join(f"{k} {v}" for k, v in flags) or "-"])
    widths = [max(len(h), *(len(r[i]) for r in lines)) if lines else len(h) for i, h in enumerate(headers)]
    fmt = lambda cells: "  ".join(c.ljust(w) if i in (0, 7) else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([fmt(headers)] + [fmt(r) for r in lines])


def cmd_batch(args, options, inputs: list[Path]) -> int:
    """Run the batch; ``options`` are the AnalyzeOptions the analyze command built."""
    from dataclasses import replace

    from ...batch import BatchError, run_batch
    from ...batch_inputs import discover
    from ...batch_summary import AgentResolver, build_tables, write_tables

    if args.json:
        error("--out and --json are two ways of writing reports: give one of them")
        return EXIT_USAGE
    try:
        agents = AgentResolver(args.agent_pattern, args.metadata)
        from ..html_report import render_call_html, render_index_html
    except ValueError as exc:
        error(str(exc))
        return EXIT_USAGE
    except ImportError:
        error("HTML reports need Jinja2: pip install 'sincerity-analyzer[reports]'")
        return EXIT_USAGE
    calls, problems = discover(inputs, exclude=args.out)
    for p in problems:
        warn(p)
    if not calls:
        error("nothing to analyse: no audio files among the inputs")
        return EXIT_FAILED
    options = replace(options, timeline=True)

    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with _ProgressView(not args.quiet) as view:
            result = run_batch(calls, args.out, options, jobs=args.jobs, ray_address=args.ray, force=args.force, on_progress=view, render_html=render_call_html, embed_audio=args.embed_audio)
        rows, agent_rows = build_tables(result.calls, args.out, agents)
        write_tables(args.out, rows, agent_rows)
        from ...batch import atomic_write

        atomic_write(args.out / "index.html", render_index_html(rows, agent_rows, title=f"Calls in {args.out}").encode("utf-8"))
    except BatchError as exc:
        error(str(exc))
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not args.quiet:
        print(_agents_text(agent_rows))
        print()
    speed = f", {result.audio_s / result.wall_s:.1f}x real time" if result.audio_s and result.wall_s else ""
    print(
        f"{len(calls)} calls: {len(result.done)} analysed, {len(result.skipped)} already done, {len(result.failed)} failed; "
        f"{result.audio_s / 3600:.2f} h audio in {result.wall_s:.1f} s{speed}. Index: {args.out / 'index.html'}",
        file=sys.stderr if args.quiet else sys.stdout,
    )
    return EXIT_FAILED if result.failed else EXIT_OK


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
