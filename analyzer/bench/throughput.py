"""Batch throughput: the batch runner (``analyzer.batch.run_batch``) with 1 and N workers.

Each run analyses the same files into a fresh temporary folder (``force``: nothing is
resumed), and its wall time includes starting the workers and loading their models, as a
user's batch does.  x_real_time = audio seconds / wall seconds; speed-up =
x_real_time(N) / x_real_time(1).  The batch reads every file with one channel setting
("auto": stereo calls are mixed down), which costs the same as picking the agent's.
When the batch runner is not in this build the section is skipped and says so.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from .record import skipped


def measure_batch(analyze_options, calls, jobs_n: int) -> dict:
    """The record's ``batch`` block for ``calls`` (``path`` each), 1 and ``jobs_n`` workers."""
    try:
        from ..batch import run_batch
        from ..batch_inputs import discover
    except ImportError as exc:
        return skipped(f"the batch runner (analyzer.batch.run_batch) is not in this build: {exc}")
    inputs, problems = discover([c.path for c in calls])
    if problems or not inputs:
        return skipped(f"the batch runner did not take the bench files: {'; '.join(problems) or 'none found'}")
    runs = []
    for jobs in sorted({1, max(1, jobs_n)}):
        with tempfile.TemporaryDirectory(prefix="sincerity-bench-batch-") as tmp:
            tic = time.perf_counter()
            result = run_batch(inputs, Path(tmp), analyze_options, jobs=jobs, force=True)
            wall = time.perf_counter() - tic
        if result.failed:
            return skipped(f"the batch runner failed on {len(result.failed)} bench file(s): {result.failed[0][1]}")
        runs.append({"jobs": jobs, "files": len(inputs), "audio_s": round(result.audio_s, 1), "wall_s": round(wall, 2),
                     "x_real_time": round(result.audio_s / wall, 2)})
    speed_up = round(runs[-1]["x_real_time"] / runs[0]["x_real_time"], 2) if len(runs) > 1 else None
    return {"runs": runs, "speed_up": speed_up, "note": "wall time includes worker start-up and model loading"}
