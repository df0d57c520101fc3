"""Post-call speed: real-time factor (compute s / audio s) per stage, in one process.

The Analyzer is built (models loaded: timed apart), a warm-up runs every stage once (first
Whisper and ONNX calls allocate and compile), then every file is analysed ``repeats``
times.  Per repeat the stage seconds of all files are summed and divided by their audio
seconds; the record keeps every repeat and their min and median (the min is the least
disturbed by other load, the median what a user typically sees).

Stages: decode (file -> 16 kHz mono), vad, asr (Whisper), pitch, laughter, wording (phrase
rules), rest (everything else: apology finding, measures, judgement, report), total.
``rest`` is the total minus the named stages, so the stages add up to the total.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from typing import Callable, Optional

STAGES = ("decode", "diarize", "vad", "asr", "pitch", "laughter", "wording", "rest")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MB (ru_maxrss: KB on Linux, B on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0, 1)


def spread(values: list[float], digits: int = 4) -> dict:
    """min / median / max of repeated measurements, and the runs themselves."""
    return {"min": round(min(values), digits), "median": round(statistics.median(values), digits),
            "max": round(max(values), digits), "runs": [round(v, digits) for v in values]}


def stage_seconds(report: dict) -> dict:
    """Seconds per stage of one report (``timings``), ``rest`` = wall minus named stages."""
    timings = report["timings"]
    stages = timings["stages_s"]
    named = {s: float(stages.get(s, 0.0)) for s in STAGES if s != "rest"}
    named["rest"] = max(0.0, float(timings["wall_s"]) - sum(named.values()))
    named["total"] = float(timings["wall_s"])
    return named


def analyse_all(analyzer, calls) -> tuple[list[dict], dict, float]:
    """Analyse every call once: (reports, summed stage seconds, audio seconds)."""
    reports, sums, audio_s = [], {s: 0.0 for s in (*STAGES, "total")}, 0.0
    for call in calls:
        report = analyzer.analyze_file(call.path, channel=call.channel)
        for stage, seconds in stage_seconds(report).items():
            sums[stage] += seconds
        audio_s += report["duration_s"]
        reports.append(report)
    return reports, sums, audio_s


def wording_ms_per_apology(reports: list[dict]) -> Optional[float]:
    """Wording-judge compute per apology found (ms): the text model's cost shows here."""
    apologies = sum(r["summary"]["apologies"] for r in reports)
    seconds = sum(r["timings"]["stages_s"].get("wording", 0.0) for r in reports)
    return round(1000 * seconds / apologies, 2) if apologies else None


def redecode_ms_per_apology(reports: list[dict]) -> Optional[float]:
    """Seconds of the casual re-recognition (analyzer.wording_redecode; counted in
    ``rest``) per apology found, in ms; None when it is off or nothing was found."""
    apologies = sum(r["summary"]["apologies"] for r in reports)
    seconds = [r["timings"]["stages_s"].get("redecode") for r in reports]
    if not apologies or all(s is None for s in seconds):
        return None
    return round(1000 * sum(s or 0.0 for s in seconds) / apologies, 2)


def measure_post_call(analyzer, calls, repeats: int = 1, load_s: Optional[float] = None,
                      after_repeat: Optional[Callable[[list[dict]], None]] = None) -> tuple[dict, list[dict]]:
    """The record's ``post_call`` block and the first repeat's reports (for scoring).

    calls: LabelledCall-like objects (``path``, ``channel``).  The warm-up is the live
    session's (every stage once on a second of synthetic voice), not a whole file.
    after_repeat(reports) runs after each repeat: a peer timed there sees the same load
    as the repeat it is paired with.
    """
    from ..session import warm_up

    tic = time.perf_counter()
    warm_up(analyzer)
    warm_up_s = time.perf_counter() - tic
    runs: list[dict] = []
    first: list[dict] = []
    audio_s = 0.0
    for _ in range(max(1, repeats)):
        reports, sums, audio_s = analyse_all(analyzer, calls)
        runs.append({s: v / audio_s for s, v in sums.items()})
        first = first or reports
        if after_repeat is not None:
            after_repeat(reports)
    rtf = {s: spread([r[s] for r in runs]) for s in (*STAGES, "total")}
    block = {
        "files": len(calls),
        "audio_s": round(audio_s, 1),
        "repeats": len(runs),
        "model_load_s": round(load_s if load_s is not None else analyzer.load_s, 2),
        "warm_up_s": round(warm_up_s, 2),
        "rtf": rtf,
        "wording_ms_per_apology": wording_ms_per_apology(first),
        "redecode_ms_per_apology": redecode_ms_per_apology(first),
        "redecode_rtf": round(sum(r["timings"]["stages_s"].get("redecode", 0.0) for r in first) / max(audio_s, 1e-9), 5),
        "asr_rtf_first_repeat": round(sum(r["timings"]["stages_s"].get("asr", 0.0) for r in first) / max(audio_s, 1e-9), 5),
        "peak_rss_mb": peak_rss_mb(),
    }
    return block, first
