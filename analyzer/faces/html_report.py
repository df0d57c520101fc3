"""The HTML report of one call: a self-contained page a QA supervisor reads in a browser.

Consumes a ``sincerity.report/1`` report that has the ``timeline`` block
(``AnalyzeOptions(timeline=True)``); it computes no measure: every number drawn or shown
comes from the report.  What is done here is layout: seconds and semitones to pixels.

The page needs no network (no CDN, no web font, inline CSS and a few lines of JS); the
timeline is server-side SVG.  The audio is referenced by relative path, or embedded as a
base64 Ogg/Opus data URI (``audio_ogg``).  Templates: Jinja2 with autoescape on.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path
from typing import Optional

PX_PER_S = 10.0  # timeline scale; wide calls scroll sideways
MIN_WIDTH_PX, MAX_WIDTH_PX = 960.0, 14400.0
PITCH_SPAN_ST = 12.0  # pitch lane shows +-12 st around the agent's median
RATE_MIN, RATE_MAX = 0.4, 2.2  # rate lane, x the agent's usual rate
LANES = {"speech": (24, 22), "pitch": (58, 120), "rate": (192, 70), "laughter": (276, 16)}  # top, height (px)
HEIGHT_PX = 312
FLAG_COLOURS = {
    "rushed": "#d9480f",
    "cheerful": "#e8590c",
    "flat": "#5f3dc4",
    "nervous_laugh": "#c2255c",
    "qualified": "#1864ab",
    "minimizing": "#0b7285",
    "casual": "#2b8a3e",
    "scripted": "#5c940d",
    "no_empathy": "#862e9c",
    "no_action": "#a61e4d",
}
OK_COLOUR, OTHER_COLOUR = "#2f9e44", "#868e96"


def flag_colour(kind: str) -> str:
    return FLAG_COLOURS.get(kind, OTHER_COLOUR)


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(Path(__file__).with_name("templates"))), autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.globals["flag_colour"] = flag_colour
    return env


class _Scale:
    def __init__(self, duration_s: float):
        self.duration_s = max(duration_s, 1.0)
        self.width = min(MAX_WIDTH_PX, max(MIN_WIDTH_PX, self.duration_s * PX_PER_S))

    def x(self, t: float) -> float:
        return round(max(0.0, min(t, self.duration_s)) / self.duration_s * self.width, 1)

    def w(self, start: float, end: float) -> float:
        return max(1.0, round(self.x(end) - self.x(start), 1))


def _lane_y(lane: str, fraction: float) -> float:
    """fraction 0 = bottom of the lane, 1 = top."""
    top, height = LANES[lane]
    return round(top + height * (1.0 - max(0.0, min(1.0, fraction))), 1)


def _pitch_y(st: float) -> float:
    return _lane_y("pitch", (st + PITCH_SPAN_ST) / (2 * PITCH_SPAN_ST))


def _rate_y(ratio: float) -> float:
    return _lane_y("rate", (ratio - RATE_MIN) / (RATE_MAX - RATE_MIN))


def _pitch_paths(scale: _Scale, pitch: dict) -> list[str]:
    """Polyline point lists of the voiced stretches of the contour."""
    paths, run = [], []
    step, t0 = pitch.get("step_s") or 0.05, pitch.get("start_s") or 0.0
    for i, st in enumerate(pitch.get("st") or []):
        if st is None:
            if len(run) > 1:
                paths.append(" ".join(run))
            run = []
            continue
        run.append(f"{scale.x(t0 + (i + 0.5) * step)},{_pitch_y(st)}")
    if len(run) > 1:
        paths.append(" ".join(run))
    return paths


def _ticks(scale: _Scale) -> list[dict]:
    step = next(s for s in (5, 10, 15, 30, 60, 120, 300, 600, 1e9) if scale.duration_s / s <= scale.width / 80)
    out, t = [], 0.0
    while t <= scale.duration_s:
        out.append({"x": scale.x(t), "label": f"{int(t // 60)}:{int(t % 60):02d}"})
        t += step
    return out


def _timeline_view(report: dict) -> dict:
    timeline = report.get("timeline") or {}
    scale = _Scale(float(report.get("duration_s") or 0.0))
    base = timeline.get("baseline") or {}
    band = base.get("pitch_band_st") or [0.0, 0.0]
    utterances = []
    for u in timeline.get("utterances", []):
        ratio = u.get("rate_vs_baseline")
        if ratio is None:
            continue
        utterances.append({"x": scale.x(u["start"]), "w": scale.w(u["start"], u["end"]), "y": _rate_y(ratio), "pace": u.get("pace", "unknown"), "t": u["start"], "title": f"{u['speaking_rate_sps']:.1f} syll/s, {ratio:.2f}x usual"})
    apologies = []
    for a in report.get("apologies", []):
        kinds = [f["kind"] for f in a["flags"]]
        apologies.append({"x": scale.x(a["start"]), "w": scale.w(a["start"], a["end"]), "t": a["start"], "colour": flag_colour(kinds[0]) if kinds else OK_COLOUR, "title": f"{a['text']} ({', '.join(kinds) or 'no flag'})"})
    return {
        "width": scale.width,
        "height": HEIGHT_PX,
        "lanes": {k: {"top": v[0], "height": v[1]} for k, v in LANES.items()},
        "ticks": _ticks(scale),
        "speech": [{"x": scale.x(s), "w": scale.w(s, e), "t": s} for s, e in timeline.get("speech", [])],
        "laughter": [{"x": scale.x(l["start"]), "w": scale.w(l["start"], l["end"]), "t": l["start"]} for l in report.get("laughter", [])],
        "pitch_paths": _pitch_paths(scale, timeline.get("pitch") or {}),
        "pitch_band": {"y": _pitch_y(band[1]), "h": round(_pitch_y(band[0]) - _pitch_y(band[1]), 1)},
        "pitch_zero_y": _pitch_y(0.0),
        "pitch_peak_y": _pitch_y(base["peak_st"]) if base.get("peak_st") is not None else None,
        "pitch_reference_hz": (timeline.get("pitch") or {}).get("reference_hz"),
        "rate_usual_y": _rate_y(1.0),
        "rate_rushed_y": _rate_y(base.get("rushed_rate_ratio") or 1.4),
        "rate_usual_sps": base.get("speaking_rate_sps"),
        "rushed_rate_ratio": base.get("rushed_rate_ratio"),
        "utterances": utterances,
        "apologies": apologies,
        "scale_s": scale.duration_s,
    }


def _transcript(report: dict) -> list[dict]:
    """Paragraphs (one per utterance) of words; apology words grouped and flagged."""
    apologies = report.get("apologies", [])
    words = report.get("words") or []
    spans = [(u["start"], u["end"]) for u in (report.get("timeline") or {}).get("utterances", [])]
    if not words:  # --no-words: the apologies alone
        return [{"t": a["start"], "parts": [{"apology": i, "words": [{"text": a["text"], "t": a["start"]}]}], "apologies": [i]} for i, a in enumerate(apologies)]
    paragraphs: list[dict] = []
    span_i = 0
    for w in words:
        while span_i < len(spans) and w["start"] >= spans[span_i][1]:
            span_i += 1
        key = span_i if span_i < len(spans) and w["start"] >= spans[span_i][0] - 0.5 else None
        if not paragraphs or paragraphs[-1]["key"] != key or key is None and w["start"] - paragraphs[-1]["end"] > 1.0:
            paragraphs.append({"key": key, "t": w["start"], "end": w["end"], "parts": [], "apologies": []})
        para = paragraphs[-1]
        para["end"] = w["end"]
        owner = next((i for i, a in enumerate(apologies) if a["start"] - 0.05 <= w["start"] < a["end"] + 0.05), None)
        if not para["parts"] or para["parts"][-1]["apology"] != owner:
            para["parts"].append({"apology": owner, "words": []})
            if owner is not None and owner not in para["apologies"]:
                para["apologies"].append(owner)
        para["parts"][-1]["words"].append({"text": w["text"], "t": w["start"]})
    return paragraphs


def render_call_html(report: dict, audio_href: str = "", audio_ogg: Optional[bytes] = None) -> str:
    """The page of one call.  audio_href: path of the recording relative to the page;
    audio_ogg: an Ogg/Opus copy to embed instead (the page then works on its own)."""
    if audio_ogg is not None:
        audio_src = "data:audio/ogg;base64," + base64.b64encode(audio_ogg).decode("ascii")
    else:
        audio_src = audio_href
    source = report.get("source") or {}
    name = (report.get("batch") or {}).get("name") or Path(source.get("path", "call")).name
    return environment().get_template("call.html.j2").render(
        report=report,
        name=name,
        summary=report.get("summary", {}),
        audio_src=audio_src,
        audio_embedded=audio_ogg is not None,
        timeline=_timeline_view(report),
        has_timeline="timeline" in report,
        paragraphs=_transcript(report),
        apologies=report.get("apologies", []),
    )


def render_index_html(rows: list[dict], agents: list[dict], title: str = "Calls") -> str:
    """The batch's index page: every call (link, status, apologies, flags) and the
    per-agent table.  rows/agents: the summary tables (analyzer.batch_summary)."""
    return environment().get_template("index.html.j2").render(rows=rows, agents=agents, title=title)
