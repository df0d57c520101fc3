"""The terminal faces of a live session: the rich live view, plain lines, the summary.

They only read events and the session's running state; the coaching texts come from
``analyzer.coaching``.
"""

from __future__ import annotations

import sys

from ..coaching import NO_FLAGS_TEXT, coaching
from ..events import ApologyEvent, FlagEvent, LaughterSegment, StatusEvent, WordsEvent

PACE_STYLE = {"brisk": "yellow", "fast": "red"}  # comfortable and unknown: plain


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class LinePrinter:
    """Plain output, one line per notable event (``--no-view``, pipes, tests)."""

    def __init__(self, stream=None, words: bool = False):
        self.stream = stream or sys.stdout
        self.words = words

    def __call__(self, event) -> None:
        line = None
        if isinstance(event, StatusEvent):
            line = f"[{event.emitted_at_s:7.1f}s] status {event.status}: {event.message}"
        elif isinstance(event, ApologyEvent):
            line = f"[{event.emitted_at_s:7.1f}s] apology {event.start:.1f}-{event.end:.1f} s: \"{event.text}\""
        elif isinstance(event, FlagEvent):
            lag = event.emitted_at_s - event.apology_end_s
            line = f"[{event.emitted_at_s:7.1f}s]   flag {event.kind} (+{lag:.1f} s): {coaching(event)}"
        elif isinstance(event, LaughterSegment):
            line = f"[{event.emitted_at_s:7.1f}s] laughter {event.start:.1f}-{event.end:.1f} s"
        elif isinstance(event, WordsEvent) and self.words:
            line = f"[{event.emitted_at_s:7.1f}s] words {event.start:.1f}-{event.end:.1f} s: {event.text}"
        if line is not None:
            print(line, file=self.stream, flush=True)


def render_view(session):
    """The rich renderable of the live view (called on the main thread)."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    s = session.stats
    with session.lock:
        m = s.last_measures
        apology = s.last_apology
        flags = list(s.last_flags)
        flag_counts = dict(s.flags)
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    if s.device_lost:
        state = Text(f"device lost: {s.device_lost}", style="bold red")
    elif session.behind:
        state = Text(f"behind by {s.backlog_s:.1f} s, catching up", style="bold yellow")
    elif s.in_speech:
        state = Text("● hearing speech", style="green")
    else:
        state = Text("○ listening", style="dim")
    table.add_row("State", state)
    if m is None:
        table.add_row("Rate", Text("waiting for speech...", style="dim"))
        table.add_row("Pitch", Text("-", style="dim"))
    else:
        b = m.baseline
        ratio = m.rate_vs_baseline
        if m.pace == "unknown":
            rate = f"{m.speaking_rate_sps:.1f} syll/s  (your usual: not known yet)"
        else:
            rate = f"{m.speaking_rate_sps:.1f} syll/s  (your usual {b.speaking_rate_sps:.1f}, {ratio:.2f}x)"
        table.add_row("Rate", Text(rate, style=PACE_STYLE.get(m.pace, "")))
        shift = m.pitch_shift_st
        if m.pitch_median_hz is None:
            pitch = "not enough voiced speech"
        else:
            pitch = f"{m.pitch_median_hz:.0f} Hz"
            if shift is not None:
                arrow = "▲" if shift > 0.5 else ("▼" if shift < -0.5 else "=")
                pitch += f"  {arrow} {shift:+.1f} st vs your usual {b.pitch_median_hz:.0f} Hz"
        if m.pitch_range_st is not None:
            pitch += f"; range {m.pitch_range_st:.1f} st (usual {b.pitch_range_st:.1f})"
        table.add_row("Pitch", pitch)
    if apology is None:
        table.add_row("Apology", Text("none yet", style="dim"))
    else:
        table.add_row("Apology", f"{apology.start:.1f}-{apology.end:.1f} s  \"{apology.text}\"")
        if not flags:
            table.add_row("", Text(NO_FLAGS_TEXT, style="green"))
        for f in flags:
            table.add_row("", Text(f"⚑ {coaching(f)}", style="bold red" if f.category == "tone" else "yellow"))
    counts = ", ".join(f"{k} {v}" for k, v in sorted(flag_counts.items())) or "none"
    extra = f"  ·  overflows {s.overflows}" + (f", {s.dropped_s:.1f} s dropped" if s.dropped_s else "") + f"  ·  behind {s.behind_events}x"
    table.add_row("Session", f"{s.apologies} apologies, flags: {counts}{extra}")
    title = f"sincerity live · {session.source.describe()} · {_clock(s.audio_s)}"
    return Panel(table, title=title, subtitle="Ctrl-C ends the session · audio stays in memory", border_style="cyan")


def render_summary(summary: dict) -> str:
    b = summary["baseline"]
    lat = summary["tone_flag_latency_s"]
    flags = ", ".join(f"{k} {v}" for k, v in sorted(summary["flags"].items())) or "none"
    pitch = f"{b['pitch_median_hz']:.0f} Hz" if b["pitch_median_hz"] else "n/a"
    lines = [
        f"Session summary ({summary['end']}): {_clock(summary['audio_s'])} of audio",
        f"  apologies      {summary['apologies']} ({summary['flagged_apologies']} flagged)",
        f"  flags          {flags}",
        f"  your baseline  {b['speaking_rate_sps']:.1f} syll/s ({b['rate_source']}), pitch {pitch}, range {b['pitch_range_st']:.1f} st ({b['pitch_source']}), {b['speech_s']:.0f} s of speech",
        f"  audio          {summary['overflows']} input overflow(s), {summary['dropped_s']:.2f} s dropped, "
        f"fell behind {summary['behind_events']}x ({summary['skipped_speech_s']:.1f} s of speech not transcribed)",
    ]
    if lat["n"]:
        lines.append(f"  flag latency   median {lat['median']:.2f} s, max {lat['max']:.2f} s after the apology ended ({lat['n']} tone flags)")
    if summary["device_lost"]:
        lines.append(f"  device lost    {summary['device_lost']}")
    return "\n".join(lines)
