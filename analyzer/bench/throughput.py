"""Batch throughput: the batch runner (``analyzer.batch.run_batch``) with 1 and N workers.

Each run analyses the same files into a fresh temporary folder (nothing is resumed), and
its wall time includes starting the workers and loading their models, as a user's batch
does.  x_real_time = audio seconds / wall seconds; speed-up = x_real_time(N) / x_real_time(1).
When the batch runner is not installed the section is skipped and says so.
"""

from __future__ import annotations

import inspect
import tempfile
import time
from pathlib import Path

from .record import skipped


def _runner():
    try:
        from ..batch import run_batch
    except ImportError as exc:
        return None, f"the batch runner (analyzer.batch.run_batch) is not in this build: {exc}"
    return run_batch, None


def _call(run_batch, files: list[Path], out_dir: Path, jobs: int, settings: dict):
    """Call run_batch with the arguments its signature names (files, out dir, jobs, model)."""
    params = inspect.signature(run_batch).parameters
    kwargs = {}
    for name, value in (("jobs", jobs), ("force", True), ("progress", False), ("quiet", True)):
        if name in params:
            kwargs[name] = value
    for name in ("out", "out_dir", "output", "output_dir"):
        if name in params:
            kwargs[name] = out_dir
            break
    for key in ("model", "device", "compute_type"):
        if key in params and settings.get(key):
            kwargs[key] = settings[key]
    first = next(iter(params))
    return run_batch(**{first: files}, **kwargs) if first not in kwargs else run_batch(files, **kwargs)


def measure_batch(calls, audio_s: float, jobs_n: int, settings: dict) -> dict:
    """The record's ``batch`` block for ``calls`` (``path`` each), 1 and ``jobs_n`` workers."""
    run_batch, why = _runner()
    if run_batch is None:
        return skipped(why)
    files = [c.path for c in calls]
    runs = []
    for jobs in sorted({1, max(1, jobs_n)}):
        with tempfile.TemporaryDirectory(prefix="sincerity-bench-batch-") as tmp:
            tic = time.perf_counter()
            try:
                _call(run_batch, files, Path(tmp), jobs, settings)
            except TypeError as exc:
                return skipped(f"run_batch's signature is not the one this bench knows: {exc}")
            wall = time.perf_counter() - tic
        runs.append({"jobs": jobs, "files": len(files), "audio_s": round(audio_s, 1), "wall_s": round(wall, 2),
                     "x_real_time": round(audio_s / wall, 2)})
    speed_up = round(runs[-1]["x_real_time"] / runs[0]["x_real_time"], 2) if len(runs) > 1 else None
    return {"runs": runs, "speed_up": speed_up, "note": "wall time includes worker start-up and model loading"}
