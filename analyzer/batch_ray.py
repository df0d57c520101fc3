"""The batch on a Ray cluster: one actor per CPU, each holding the models once.

Same contract as ``batch_workers.LocalRunner`` (``run`` yields ``(index, outcome)``), so
results, error rows and resume are those of a local run.  Each actor runs the very same
``analyze_call``; per-file errors come back as "failed" outcomes, a dead actor fails only
the call it held.  The driver (this process) writes every result: workers need to read
the recordings at the same paths (shared storage on a multi-node cluster) but never write.

address: "auto" (the cluster this machine belongs to, as ``ray start`` made it), "local"
(start a private single-machine Ray for this run), or a cluster address
("ray://head:10001", "head:6379").  Ray is an extra: ``pip install 'sincerity-analyzer[cluster]'``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .batch_workers import analyze_call, load_analyzer, skip_unused_torch, worker_options

TASKS_PER_ACTOR = 2  # one running, one queued: actors never idle, memory stays bounded


class _AnalyzerActor:
    """Holds one Analyzer; ``analyze`` returns a batch outcome tuple."""

    def __init__(self, options):
        skip_unused_torch()  # an actor's process is Ray's worker, used for nothing else
        self.analyzer, self.error = load_analyzer(options)

    def start_error(self) -> Optional[str]:
        return self.error

    def analyze(self, path: str, embed_audio: bool) -> tuple:
        if self.analyzer is None:
            return ("fatal", self.error or "the analyzer could not start")
        return analyze_call(self.analyzer, path, embed_audio)


def _package_root() -> str:
    return str(Path(__file__).resolve().parents[1])


class RayRunner:
    def __init__(self, options, address: str, actors: Optional[int] = None, embed_audio: bool = False):
        self.options = worker_options(options, threads=1)  # one CPU per actor
        self.address = address
        self.requested = actors
        self.embed_audio = embed_audio
        self._started_ray = False
        self._actors: list = []

    def __enter__(self) -> "RayRunner":
        from .batch import BatchError

        try:
            import ray
        except ImportError:
            raise BatchError("--ray needs Ray: pip install 'sincerity-analyzer[cluster]'") from None
        self.ray = ray
        if not ray.is_initialized():
            # Workers import this very analyzer (a source checkout too) and use one thread each.
            env = {"PYTHONPATH": os.pathsep.join(p for p in (_package_root(), os.environ.get("PYTHONPATH", "")) if p), "OMP_NUM_THREADS": "1"}
            kwargs = dict(runtime_env={"env_vars": env}, log_to_driver=False, logging_level=logging.ERROR)
            try:
                if self.address == "local":
                    ray.init(num_cpus=self.requested, include_dashboard=False, **kwargs)
                else:
                    ray.init(address=self.address, **kwargs)
            except Exception as exc:  # no cluster there, or an unreachable one
                raise BatchError(f"cannot join the Ray cluster at {self.address!r}: {str(exc).splitlines()[0]}") from None
            self._started_ray = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        count = max(1, self.requested or cpus)
        actor_class = ray.remote(num_cpus=1, max_restarts=0)(_AnalyzerActor)
        self._actors = [actor_class.remote(self.options) for _ in range(count)]
        errors = [e for e in ray.get([a.start_error.remote() for a in self._actors]) if e]
        if errors:
            self.close()
            raise BatchError(errors[0])
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()

    def close(self) -> None:
        for actor in self._actors:
            try:
                self.ray.kill(actor)
            except Exception:
                pass
        self._actors = []
        if self._started_ray:
            self.ray.shutdown()
            self._started_ray = False

    def run(self, items: Iterable[tuple[int, str]]) -> Iterator[tuple[int, tuple]]:
        ray = self.ray
        pending = iter(items)
        running: dict = {}  # ObjectRef -> (index, actor)
        load = {id(a): 0 for a in self._actors}
        alive = list(self._actors)

        def fill() -> None:
            for actor in alive:
                while load[id(actor)] < TASKS_PER_ACTOR:
                    item = next(pending, None)
                    if item is None:
                        return
                    running[actor.analyze.remote(item[1], self.embed_audio)] = (item[0], actor)
                    load[id(actor)] += 1

        fill()
        while running:
            ready, _ = ray.wait(list(running), num_returns=1)
            ref = ready[0]
            index, actor = running.pop(ref)
            load[id(actor)] -= 1
            try:
                outcome = ray.get(ref)
            except ray.exceptions.RayActorError:
                outcome = ("failed", "the Ray worker holding this call died (out of memory, or its node left); it is retried on the next run", False)
                if actor in alive:
                    alive.remove(actor)
            except ray.exceptions.RayError as exc:
                outcome = ("failed", f"Ray could not run this call ({exc.__class__.__name__}); it is retried on the next run", False)
            yield index, outcome
            if not alive:
                yield -1, ("fatal", "every Ray worker died; stopping")
                return
            fill()
