"""Where a batch's calls are analysed: worker processes on this machine, each holding the
models once (``LocalRunner``), or Ray actors (``analyzer.batch_ray.RayRunner``).

A runner takes ``(index, path)`` items and yields ``(index, outcome)`` as calls finish, in
any order, with at most ``in_flight`` calls submitted at once so memory stays bounded
whatever the batch's size.  Outcomes are plain tuples (they cross process boundaries):

    ("ok", report_dict, ogg_opus_bytes_or_None)
    ("failed", reason, persistent)   # persistent: the input itself is bad (AudioError)
    ("fatal", reason)                # the worker cannot work at all (model, config)
"""

from __future__ import annotations

import os
import signal
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Iterable, Iterator, Optional

MAX_POOL_RESTARTS = 3
# Thread pools of the numeric libraries, read once at import: a spawned worker inherits
# them from the environment at spawn time (Ray sets the same for its workers).
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def worker_options(options, threads: int):
    """``options`` with Whisper's CPU threads set for one worker of many."""
    if options.transcriber.cpu_threads:
        return options
    return replace(options, transcriber=replace(options.transcriber, cpu_threads=threads))


def analyze_call(analyzer, path: str, embed_audio: bool) -> tuple:
    """One call's outcome (see module docstring); never raises for a bad input."""
    from .audio import AudioError, encode_ogg_opus, load_audio

    try:
        report = analyzer.analyze_file(path)
        audio = None
        if embed_audio:
            audio = encode_ogg_opus(load_audio(path, analyzer.options.channel).samples)
        return ("ok", report, audio)
    except AudioError as exc:
        return ("failed", str(exc), True)
    except MemoryError:
        return ("failed", f"{path}: out of memory while analysing", False)
    except Exception as exc:  # a bug or an unexpected library error: one line, the batch goes on
        detail = str(exc).splitlines()[0] if str(exc) else ""
        return ("failed", f"{path}: analysis failed ({exc.__class__.__name__}: {detail})", False)


def skip_unused_torch() -> None:
    """In a process that only analyses calls: make ``import torch`` fail fast.  spaCy's
    thinc imports torch whenever it is installed (about 1.5 s per worker on 2 cores);
    nothing in the analyzer uses it.  Never called in a user's own process."""
    import sys

    sys.modules.setdefault("torch", None)


def load_analyzer(options) -> tuple[Optional[object], Optional[str]]:
    """(Analyzer, None), or (None, one-line reason) when the models cannot load."""
    from .analyze import Analyzer

    try:
        return Analyzer(options), None
    except Exception as exc:
        return None, f"the analyzer could not start: {str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}"


_ANALYZER = None
_START_ERROR: Optional[str] = None


def _init_worker(options) -> None:
    global _ANALYZER, _START_ERROR
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    skip_unused_torch()
    _ANALYZER, _START_ERROR = load_analyzer(options)


def _work(path: str, embed_audio: bool) -> tuple:
    if _ANALYZER is None:
        return ("fatal", _START_ERROR or "the analyzer could not start")
    return analyze_call(_ANALYZER, path, embed_audio)


class LocalRunner:
    """``jobs`` worker processes (spawned: a clean interpreter each, no forked threads)."""

    def __init__(self, options, jobs: int, embed_audio: bool = False, in_flight: Optional[int] = None):
        threads = max(1, (os.cpu_count() or 1) // jobs)
        self.options = worker_options(options, threads)
        self.jobs = jobs
        self.embed_audio = embed_audio
        self.in_flight = in_flight or 2 * jobs
        self._pool: Optional[ProcessPoolExecutor] = None

    def _new_pool(self) -> ProcessPoolExecutor:
        import multiprocessing

        return ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker, initargs=(self.options,))

    def __enter__(self) -> "LocalRunner":
        # N workers on N cores: one thread each, or their idle-spinning pools fight.
        self._saved_env = {k: os.environ.get(k) for k in THREAD_ENV}
        for key in THREAD_ENV:
            os.environ.setdefault(key, str(self.options.transcriber.cpu_threads))
        self._pool = self._new_pool()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(kill=exc_type is not None)
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def close(self, kill: bool = False) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if kill:  # Ctrl-C or an error: do not wait for calls nobody will write
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)

    def run(self, items: Iterable[tuple[int, str]]) -> Iterator[tuple[int, tuple]]:
        pending = iter(items)
        running: dict[Future, int] = {}
        restarts = 0
        exhausted = False
        while True:
            while not exhausted and len(running) < self.in_flight:
                item = next(pending, None)
                if item is None:
                    exhausted = True
                    break
                running[self._pool.submit(_work, item[1], self.embed_audio)] = item[0]
            if not running:
                return
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                index = running.pop(future)
                try:
                    yield index, future.result()
                except BrokenProcessPool:
                    yield index, ("failed", "a worker process died while analysing this call (out of memory?); it is retried on the next run", False)
            if any(isinstance(f.exception(), BrokenProcessPool) for f in finished if f.done()):
                restarts += 1
                for future, index in list(running.items()):  # the rest of the broken pool's calls
                    running.pop(future)
                    yield index, ("failed", "a worker process died during this call's batch slot; it is retried on the next run", False)
                self.close(kill=True)
                if restarts > MAX_POOL_RESTARTS:
                    yield -1, ("fatal", f"worker processes died {restarts} times; stopping")
                    return
                self._pool = self._new_pool()
