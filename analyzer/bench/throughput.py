"""Batch throughput: the batch runner (``analyzer.batch.run_batch``) with 1 and N workers.

Each run analyses the same files into a fresh temporary folder (``force``: nothing is
resumed), and its wall time includes starting the workers and loading their models, as a
user's batch does.  x_real_time = audio seconds / wall seconds; speed-up =
x_real_time(N) / x_real_time(1).  The batch reads every file with one channel setting
("auto": stereo calls are mixed down), which costs the same as picking the agent's.
When the batch runner is not in this build the section is skipped and says so.
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

from .record import skipped


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_batch(inputs, analyze_options, jobs: Optional[int] = None, ray_address: Optional[str] = None,
               render_html: Optional[Callable] = None) -> dict:
    """One from-scratch batch of ``inputs`` (CallInputs) into a temporary folder, timed.

    wall_s includes worker start-up and model loading; worker_cpu_s: CPU seconds of the
    local pool's processes (this process's children, reaped at the end; None on Ray, whose
    workers are not); driver_cpu_s: this process's own (discovery, hashing, HTML,
    writing).  ``failed`` lists (path, reason) of calls that failed."""
    from ..batch import run_batch

    out = Path(tempfile.mkdtemp(prefix="sincerity-bench-batch-"))
    load_before = os.getloadavg()[0]
    cpu_before = _children_cpu_s()
    driver_before = time.process_time()
    try:
        result = run_batch(inputs, out, analyze_options, jobs=jobs, ray_address=ray_address, force=True, render_html=render_html)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    cpu_s = None if ray_address else round(_children_cpu_s() - cpu_before, 2)
    driver_cpu_s = round(time.process_time() - driver_before, 2)
    audio_s, wall_s = result.audio_s, result.wall_s
    return {
        "jobs": jobs,
        "ray": ray_address,
        "calls": len(result.done),
        "audio_s": round(audio_s, 2),
        "wall_s": round(wall_s, 2),
        "throughput_x_real_time": round(audio_s / wall_s, 2) if wall_s else None,
        "whole_batch_rtf": round(wall_s / audio_s, 4) if audio_s else None,
        "worker_cpu_s": cpu_s,
        "worker_cpu_s_per_audio_s": round(cpu_s / audio_s, 4) if cpu_s is not None and audio_s else None,
        "driver_cpu_s": driver_cpu_s,
        "load_average_1min_before": round(load_before, 2),
        "load_average_1min_after": round(os.getloadavg()[0], 2),
        "failed": [list(f) for f in result.failed],
    }


def measure_batch(analyze_options, calls, jobs_n: int) -> dict:
    """The record's ``batch`` block for ``calls`` (``path`` each), 1 and ``jobs_n`` workers."""
    try:
        from ..batch_inputs import discover
    except ImportError as exc:
        return skipped(f"the batch runner (analyzer.batch.run_batch) is not in this build: {exc}")
    inputs, problems = discover([c.path for c in calls])
    if problems or not inputs:
        return skipped(f"the batch runner did not take the bench files: {'; '.join(problems) or 'none found'}")
    runs = []
    for jobs in sorted({1, max(1, jobs_n)}):
        timed = time_batch(inputs, analyze_options, jobs=jobs)
        if timed["failed"]:
            return skipped(f"the batch runner failed on {len(timed['failed'])} bench file(s): {timed['failed'][0][1]}")
        runs.append({"jobs": jobs, "files": len(inputs), "audio_s": round(timed["audio_s"], 1), "wall_s": timed["wall_s"],
                     "x_real_time": timed["throughput_x_real_time"]})
    speed_up = round(runs[-1]["x_real_time"] / runs[0]["x_real_time"], 2) if len(runs) > 1 else None
    return {"runs": runs, "speed_up": speed_up, "note": "wall time includes worker start-up and model loading"}
