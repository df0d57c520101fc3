"""How responsive the overlay's event loop stays while the live pipeline analyses a call.

    python benchmarks/overlay_responsiveness.py CALL.flac [--heartbeat-ms 5]

Runs the real overlay (Qt offscreen) over CALL as fast as the pipeline goes and keeps a
``heartbeat_ms`` QTimer on the GUI thread.  Prints one JSON object: the heartbeat gaps
(ms) from "listening" to the end, raw and less the time the GUI thread was runnable but
had no CPU (``/proc/thread-self/schedstat``: other processes on a shared machine), as
max / p99 / median and the count of beats.  ``bench_overlay.py`` runs this in a child
and records it; the target (largest gap < 50 ms without CPU-queue wait) is a benchmark
figure, not a unit test, since gaps depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _queued_s(schedstat: Path) -> float:
    """Seconds this thread has spent runnable but waiting for a CPU."""
    return int(schedstat.read_text().split()[1]) / 1e9 if schedstat.exists() else 0.0


def _stats(gaps_ms: list[float]) -> dict:
    ordered = sorted(gaps_ms)
    if not ordered:
        return {"beats": 0}
    return {"beats": len(ordered), "max_ms": round(ordered[-1], 1), "p99_ms": round(ordered[int(len(ordered) * 0.99)], 1),
            "median_ms": round(ordered[len(ordered) // 2], 1)}


def measure(call: Path, heartbeat_ms: int = 5) -> dict:
    """Heartbeat gap statistics (see the module docstring) for one run over ``call``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer

    from analyzer.analyze import AnalyzeOptions, Analyzer
    from analyzer.capture import FileSource
    from analyzer.faces.overlay.app import OverlayApp, application
    from analyzer.faces.overlay.settings import DEFAULTS
    from analyzer.pipeline import PipelineOptions

    app = application()
    analyzer = Analyzer(AnalyzeOptions(pipeline=PipelineOptions(asr_pack_s=0.0)))  # as `sincerity live` builds it
    overlay = OverlayApp(lambda: analyzer, lambda device: None, {}, dict(DEFAULTS), quit_at_end=True, persist=False, hold_s=0.5)
    listening: list[float] = []
    overlay.window.state_changed.connect(lambda state: listening.append(time.perf_counter()) if state == "listening" else None)
    schedstat = Path("/proc/thread-self/schedstat")
    beats: list[tuple[float, float]] = []
    heartbeat = QTimer(interval=heartbeat_ms, timeout=lambda: beats.append((time.perf_counter(), _queued_s(schedstat))))
    heartbeat.start()
    overlay.start(FileSource(call, realtime=False))
    QTimer.singleShot(600_000, app.quit)  # a hung session must not hang the benchmark
    app.exec()
    heartbeat.stop()
    start = listening[0] if listening else beats[0][0]
    kept = [(b, a) for a, b in zip(beats, beats[1:]) if a[0] >= start]
    raw = [1000 * (b[0] - a[0]) for b, a in kept]
    own = [1000 * ((b[0] - a[0]) - (b[1] - a[1])) for b, a in kept]
    return {"call": call.name, "heartbeat_ms": heartbeat_ms, "platform": os.environ["QT_QPA_PLATFORM"],
            "raw": _stats(raw), "without_cpu_wait": _stats(own), "summary_end": overlay.summary.get("end")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("call", type=Path)
    ap.add_argument("--heartbeat-ms", type=int, default=5)
    args = ap.parse_args()
    print(json.dumps(measure(args.call, args.heartbeat_ms)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
