"""Live speed: flag latency at real-time pace, CPU share of one session, agents per machine.

Each call is played by ``FileSource(realtime=True)``: a thread pushes 50 ms blocks at
wall-clock pace into the same bounded queue the microphone uses, and a ``LiveSession``
runs the pipeline on its worker thread with the live clock, so latency includes queueing:

    latency = emitted_at_s - apology_end_s   (audio seconds, as in `sincerity live`)

Measured on tone flags (rushed, cheerful, flat, nervous_laugh) and, because a tone flag
is emitted together with its apology, on every apology event too (a flag-free apology
has the same latency); wording flags wait for their action window (8 s) by design and
are reported apart.  CPU share = process CPU seconds / wall seconds while playing (one
core = 1.0; this process runs nothing else meanwhile).

Simultaneous live agents (an estimate, not measured with N sessions at once):
``floor(usable cores x 0.8 / CPU share)``, also bounded by available memory / the
process's peak RSS; 20 % of the CPU is left for the rest of the machine.
"""

from __future__ import annotations

import copy
import math
import statistics
import time
from dataclasses import replace

import numpy as np

from .speed import peak_rss_mb

CPU_HEADROOM = 0.8  # share of the machine's cores the estimate lets live sessions use
TONE = ("rushed", "cheerful", "flat", "nervous_laugh")


def live_view(analyzer):
    """The same models with `sincerity live`'s pipeline options (one Whisper call per
    utterance, asr_pack_s = 0): a shallow copy, nothing is loaded again."""
    live = copy.copy(analyzer)
    live.options = replace(analyzer.options, pipeline=replace(analyzer.options.pipeline, asr_pack_s=0.0))
    return live


def play_session(analyzer, samples: np.ndarray, loops: int = 1, on_event=None, realtime: bool = True):
    """One live session over ``samples`` (16 kHz mono) at real-time pace (``realtime``
    False: as fast as the worker takes blocks), after a warm-up.  Returns (every event, the finished LiveSession, CPU share of one core, wall seconds)."""
    from ..capture import FileSource
    from ..session import LiveSession, warm_up

    events = []

    def listener(event):
        events.append(event)
        if on_event is not None:
            on_event(event)

    source = FileSource(samples=samples, realtime=realtime, loops=loops)
    session = LiveSession(analyzer, source, [listener])
    warm_up(analyzer)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    session.start(warm=False)
    session.wait()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    if session.error:
        raise session.error
    return events, session, (cpu / wall if wall > 0 else None), wall


def play(analyzer, samples: np.ndarray) -> dict:
    """Latencies (s), CPU share and health counters of one real-time session."""
    events, session, cpu_share, wall = play_session(analyzer, samples)
    flags = [e for e in events if e.type == "flag"]
    return {
        "audio_s": round(len(samples) / 16000, 1),
        "wall_s": round(wall, 1),
        "cpu_share": cpu_share,
        "tone": [e.emitted_at_s - e.apology_end_s for e in flags if e.kind in TONE],
        "wording": [e.emitted_at_s - e.apology_end_s for e in flags if e.kind not in TONE],
        "apology": [e.emitted_at_s - e.end for e in events if e.type == "apology"],
        "behind": sum(1 for e in events if e.type == "status" and e.status == "behind"),
        "overflows": session.stats.overflows,
    }


def _latency(values: list[float]) -> dict:
    if not values:
        return {"n": 0, "median": None, "p95": None, "max": None}
    return {"n": len(values), "median": round(float(np.median(values)), 3), "p95": round(float(np.percentile(values, 95)), 3),
            "max": round(max(values), 3)}


def agents_estimate(cpu_share: float, cores: int, available_gb, rss_mb: float) -> dict:
    by_cpu = math.floor(cores * CPU_HEADROOM / cpu_share) if cpu_share and cpu_share > 0 else None
    by_memory = math.floor(available_gb * 1024 / rss_mb) if available_gb and rss_mb else None
    bounds = [b for b in (by_cpu, by_memory) if b is not None]
    return {"by_cpu": by_cpu, "by_memory": by_memory, "estimate": min(bounds) if bounds else None,
            "cpu_headroom": CPU_HEADROOM, "cores": cores}


def measure_live(analyzer, clips: list[np.ndarray], cores: int, available_gb) -> dict:
    """The record's ``live`` block over ``clips`` (each played once, real time)."""
    live = live_view(analyzer)
    runs = [play(live, clip) for clip in clips]
    tone = [x for r in runs for x in r["tone"]]
    apology = [x for r in runs for x in r["apology"]]
    cpu = [r["cpu_share"] for r in runs if r["cpu_share"] is not None]
    cpu_share = statistics.mean(cpu) if cpu else None
    rss = peak_rss_mb()
    return {
        "clips": len(runs),
        "audio_s": round(sum(r["audio_s"] for r in runs), 1),
        "tone_flag_latency_s": _latency(tone),
        "apology_latency_s": _latency(apology),
        "wording_flag_latency_s": _latency([x for r in runs for x in r["wording"]]),
        "cpu_share_of_one_core": {"mean": round(cpu_share, 3) if cpu_share else None, "runs": [round(c, 3) for c in cpu]},
        "behind_events": sum(r["behind"] for r in runs),
        "overflows": sum(r["overflows"] for r in runs),
        "peak_rss_mb": rss,
        "agents": agents_estimate(cpu_share, cores, available_gb, rss),
    }
